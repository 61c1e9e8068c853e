"""Reads: which people's records are past their retention period, and what is due."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from vocrehab.accounts.access import Perm, services_for
from vocrehab.accounts.models import Service
from vocrehab.dates import add_months
from vocrehab.episodes.models import Episode

from .models import Disposal, DisposalState, RetentionSchedule


def schedule_for(service: Service) -> RetentionSchedule:
    """The service's retention schedule, or an unsaved one with the defaults."""
    try:
        return service.retention_schedule
    except RetentionSchedule.DoesNotExist:
        return RetentionSchedule(service=service)


def retention_ends(episode: Episode, schedule: RetentionSchedule) -> datetime.date | None:
    """The day an episode's retention period ends; None while it is open.

    An assessed episode is the adult health record: kept from the conclusion of care
    (discharge, or the six-month follow-up when later). A referral closed without an
    assessment (declined, withdrawn, never engaged) is kept from the day it closed.
    """
    if episode.discharge_date is None:
        return None
    if episode.assessment_date is None:
        return add_months(episode.discharge_date, 12 * schedule.unassessed_referral_years)
    concluded = max(d for d in (episode.discharge_date, episode.followup_date) if d)
    return add_months(concluded, 12 * schedule.closed_episode_years)


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
    shortest = min(schedule.closed_episode_years, schedule.unassessed_referral_years)
    concluded_by = add_months(today, -12 * shortest)
    candidates = (
        Episode.objects.filter(service=service, discharge_date__lte=concluded_by)
        .exclude(client__processing_restricted=True)
        .exclude(client_id__in=disposed_client_ids(service))
        .values("client_id")
    )
    episodes = Episode.objects.filter(client_id__in=candidates).only(
        "pk", "client_id", "discharge_date", "assessment_date", "followup_date"
    )
    by_client: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes.order_by("client_id", "pk"):
        by_client[episode.client_id].append(episode)
    due = []
    for client_id, held in by_client.items():
        ends = [retention_ends(episode, schedule) for episode in held]
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
