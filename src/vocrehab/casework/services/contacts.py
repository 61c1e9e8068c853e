"""Contacts with the client (or others), with the interventions delivered."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.codes import ContactWith
from vocrehab.episodes.models import Episode

from ..models import (
    Contact,
    ContactIntervention,
    Employer,
    SignOffAction,
)
from .errors import CaseworkError
from .supervision import needs_sign_off, request_sign_off


@transaction.atomic
def record_contact(
    episode: Episode,
    *,
    by,
    contact_date: datetime.date,
    mode: str,
    contact_with: str = ContactWith.CLIENT,
    minutes: int | None = None,
    interventions: Iterable[str] = (),
    note: str = "",
) -> Contact:
    """Record a contact and the interventions delivered in it.

    The first contact with the client sets the episode's first-contact date (the
    5-working-day standard). A contact with the employer needs the client's recorded
    consent to contact them. A support worker's contact with an employer is recorded and
    countersigned by their supervisor when that action is on the sign-off list.
    """
    if contact_date > timezone.localdate():
        raise CaseworkError(_("The contact date is in the future."))
    if contact_date < episode.referral_date:
        raise CaseworkError(_("The contact date is before the referral was received."))
    if (
        contact_with == ContactWith.EMPLOYER
        and not Employer.objects.filter(episode=episode, consent_to_contact=True).exists()
    ):
        raise CaseworkError(
            _(
                "The client's consent to contact their employer is not recorded. Add the "
                "employer with the client's consent first."
            )
        )
    contact = Contact.objects.create(
        episode=episode,
        contact_date=contact_date,
        mode=mode,
        contact_with=contact_with,
        minutes=minutes,
        note=note,
        recorded_by=by,
    )
    codes = list(dict.fromkeys(interventions))
    ContactIntervention.objects.bulk_create(
        ContactIntervention(contact=contact, code=code, position=i) for i, code in enumerate(codes)
    )
    if contact_with == ContactWith.CLIENT and (
        episode.first_contact_date is None or contact_date < episode.first_contact_date
    ):
        Episode.objects.filter(pk=episode.pk).update(
            first_contact_date=contact_date, version=F("version") + 1
        )
        episode.first_contact_date = contact_date
        episode.version += 1
    if contact_with == ContactWith.EMPLOYER and needs_sign_off(
        by, SignOffAction.EMPLOYER_CONTACT, episode.service
    ):
        request_sign_off(
            episode,
            action=SignOffAction.EMPLOYER_CONTACT,
            by=by,
            summary=_("Contact with the employer on %(date)s (%(mode)s)")
            % {"date": contact_date, "mode": contact.get_mode_display()},
            payload={"contact_id": contact.pk},
            held=False,
        )
    return contact
