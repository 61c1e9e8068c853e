"""Discharge, the six-month follow-up, re-opening and re-referral."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.codes import WorkStatus
from vocrehab.dates import human_date
from vocrehab.episodes import facts
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import (
    FOLLOWUP_MONTHS,
    Reopening,
    followup_months,
    may_record_followup_outside_window,
    record_discharge,
    record_followup,
    reopen_episode,
)
from vocrehab.versioning import StaleEditError

from ..models import (
    CaseNote,
    Contact,
    SignOff,
    SignOffAction,
    SignOffStatus,
)
from .errors import CaseworkError
from .supervision import needs_sign_off, request_sign_off

# The follow-up is the episode core's (one path, whoever records it).
__all__ = [
    "FOLLOWUP_MONTHS",
    "discharge",
    "followup_months",
    "may_record_followup_outside_window",
    "note_reopening",
    "re_refer",
    "record_followup",
    "reopen",
]


def _last_contact_date(episode) -> datetime.date | None:
    return (
        Contact.objects.filter(episode=episode)
        .order_by("-contact_date")
        .values_list("contact_date", flat=True)
        .first()
    )


def _check(episode, *, on, work_status, engagement) -> None:
    facts.require(
        facts.check_discharge(
            episode,
            on=on,
            work_status=work_status,
            engagement=engagement,
            last_contact_date=_last_contact_date(episode),
        )
    )


def _discharge(episode, *, by, on, work_status, reason="", engagement=""):
    return record_discharge(
        episode,
        on=on,
        work_status=work_status,
        reason=reason,
        engagement=engagement,
        last_contact_date=_last_contact_date(episode),
    )


@transaction.atomic
def discharge(
    episode: Episode,
    *,
    by,
    on: datetime.date,
    work_status: str,
    reason: str = "",
    engagement: str = "",
    expected_version: int | None = None,
) -> Episode | SignOff:
    """Discharge the episode and schedule the six-month follow-up.

    The episode's rules are checked first (``episodes.facts``: dates, no contact after
    the discharge, the work status at discharge). A support worker's discharge goes to
    their supervisor and happens when signed off (the SignOff is returned). The
    discharge itself is the episode core's (``episodes.services.record_discharge``),
    which announces it, so the measures app schedules the discharge and follow-up
    questionnaires.
    """
    if expected_version is not None and episode.version != expected_version:
        raise StaleEditError(Episode.objects.get(pk=episode.pk))
    _check(episode, on=on, work_status=work_status, engagement=engagement)
    if needs_sign_off(by, SignOffAction.DISCHARGE, episode.service):
        if episode.sign_offs.filter(
            action=SignOffAction.DISCHARGE, status=SignOffStatus.PENDING
        ).exists():
            raise CaseworkError(_("A discharge of this episode is already waiting for sign-off."))
        return request_sign_off(
            episode,
            action=SignOffAction.DISCHARGE,
            by=by,
            summary=_("Discharge on %(date)s, %(status)s: %(reason)s")
            % {"date": human_date(on), "status": WorkStatus(work_status).label, "reason": reason},
            payload={
                "on": on.isoformat(),
                "work_status": work_status,
                "reason": reason,
                "engagement": engagement,
            },
        )
    return _discharge(
        episode, by=by, on=on, work_status=work_status, reason=reason, engagement=engagement
    )


def reopen(episode: Episode, *, by, reason: str, expected_version: int | None = None) -> Episode:
    """Re-open a discharged episode (for example, discharged in error).

    The episode core's (``episodes.services.reopen_episode``), which clears the discharge
    and follow-up and announces it: casework keeps the former discharge in a case note
    and withholds a discharge summary not yet sent (``receivers.reopened``); measures
    cancels the discharge and follow-up questionnaires not yet completed.
    """
    return reopen_episode(episode, by=by, reason=reason, expected_version=expected_version)


def _work_status(code: str) -> str:
    return str(dict(WorkStatus.choices).get(code, code))


def note_reopening(episode: Episode, reopening: Reopening) -> CaseNote:
    """Keep the discharge (and the follow-up) that re-opening cleared in a case note, in
    the name of who re-opened it, so nothing recorded is lost."""
    text = _(
        "Re-opened: %(reason)s. It had been discharged on %(date)s with work status "
        "%(status)s (%(why)s)."
    ) % {
        "reason": reopening.reason,
        "date": human_date(reopening.discharge_date),
        "status": _work_status(reopening.work_status_at_discharge) or "-",
        "why": reopening.discharge_reason or "-",
    }
    if reopening.work_status_at_followup and reopening.followup_collected_on:
        text += " " + _(
            "The six-month follow-up had been recorded: %(status)s, collected on %(date)s."
        ) % {
            "status": _work_status(reopening.work_status_at_followup),
            "date": human_date(reopening.followup_collected_on),
        }
    elif reopening.work_status_at_followup:
        text += " " + _("The six-month follow-up had been recorded: %(status)s.") % {
            "status": _work_status(reopening.work_status_at_followup)
        }
    return CaseNote.objects.create(episode=episode, author=reopening.by, text=text)


_COPIED_ON_RE_REFERRAL = (
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_email",
    "referrer_phone",
    "consent_to_contact",
    "consent_to_share",
    "sex",
    "ethnicity",
    "area_code",
    "deprivation_index",
    "deprivation_rank",
    "deprivation_decile",
    "condition",
    "condition_detail",
    "diagnosis_date",
    "occupation",
    "job_title",
    "employer_name",
    "main_reason",
)


@transaction.atomic
def re_refer(
    episode: Episode, *, by, referral_date: datetime.date | None = None, referral_source=""
) -> Episode:
    """Open a new episode for the same client, linked to ``episode`` (a re-referral).

    The new episode starts untriaged (no tier), with the client's latest known work status
    as the status at referral.
    """
    if episode.discharge_date is None:
        raise CaseworkError(_("Discharge this episode before re-referring the client."))
    on = referral_date or timezone.localdate()
    if on < episode.discharge_date:
        raise CaseworkError(_("The re-referral date is before the earlier discharge."))
    base = f"{episode.reference}-R"
    n = Episode.objects.filter(service=episode.service, reference__startswith=base).count() + 1
    while Episode.objects.filter(service=episode.service, reference=f"{base}{n}").exists():
        n += 1
    latest_status = (
        episode.work_status_at_followup
        or episode.work_status_at_discharge
        or episode.work_status_at_referral
    )
    age = episode.age_at_referral
    if episode.client.date_of_birth:
        dob = episode.client.date_of_birth
        age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return Episode.objects.create(
        service=episode.service,
        client=episode.client,
        reference=f"{base}{n}",
        previous_episode=episode,
        referral_date=on,
        referral_source=referral_source or episode.referral_source,
        age_at_referral=age,
        work_status_at_referral=latest_status,
        case_manager=episode.case_manager,
        **{name: getattr(episode, name) for name in _COPIED_ON_RE_REFERRAL},
    )
