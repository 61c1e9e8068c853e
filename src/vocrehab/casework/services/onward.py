"""Onward referrals and signposts to other services."""

from __future__ import annotations

import datetime

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from vocrehab.episodes.models import Episode

from ..models import (
    OnwardReferral,
)
from .errors import CaseworkError


def directory_picker_available() -> bool:
    """True when the services directory (issue 9) offers its picker for onward referrals.

    The directory app's ``directory/_picker.html`` partial, included in the onward form,
    fills ``service_name`` and ``service_ref`` (the directory reference) when a service
    is chosen; without it the service is typed as free text.
    """
    try:
        get_template("directory/_picker.html")
        reverse("directory:picker")
    except (TemplateDoesNotExist, NoReverseMatch):
        return False
    return True


def add_onward_referral(
    episode: Episode,
    *,
    by,
    date: datetime.date,
    kind: str,
    category: str,
    service_name: str = "",
    service_ref: str = "",
    outcome: str = "",
) -> OnwardReferral:
    """Record a referral made for the client, or a signpost."""
    if not (service_name or service_ref):
        raise CaseworkError(_("Name the service the client was referred or signposted to."))
    return OnwardReferral.objects.create(
        episode=episode,
        date=date,
        kind=kind,
        category=category,
        service_name=service_name,
        service_ref=service_ref,
        outcome=outcome,
        recorded_by=by,
    )


def set_onward_outcome(onward: OnwardReferral, *, outcome: str) -> OnwardReferral:
    onward.outcome = outcome
    onward.version += 1
    onward.save(update_fields=["outcome", "version", "updated_at"])
    return onward
