"""Secrets kept in the database, encrypted at rest (a hub's token and pseudonym key): the
keys and the sealing.

A value is sealed with Fernet (AES-128-CBC with an HMAC-SHA256, from the ``cryptography``
package) under the keys in ``VOCREHAB_FIELD_KEYS``: a comma-separated list, newest first.
The first key seals; every key in the list opens, so a key can be rotated without losing
what was sealed under the one before (``vocrehab fieldkeys rotate`` seals every value
again under the first key; the old key can then be removed).

Without ``VOCREHAB_FIELD_KEYS`` a key derived from ``SECRET_KEY`` is used. That is for
development only: anyone holding ``SECRET_KEY`` and a copy of the database could open
the values, so ``vocrehab check --deploy`` fails without the setting (vocrehab.E005).
Moving from the derived key to keys of one's own: set the keys and run
``vocrehab fieldkeys rotate``, which alone also tries the derived key.

A model field that holds a sealed value is a :class:`SealedField`, so that the rotate
command finds every one, and the model reads and writes its plain text through
:func:`opened`. The value is opened only where it is used (:func:`unseal`), never shown
and never logged.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.crypto import salted_hmac

SETTING = "VOCREHAB_FIELD_KEYS"
# Fernet tokens are URL-safe base64 of a version byte 0x80 and a timestamp.
_SEALED_PREFIX = "gAAAAA"


class Unreadable(Exception):
    """A sealed value that none of the configured keys opens (a key removed too early,
    or the database restored under other keys)."""


def configured_keys() -> list[str]:
    """The keys of ``VOCREHAB_FIELD_KEYS``, newest first (empty when it is not set)."""
    return list(getattr(settings, "FIELD_KEYS", []) or [])


def key_problems() -> list[str]:
    """What is wrong with the configured keys, in words (nothing when they are usable)."""
    problems = []
    for number, key in enumerate(configured_keys(), start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"Key {number} of {SETTING} is not a key: each is 44 characters of URL-safe "
                "base64, as `vocrehab fieldkeys new` prints."
            )
    return problems


def development_key() -> bytes:
    """The key derived from SECRET_KEY, used only while no keys are configured."""
    digest = salted_hmac(
        "vocrehab.fieldkeys", "field encryption", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest)


def new_key() -> str:
    return Fernet.generate_key().decode()


def _fernet(*, with_development_key: bool = False) -> MultiFernet:
    problems = key_problems()
    if problems:
        raise ImproperlyConfigured(problems[0])
    keys: list[str | bytes] = list(configured_keys()) or [development_key()]
    if with_development_key and configured_keys():
        keys.append(development_key())
    return MultiFernet([Fernet(key) for key in keys])


def is_sealed(value: str) -> bool:
    return bool(value) and value.startswith(_SEALED_PREFIX)


def seal(text: str) -> str:
    """``text`` encrypted under the newest key."""
    return _fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str:
    """The text of a sealed value; raises :class:`Unreadable` when no key opens it."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise Unreadable(f"A stored secret cannot be opened with the keys in {SETTING}.") from None


def reseal(sealed: str) -> str:
    """``sealed`` sealed again under the newest key (the derived key opens it too)."""
    try:
        return _fernet(with_development_key=True).rotate(sealed.encode()).decode()
    except InvalidToken:
        raise Unreadable(f"A stored secret cannot be opened with the keys in {SETTING}.") from None


class SealedField(models.TextField):
    """A text column holding a value sealed by :func:`seal` (never the plain text)."""

    description = "Text encrypted at rest"


def opened(column: str, doc: str = "") -> property:
    """A model property for the plain text of the :class:`SealedField` ``column``.

    Reading it opens the sealed value (raising :class:`Unreadable` when no key opens it)
    and keeps the plain text on the instance for as long as the column holds the same
    sealed value; setting it seals the new text into the column.
    """
    held = f"_opened_{column}"

    def get(instance) -> str:
        sealed = getattr(instance, column)
        kept = instance.__dict__.get(held)
        if kept is None or kept[0] != sealed:
            kept = (sealed, unseal(sealed))
            instance.__dict__[held] = kept
        return kept[1]

    def put(instance, value: str) -> None:
        sealed = seal(value)
        setattr(instance, column, sealed)
        instance.__dict__[held] = (sealed, value)

    return property(get, put, doc=doc or f"The plain text of ``{column}``.")
