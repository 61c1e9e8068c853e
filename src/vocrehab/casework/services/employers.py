"""Employer liaison: employers, contacts, meetings, reasonable adjustments."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.episodes.models import Episode
from vocrehab.versioning import save_versioned

from ..models import (
    AdjustmentStatus,
    Employer,
    EmployerContact,
    EmployerMeeting,
    ReasonableAdjustment,
    SignOffAction,
)
from .errors import CaseworkError
from .supervision import needs_sign_off, request_sign_off


def save_employer(
    episode: Episode,
    *,
    name: str,
    address: str = "",
    consent_to_contact: bool = False,
    consent_note: str = "",
    employer: Employer | None = None,
    expected_version: int | None = None,
) -> Employer:
    """Add the client's employer, or change it (optimistically, when a version is given)."""
    consent_on = timezone.localdate() if consent_to_contact else None
    if employer is None:
        return Employer.objects.create(
            episode=episode,
            name=name,
            address=address,
            consent_to_contact=consent_to_contact,
            consent_recorded_on=consent_on,
            consent_note=consent_note,
        )
    # Compare with what is stored: a bound form may already have changed ``employer``.
    had_consent = Employer.objects.filter(pk=employer.pk, consent_to_contact=True).exists()
    if consent_to_contact and not had_consent:
        employer.consent_recorded_on = consent_on
    elif not consent_to_contact:
        employer.consent_recorded_on = None
    employer.name, employer.address = name, address
    employer.consent_to_contact, employer.consent_note = consent_to_contact, consent_note
    fields = ["name", "address", "consent_to_contact", "consent_recorded_on", "consent_note"]
    return save_versioned(employer, expected_version or employer.version, fields)


def _require_consent(employer: Employer) -> None:
    if not employer.consent_to_contact:
        raise CaseworkError(
            _(
                "The client has not consented to us contacting %(employer)s. Record their "
                "consent first."
            )
            % {"employer": employer.name}
        )


def add_employer_contact(employer: Employer, **fields) -> EmployerContact:
    return EmployerContact.objects.create(employer=employer, **fields)


@transaction.atomic
def record_employer_meeting(
    employer: Employer, *, by, date: datetime.date, attendees: str = "", summary: str = ""
) -> EmployerMeeting:
    """Record a meeting with the employer; needs the client's consent to contact them."""
    _require_consent(employer)
    meeting = EmployerMeeting.objects.create(
        employer=employer, date=date, attendees=attendees, summary=summary, recorded_by=by
    )
    episode = employer.episode
    if needs_sign_off(by, SignOffAction.EMPLOYER_CONTACT, episode.service):
        request_sign_off(
            episode,
            action=SignOffAction.EMPLOYER_CONTACT,
            by=by,
            summary=_("Meeting with %(employer)s on %(date)s")
            % {"employer": employer.name, "date": date},
            payload={"meeting_id": meeting.pk},
            held=False,
        )
    return meeting


def add_adjustment(
    employer: Employer,
    *,
    description: str,
    status: str,
    agreed_on=None,
    review_on=None,
) -> ReasonableAdjustment:
    return ReasonableAdjustment.objects.create(
        employer=employer,
        description=description,
        status=status,
        agreed_on=agreed_on,
        review_on=review_on,
    )


def set_adjustment_status(adjustment: ReasonableAdjustment, *, status: str, on=None):
    """Move an adjustment on (proposed, agreed, in place, declined, ended)."""
    adjustment.status = status
    if status == AdjustmentStatus.AGREED and adjustment.agreed_on is None:
        adjustment.agreed_on = on or timezone.localdate()
    adjustment.save()
    return adjustment
