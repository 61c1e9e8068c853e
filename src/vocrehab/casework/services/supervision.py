"""Who may record what, and which of a support worker's actions go to their supervisor."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.accounts.access import is_supervised
from vocrehab.accounts.models import Membership, Role
from vocrehab.episodes.models import Episode, TierChange
from vocrehab.episodes.services import change_tier

from ..models import (
    SignOff,
    SignOffAction,
)
from .errors import CaseworkError

# Actions a support worker does that go to their supervisor. Override with the
# VOCREHAB_SIGN_OFF_ACTIONS setting (a list of SignOffAction values).
DEFAULT_SIGN_OFF_ACTIONS = (
    SignOffAction.DISCHARGE,
    SignOffAction.TIER_CHANGE,
    SignOffAction.EMPLOYER_CONTACT,
)


def sign_off_actions() -> frozenset[str]:
    """The actions that need a supervisor's sign-off when a support worker does them."""
    configured = getattr(settings, "VOCREHAB_SIGN_OFF_ACTIONS", None)
    if configured is None:
        configured = DEFAULT_SIGN_OFF_ACTIONS
    unknown = set(configured) - set(SignOffAction.values)
    if unknown:
        raise ValueError(f"VOCREHAB_SIGN_OFF_ACTIONS has unknown actions: {sorted(unknown)}")
    return frozenset(str(a) for a in configured)


def supervisor_of(user, service):
    """The supervising practitioner named on the support worker's membership, or None."""
    service_id = getattr(service, "pk", service)
    membership = (
        Membership.objects.filter(
            user=user, service_id=service_id, role=Role.SUPPORT_WORKER, active=True
        )
        .select_related("supervisor")
        .first()
    )
    return membership.supervisor if membership else None


def needs_sign_off(user, action: str, service) -> bool:
    """Does ``action`` by ``user`` in ``service`` go to a supervisor's sign-off queue?"""
    return action in sign_off_actions() and is_supervised(user, service)


def request_sign_off(
    episode: Episode,
    *,
    action: str,
    by,
    summary: str,
    payload: Mapping | None = None,
    held: bool = True,
) -> SignOff:
    """Put an action into the support worker's supervisor's queue."""
    supervisor = supervisor_of(by, episode.service_id)
    if supervisor is None:
        raise CaseworkError(
            _(
                "You have no supervising practitioner on record, so this cannot be sent "
                "for sign-off. Ask your service manager to name one."
            )
        )
    return SignOff.objects.create(
        episode=episode,
        action=action,
        summary=summary[:500],
        payload=dict(payload or {}),
        held=held,
        requested_by=by,
        supervisor=supervisor,
    )


def change_tier_or_request(
    episode: Episode, *, to_tier: str, by, reason: str = "", on=None
) -> TierChange | SignOff:
    """Change the tier now, or send it for sign-off when a support worker asks for it."""
    if needs_sign_off(by, SignOffAction.TIER_CHANGE, episode.service):
        on = on or timezone.localdate()
        return request_sign_off(
            episode,
            action=SignOffAction.TIER_CHANGE,
            by=by,
            summary=_("Move to tier %(tier)s: %(reason)s") % {"tier": to_tier, "reason": reason},
            payload={"to_tier": to_tier, "reason": reason, "on": on.isoformat()},
        )
    return change_tier(episode, to_tier=to_tier, by=by, reason=reason, on=on)
