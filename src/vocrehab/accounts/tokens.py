"""API tokens: making them, checking them, and what a token-authenticated request may do.

A token looks like ``vrt_<prefix>_<secret>``. The prefix (public, unique) finds the row;
the SHA-256 digest of the whole token is compared in constant time. A token acts as its
owner, narrowed two ways:

- **services**: the authentication sets ``user.api_token``, and ``access._memberships``
  then counts only the owner's roles in the token's services, so every ``has_perm``,
  ``roles`` and ``services_for`` (and so every query) obeys the token unchanged;
- **scopes**: :class:`HasScope` refuses an operation unless the view declares the scope
  it needs (``required_scope``) and the token holds it. Session requests are not
  affected: their roles decide, as on the web pages.

Tokens work only under :data:`TOKEN_PATH_PREFIXES` (the API and FHIR); the web pages and
the admin never authenticate them (they read only the session).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import NoReturn

from auditlog.context import auditlog_value
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from vocrehab.ratelimit import address_key, counted, hit

from .access import membership_services
from .models import TOKEN_MAX_DAYS, ApiToken, Role, Scope, Service, User

__all__ = [
    "HasScope",
    "IssuedToken",
    "TokenAuthentication",
    "TokenRateThrottle",
    "issue_token",
    "revoke_token",
]

TOKEN_PATH_PREFIXES = ("/api/", "/fhir/")
_TOKEN_PATTERN = re.compile(r"^vrt_(?P<prefix>[a-z0-9]{10})_(?P<secret>[A-Za-z0-9_-]{43})$")
# Writing "last used" on every request would make each read a write; once a minute is
# precise enough to tell a token in use from a forgotten one.
_LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# Tokens refused from one address in a minute before every token from it is refused
# for the rest of that minute (guessing tokens, or a script with a wrong one).
REFUSED_TOKENS_PER_MINUTE = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- making and revoking ------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token, shown once


def services_holdable(owner: User):
    """The services a token of ``owner`` may cover: those the owner holds a role in."""
    memberships = list(owner.memberships.filter(active=True))
    if not memberships:
        return Service.objects.none()
    return Service.objects.filter(membership_services(memberships), active=True)


def system_accounts_managed_by(user: User):
    """The system accounts an administrator makes tokens for: those of their organisations."""
    organisations = user.memberships.filter(
        active=True, role=Role.ADMINISTRATOR, service__isnull=True
    ).values("organisation_id")
    return User.objects.filter(
        is_system_account=True, is_active=True, memberships__organisation_id__in=organisations
    ).distinct()


def validate_token_request(
    *, owner: User, scopes, services, expires_on: datetime.date
) -> dict[str, list[str]]:
    """The problems with a token request, by field (empty when there are none)."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes:
        errors["scopes"] = [_("Choose at least one scope.")]
    elif unknown:
        errors["scopes"] = [_("Unknown scopes: %s.") % ", ".join(unknown)]
    holdable = set(services_holdable(owner).values_list("pk", flat=True))
    if not services:
        errors["services"] = [_("Choose at least one service.")]
    elif any(service.pk not in holdable for service in services):
        errors["services"] = [_("A token may cover only services its owner works in.")]
    today = timezone.localdate()
    if expires_on is None:
        errors["expires_on"] = [_("Enter the date the token stops working.")]
    elif expires_on < today:
        errors["expires_on"] = [_("The expiry date must not be in the past.")]
    elif expires_on > today + datetime.timedelta(days=TOKEN_MAX_DAYS):
        errors["expires_on"] = [_("A token may last at most a year.")]
    return errors


@transaction.atomic
def issue_token(
    *, name: str, owner: User, scopes, services, expires_on: datetime.date, by: User
) -> IssuedToken:
    """Make a token; the returned secret is the only time it is seen."""
    errors = validate_token_request(
        owner=owner, scopes=scopes, services=services, expires_on=expires_on
    )
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(5)
    secret = f"vrt_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name.strip(),
        owner=owner,
        scopes=sorted(set(scopes)),
        prefix=prefix,
        digest=_digest(secret),
        expires_on=expires_on,
        created_by=by,
    )
    token.services.set(services)
    return IssuedToken(token=token, secret=secret)


def revoke_token(token: ApiToken, *, by: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])


def may_manage(user: User, token: ApiToken) -> bool:
    """A member of staff manages their own tokens; an administrator, their system accounts'."""
    if token.owner_id == user.pk:
        return True
    return system_accounts_managed_by(user).filter(pk=token.owner_id).exists()


# --- authenticating ------------------------------------------------------------------


def find_token(presented: str) -> ApiToken | None:
    """The live token a presented secret belongs to, or None."""
    match = _TOKEN_PATTERN.match(presented)
    if match is None:
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(prefix=match["prefix"], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(presented)):
        return None
    if token.expires_on < timezone.localdate() or not token.owner.is_active:
        return None
    return token


def _act_as(user: User) -> None:
    """Name the token's owner in the change history of whatever this request changes.

    django-auditlog's middleware took the request's user before the view ran, when a
    token request was still anonymous; its context is updated here.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer vrt_…`` on the API and FHIR paths."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        # An address that sent too many tokens that were refused is refused every token
        # for the rest of the minute, a good one too: otherwise a 429 for a guess and a
        # 200 for a hit would still tell a guesser which is which.
        refusals = address_key(request, "api-token-refused")
        count, seconds = counted(refusals, 60)
        if count >= REFUSED_TOKENS_PER_MINUTE:
            raise exceptions.Throttled(wait=seconds)
        if not request.path.startswith(TOKEN_PATH_PREFIXES):
            self._refuse(refusals, _("API tokens work only on the API."))
        if len(header) != 2:
            self._refuse(refusals, _("Send one token after “Bearer”."))
        try:
            presented = header[1].decode()
        except UnicodeError:
            self._refuse(refusals, _("Invalid token."))
        token = find_token(presented)
        if token is None:
            self._refuse(refusals, _("Invalid token: unknown, expired or revoked."))
        user = token.owner
        # access._memberships narrows the owner's roles to the token's services.
        user.api_token = token
        _act_as(user)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    @staticmethod
    def _refuse(refusals: str, message) -> NoReturn:
        hit(refusals, 60)
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


def required_scope(view, method: str) -> str | None:
    """The scope a view declares for an HTTP method (HEAD as GET), or None."""
    declared = getattr(view, "required_scope", None)
    if isinstance(declared, dict):
        return declared.get(method) or (declared.get("GET") if method == "HEAD" else None)
    return declared


class HasScope(BasePermission):
    """A token may use an operation only with the scope it declares; deny by default."""

    message = _("This token may not use this operation.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        scope = required_scope(view, request.method)
        if scope is None:
            return False
        if scope not in token.scopes:
            self.message = _("This token lacks the scope %s.") % scope
            return False
        return True


# --- rate limits ------------------------------------------------------------------------

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/minute"`` → (600, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), _PERIODS[period]


class TokenRateThrottle(BaseThrottle):
    """At most ``VOCREHAB_API_TOKEN_RATE`` requests per token per period.

    A fixed window counted in the cache with ``add`` and ``incr`` (atomic in Redis), so
    every web process shares one count. Session requests are not limited here.
    """

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        limit, period = parse_rate(settings.VOCREHAB_API_TOKEN_RATE)
        count, self.retry_after = hit(f"api-token-rate:{token.pk}", period)
        return count <= limit

    def wait(self):
        return getattr(self, "retry_after", None)
