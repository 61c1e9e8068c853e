"""Contacts with the client (or others), with the interventions delivered."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from vocrehab.codes import ContactWith
from vocrehab.dates import human_date
from vocrehab.episodes import facts
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import record_first_contact_date

from ..contact_counts import refresh_contact_counts
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

    A contact falls within the episode (``episodes.facts``: from the referral to the
    discharge, not in the future). The first contact with the client sets the episode's
    first-contact date (the 5-working-day standard). A contact with the employer needs
    the client's recorded consent to contact them. A support worker's contact with an
    employer is recorded and countersigned by their supervisor when that action is on the
    sign-off list.
    """
    facts.require(facts.check_contact_date(episode, contact_date))
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
    if codes:  # bulk_create sends no signals: count the interventions in
        refresh_contact_counts([episode.pk])
    # An earlier first contact: unless it would come after the assessment (an assessment
    # is a contact too, so the first contact was on or before it).
    if (
        contact_with == ContactWith.CLIENT
        and (episode.first_contact_date is None or contact_date < episode.first_contact_date)
        and not facts.check_dates(episode, first_contact_date=contact_date)
    ):
        record_first_contact_date(episode, on=contact_date)
    if contact_with == ContactWith.EMPLOYER and needs_sign_off(
        by, SignOffAction.EMPLOYER_CONTACT, episode.service
    ):
        request_sign_off(
            episode,
            action=SignOffAction.EMPLOYER_CONTACT,
            by=by,
            summary=_("Contact with the employer on %(date)s (%(mode)s)")
            % {"date": human_date(contact_date), "mode": contact.get_mode_display()},
            payload={"contact_id": contact.pk},
            held=False,
        )
    return contact
