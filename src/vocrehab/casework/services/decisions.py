"""A supervisor's decision on a held action, and carrying the action out."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.episodes.services import change_tier

from ..models import (
    SignOff,
    SignOffAction,
    SignOffStatus,
)
from .discharge import _discharge
from .errors import CaseworkError


@transaction.atomic
def decide_sign_off(sign_off: SignOff, *, by, approve: bool, comment: str = "") -> SignOff:
    """Sign off (applying a held action) or decline. Only a pending request can be decided."""
    sign_off = SignOff.objects.select_for_update().get(pk=sign_off.pk)
    if sign_off.status != SignOffStatus.PENDING:
        raise CaseworkError(_("This request was already decided."))
    if by.pk == sign_off.requested_by_id:
        raise CaseworkError(_("You cannot sign off your own action."))
    if approve and sign_off.held:
        _apply_held(sign_off, by=by)
    sign_off.status = SignOffStatus.APPROVED if approve else SignOffStatus.DECLINED
    sign_off.decided_by = by
    sign_off.decided_at = timezone.now()
    sign_off.comment = comment
    sign_off.save()
    return sign_off


def _apply_held(sign_off: SignOff, *, by) -> None:
    episode = sign_off.episode
    data = sign_off.payload
    requester = sign_off.requested_by
    if sign_off.action == SignOffAction.DISCHARGE:
        _discharge(
            episode,
            by=requester,
            on=datetime.date.fromisoformat(data["on"]),
            work_status=data["work_status"],
            reason=data.get("reason", ""),
            engagement=data.get("engagement") or "",
        )
    elif sign_off.action == SignOffAction.TIER_CHANGE:
        change_tier(
            episode,
            to_tier=data["to_tier"],
            by=requester,
            reason=data.get("reason", ""),
            on=datetime.date.fromisoformat(data["on"]) if data.get("on") else None,
        )
    else:
        raise CaseworkError(_("This kind of action cannot be held for sign-off."))
