"""Writes every app makes to an episode itself: its tier, who holds it, when it was first
contacted and assessed, its discharge, its re-opening and its six-month follow-up.

Each date and outcome is checked against the episode's rules (:mod:`.facts`) here, so the
triage page, casework, the API and commands record nothing the rules refuse; each step
that others act on is announced (:mod:`.signals`) from here, whichever path recorded it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vocrehab.accounts.access import Perm, has_perm
from vocrehab.codes import Engagement, Tier, WorkStatus
from vocrehab.dates import add_months
from vocrehab.versioning import StaleEditError, save_versioned

from . import facts
from .models import Episode, TierChange
from .signals import (
    episode_discharged,
    episode_reopened,
    first_assessment_recorded,
    first_contact_recorded,
    followup_interval_requested,
)
from .tiers import higher_tier

FOLLOWUP_MONTHS = 6


@transaction.atomic
def change_tier(
    episode: Episode,
    *,
    to_tier: str,
    by=None,
    reason: str = "",
    on: datetime.date | None = None,
) -> TierChange:
    """Allocate the episode to a tier, or step it up or down; every move is kept."""
    if to_tier not in Tier.values:
        raise ValueError(f"Unknown tier {to_tier!r}")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    change = TierChange.objects.create(
        episode=episode,
        from_tier=episode.tier,
        to_tier=to_tier,
        changed_on=on or timezone.localdate(),
        changed_by=by,
        reason=reason,
    )
    episode.tier = to_tier
    episode.highest_tier = higher_tier(episode.highest_tier, to_tier)
    episode.version += 1
    episode.save(update_fields=["tier", "highest_tier", "version", "updated_at"])
    return change


@transaction.atomic
def set_case_manager(episode: Episode, *, worker, by=None) -> Episode:
    """Give the episode to a case manager (or a support worker, for tier 2)."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    episode.case_manager = worker
    episode.version += 1
    episode.save(update_fields=["case_manager", "version", "updated_at"])
    return episode


def _locked(episode: Episode, expected_version: int | None) -> Episode:
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current)
    return current


def _copy_back(episode: Episode, current: Episode, names) -> None:
    for name in (*names, "version"):
        setattr(episode, name, getattr(current, name))


@transaction.atomic
def record_first_contact_date(
    episode: Episode, *, on: datetime.date, expected_version: int | None = None
) -> Episode:
    """The first response to the client was on ``on`` (the 5-working-day standard).

    The first time the date is recorded the core announces it
    (:data:`~vocrehab.episodes.signals.first_contact_recorded`), so that casework writes
    the first-contact acknowledgement letters, whatever recorded it; moving the date
    earlier later on announces nothing. Raises EpisodeFactsError when the date breaks the
    episode's date order, and StaleEditError when ``expected_version`` is given and
    someone saved since.
    """
    current = _locked(episode, expected_version)
    facts.require(facts.check_dates(current, first_contact_date=on))
    first = current.first_contact_date is None
    current.first_contact_date = on
    save_versioned(current, current.version, ["first_contact_date"])
    _copy_back(episode, current, ["first_contact_date"])
    if first:
        first_contact_recorded.send(sender=Episode, episode=current)
    return current


@transaction.atomic
def record_assessment_date(
    episode: Episode, *, on: datetime.date, expected_version: int | None = None
) -> Episode:
    """The episode was assessed on ``on``, by whichever path (triage, casework, API).

    The assessment date is the earliest assessment (the 10-working-day standard); an
    assessment is also a contact, so an empty first-contact date takes the same day. The
    first time an episode is assessed the core announces it
    (:data:`~vocrehab.episodes.signals.first_assessment_recorded`), so that measures
    schedules the entry questionnaires in the same transaction, whatever recorded it.
    Raises EpisodeFactsError when the date breaks the episode's date order, and
    StaleEditError when ``expected_version`` is given and someone saved since.
    """
    current = _locked(episode, expected_version)
    first = current.assessment_date is None
    changes = {}
    if first or on < current.assessment_date:
        changes["assessment_date"] = on
    if current.first_contact_date is None:
        changes["first_contact_date"] = on
    facts.require(facts.check_dates(current, **changes))
    for name, value in changes.items():
        setattr(current, name, value)
    if changes:
        save_versioned(current, current.version, list(changes))
    _copy_back(episode, current, ["assessment_date", "first_contact_date"])
    if "first_contact_date" in changes:
        first_contact_recorded.send(sender=Episode, episode=current)
    if first:
        first_assessment_recorded.send(sender=Episode, episode=current)
    return current


def followup_months(service) -> int:
    """Months from discharge to follow-up: the service's own (the measures app keeps it
    with the questionnaire schedule), or 6."""
    for _receiver, months in followup_interval_requested.send(sender=Episode, service=service):
        if months:
            return int(months)
    return FOLLOWUP_MONTHS


@transaction.atomic
def record_discharge(
    episode: Episode,
    *,
    on: datetime.date,
    work_status: str,
    reason: str = "",
    engagement: str = "",
    last_contact_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> Episode:
    """Discharge the episode with its outcome, by whichever path (casework, triage, API).

    The discharge is checked against the episode's rules (dates in order, the work status
    at discharge, no contact after it: the caller that keeps contacts passes the last
    one's date). The six-month follow-up falls due (not for a client who has died), and
    the discharge is announced (:data:`~vocrehab.episodes.signals.episode_discharged`), so
    that measures schedules the discharge and follow-up questionnaires in the same
    transaction. Raises EpisodeFactsError or StaleEditError.
    """
    current = _locked(episode, expected_version)
    facts.require(
        facts.check_discharge(
            current,
            on=on,
            work_status=work_status,
            engagement=engagement,
            last_contact_date=last_contact_date,
        )
    )
    current.discharge_date = on
    current.work_status_at_discharge = work_status
    current.discharge_reason = reason
    if engagement:
        current.engagement = engagement
    elif not current.engagement:
        current.engagement = Engagement.ENGAGED if current.assessment_date else ""
    current.followup_date = (
        None
        if work_status == WorkStatus.DECEASED
        else add_months(on, followup_months(current.service))
    )
    current.version += 1
    current.save()
    _copy_back(
        episode,
        current,
        [
            "discharge_date",
            "work_status_at_discharge",
            "discharge_reason",
            "engagement",
            "followup_date",
        ],
    )
    episode_discharged.send(sender=Episode, episode=current)
    return current


# What re-opening clears from the episode, and the empty value it leaves. The engagement
# stays as recorded (the discharge form offers to leave it or change it).
_CLEARED_BY_REOPENING = {
    "discharge_date": None,
    "work_status_at_discharge": "",
    "discharge_reason": "",
    "followup_date": None,
    "work_status_at_followup": "",
    "followup_collected_on": None,
    "followup_outside_window_reason": "",
}


@dataclass(frozen=True)
class Reopening:
    """One re-opening of a discharged episode: who, on what day and why, and the
    discharge and follow-up it cleared (kept here for those who keep a record of it)."""

    on: datetime.date
    by: object
    reason: str
    discharge_date: datetime.date
    work_status_at_discharge: str
    discharge_reason: str
    followup_date: datetime.date | None
    work_status_at_followup: str
    followup_collected_on: datetime.date | None
    followup_outside_window_reason: str


@transaction.atomic
def reopen_episode(
    episode: Episode, *, by, reason: str, expected_version: int | None = None
) -> Episode:
    """Re-open a discharged episode (discharged in error, or more work needed), by
    whichever path.

    The discharge (date, work status, reason) and the follow-up (its date and any status
    recorded) are cleared from the episode, so that it counts as open everywhere and a
    later discharge starts afresh; the re-opening is announced
    (:data:`~vocrehab.episodes.signals.episode_reopened`, with a :class:`Reopening`
    holding what was cleared) inside the same transaction, so that casework keeps the
    former discharge in a case note and withholds a discharge summary not yet sent, and
    measures cancels the discharge and follow-up questionnaires not yet completed.
    Raises EpisodeFactsError (not discharged, no reason) or StaleEditError; ValueError
    without ``by`` (a re-opening is a person's decision, kept in their name).
    """
    if by is None:
        raise ValueError("an episode is re-opened by a member of staff")
    current = _locked(episode, expected_version)
    facts.require(facts.check_reopen(current, reason=reason))
    reopening = Reopening(
        on=timezone.localdate(),
        by=by,
        reason=reason.strip(),
        **{name: getattr(current, name) for name in _CLEARED_BY_REOPENING},
    )
    for name, value in _CLEARED_BY_REOPENING.items():
        setattr(current, name, value)
    names = list(_CLEARED_BY_REOPENING)
    save_versioned(current, current.version, names)
    _copy_back(episode, current, names)
    episode_reopened.send(sender=Episode, episode=current, reopening=reopening)
    return current


def may_record_followup_outside_window(user, episode: Episode) -> bool:
    """Only a service manager records a follow-up outside the VRMDS window (with a reason)."""
    return user is not None and has_perm(user, Perm.RECORD_FOLLOWUP_OUTSIDE_WINDOW, episode.service)


@transaction.atomic
def record_followup(
    episode: Episode,
    *,
    on: datetime.date | None,
    work_status: str,
    by=None,
    reason: str = "",
    expected_version: int | None = None,
) -> Episode:
    """Record the work status found at the six-month follow-up, collected on ``on``.

    Inside the window (150 to 270 days after discharge) anyone who may record on the
    episode records it; outside it, only a service manager, with ``reason`` (kept on the
    episode and in its change history). Raises EpisodeFactsError or StaleEditError.
    """
    current = _locked(episode, expected_version)
    facts.require(
        facts.check_followup(
            current,
            on=on,
            work_status=work_status,
            may_override=may_record_followup_outside_window(by, current),
            reason=reason,
        )
    )
    inside = on in facts.followup_window(current.discharge_date)
    current.work_status_at_followup = work_status
    current.followup_collected_on = on
    current.followup_outside_window_reason = "" if inside else reason.strip()[:255]
    names = ["work_status_at_followup", "followup_collected_on", "followup_outside_window_reason"]
    save_versioned(current, current.version, names)
    _copy_back(episode, current, names)
    return current
