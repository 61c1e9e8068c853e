"""Reads: which people's records are past their retention period, and what is due."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from vocrehab.accounts.access import Perm, services_for
from vocrehab.accounts.models import Service
from vocrehab.codes import Condition, WorkStatus
from vocrehab.dates import add_months
from vocrehab.episodes.models import Episode

from .models import Disposal, DisposalState, RetentionSchedule


def schedule_for(service: Service) -> RetentionSchedule:
    """The service's retention schedule, or an unsaved one with the defaults."""
    try:
        return service.retention_schedule
    except RetentionSchedule.DoesNotExist:
        return RetentionSchedule(service=service)


def retention_ends(
    episode: Episode, schedule: RetentionSchedule, *, died: datetime.date | None = None
) -> datetime.date | None:
    """The day an episode's retention period ends; None while it is open.

    An assessed episode is the adult health record: kept from the conclusion of care
    (discharge, or the six-month follow-up when later). A referral closed without an
    assessment (declined, withdrawn, never engaged) is kept from the day it closed.
    An episode whose condition is cancer is a record relating to a diagnosis of cancer,
    which the Code keeps longer: from the diagnosis (or, without its date, the referral,
    which comes after it), or, once the person's death is recorded (``died``), from that
    record if that ends sooner; never less than the period above.
    """
    if episode.discharge_date is None:
        return None
    if episode.assessment_date is None:
        ends = add_months(episode.discharge_date, 12 * schedule.unassessed_referral_years)
    else:
        concluded = max(d for d in (episode.discharge_date, episode.followup_date) if d)
        ends = add_months(concluded, 12 * schedule.closed_episode_years)
    if episode.condition != Condition.CANCER:
        return ends
    diagnosed = episode.diagnosis_date or episode.referral_date
    cancer_ends = add_months(diagnosed, 12 * schedule.cancer_years)
    if died is not None:
        cancer_ends = min(cancer_ends, add_months(died, 12 * schedule.cancer_after_death_years))
    return max(ends, cancer_ends)


def death_recorded_on(episode: Episode) -> datetime.date | None:
    """The day an episode records the person as dead (work status "Deceased" at discharge
    or follow-up): the discharge or follow-up date. The death was on or before it, so a
    period counted from it is never shorter than one counted from the death."""
    if episode.work_status_at_discharge == WorkStatus.DECEASED:
        return episode.discharge_date
    if episode.work_status_at_followup == WorkStatus.DECEASED:
        return episode.followup_date or episode.discharge_date
    return None


@dataclass(frozen=True)
class Due:
    client_id: int
    episode_ids: list[int]
    due_on: datetime.date


def due_clients(service: Service, today: datetime.date) -> list[Due]:
    """The service's clients whose every episode is closed and past its retention period.

    A client with an open episode, or with processing restricted (the record is held,
    for instance while a dispute or claim is settled), is never due; nor is one already
    anonymised.
    """
    schedule = schedule_for(service)
    # No period is shorter than these two (cancer's only lengthens them).
    shortest = min(schedule.closed_episode_years, schedule.unassessed_referral_years)
    concluded_by = add_months(today, -12 * shortest)
    candidates = (
        Episode.objects.filter(service=service, discharge_date__lte=concluded_by)
        .exclude(client__processing_restricted=True)
        .exclude(client_id__in=disposed_client_ids(service))
        .values("client_id")
    )
    episodes = Episode.objects.filter(client_id__in=candidates).only(
        "pk",
        "client_id",
        "referral_date",
        "assessment_date",
        "discharge_date",
        "followup_date",
        "condition",
        "diagnosis_date",
        "work_status_at_discharge",
        "work_status_at_followup",
    )
    by_client: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes.order_by("client_id", "pk"):
        by_client[episode.client_id].append(episode)
    due = []
    for client_id, held in by_client.items():
        deaths = [day for day in map(death_recorded_on, held) if day is not None]
        died = min(deaths) if deaths else None
        ends = [retention_ends(episode, schedule, died=died) for episode in held]
        if all(end is not None and end <= today for end in ends):
            due.append(Due(client_id, [e.pk for e in held], max(ends)))
    return due


def disposed_client_ids(service: Service) -> QuerySet:
    return Disposal.objects.filter(service=service, state=DisposalState.DISPOSED).values(
        "client_id"
    )


def awaiting(service: Service) -> QuerySet:
    """Disposals found and waiting for a manager's confirmation, oldest due first."""
    return Disposal.objects.filter(service=service, state=DisposalState.AWAITING).order_by(
        "due_on", "pk"
    )


def disposal_services(user) -> QuerySet:
    """The services in which ``user`` may confirm disposals."""
    return services_for(user, Perm.DISPOSE_RECORDS)
