"""Questionnaire link tokens and letter codes: making them, checking them.

A token is ``signing.Signer`` (salted) over ``"<link id>:<nonce>"``. Nothing secret
is stored: the nonce is useless without the site's secret key, and the token can be
rebuilt for a reminder or a retried send. A letter's short code is an HMAC of the same
pair, shown on the printed letter and stored only as a digest for look-up.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import QuestionnaireLink

TOKEN_SALT = "vocrehab.measures.questionnaire-link"  # noqa: S105 - a salt, not a secret
CODE_SALT = b"vocrehab.measures.letter-code"
# Crockford's base 32 without I, L, O, U: nothing to misread on paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


class LinkProblem(StrEnum):
    INVALID = "invalid"  # tampered, mistyped or never issued
    EXPIRED = "expired"
    USED = "used"  # already submitted
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class LinkCheck:
    link: QuestionnaireLink | None
    problem: LinkProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT)


def make_token(link: QuestionnaireLink) -> str:
    """The URL token for ``link`` (the same every time for the same link)."""
    return _signer().sign(f"{link.pk}:{link.nonce}")


def letter_code(link: QuestionnaireLink) -> str:
    """The short code printed on a letter for ``link``, e.g. ``K7QM-2XP9-4T``."""
    raw = _code_raw(link.pk, link.nonce)
    return "-".join((raw[:4], raw[4:8], raw[8:]))


def _code_raw(pk: int, nonce: str) -> str:
    key = settings.SECRET_KEY.encode() + CODE_SALT
    mac = hmac.new(key, f"{pk}:{nonce}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def normalise_code(text: str) -> str:
    """Upper-case, drop spaces and dashes, and read O as 0 and I/L as 1 (as typed)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def code_digest(raw_code: str) -> str:
    return hashlib.sha256(normalise_code(raw_code).encode()).hexdigest()


def digest_for(link: QuestionnaireLink) -> str:
    return code_digest(_code_raw(link.pk, link.nonce))


def _state(link: QuestionnaireLink) -> LinkCheck:
    if link.revoked_at is not None:
        return LinkCheck(link, LinkProblem.WITHDRAWN)
    if link.used_at is not None:
        return LinkCheck(link, LinkProblem.USED)
    if timezone.now() >= link.expires_at:
        return LinkCheck(link, LinkProblem.EXPIRED)
    return LinkCheck(link, None)


def check_token(token: str) -> LinkCheck:
    """Say whether ``token`` opens a questionnaire, and if not, why (never raises)."""
    try:
        value = _signer().unsign(token or "")
        pk_text, nonce = value.split(":", 1)
        pk = int(pk_text)
    except (signing.BadSignature, ValueError):
        return LinkCheck(None, LinkProblem.INVALID)
    link = QuestionnaireLink.objects.select_related("episode").filter(pk=pk).first()
    if link is None or not hmac.compare_digest(link.nonce, nonce):
        return LinkCheck(None, LinkProblem.INVALID)
    return _state(link)


def check_code(text: str) -> LinkCheck:
    """Like :func:`check_token`, for a short code typed from a letter."""
    normalised = normalise_code(text)
    if len(normalised) != CODE_LENGTH:
        return LinkCheck(None, LinkProblem.INVALID)
    link = (
        QuestionnaireLink.objects.select_related("episode")
        .filter(code_digest=code_digest(normalised))
        .first()
    )
    if link is None:
        return LinkCheck(None, LinkProblem.INVALID)
    return _state(link)


def check_link(link: QuestionnaireLink) -> LinkCheck:
    """The state of a link already granted to this browser's session."""
    return _state(link)
