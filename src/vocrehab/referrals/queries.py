"""Reads for intake and triage, always within the services the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from vocrehab.accounts.access import Perm, services_for
from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import Clock, ClockState, episode_clocks

from .models import ClockPause, Referral, TriageStatus

# Still in the queue: not yet triaged, or triaged but not yet assessed and allocated.
QUEUE_STATUSES = (TriageStatus.NEW, TriageStatus.TRIAGED)


@dataclass
class QueueRow:
    referral: Referral
    episode: Episode
    first_contact: Clock
    assessment: Clock

    @property
    def worst_state(self) -> str:
        states = {self.first_contact.state, self.assessment.state}
        for state in (ClockState.BREACHED, ClockState.AT_RISK, ClockState.PAUSED):
            if state in states:
                return state
        return ClockState.ON_TRACK


def queue_queryset(service):
    """Referrals of ``service`` awaiting triage, assessment or allocation, oldest first."""
    return (
        Referral.objects.filter(
            service=service,
            triage_status__in=QUEUE_STATUSES,
            episode__discharge_date__isnull=True,
        )
        .filter(
            Q(triage_status=TriageStatus.NEW)
            | Q(episode__assessment_date__isnull=True)
            | Q(episode__case_manager__isnull=True)
        )
        .select_related("episode", "episode__client", "episode__case_manager")
        .prefetch_related(Prefetch("pauses", queryset=ClockPause.objects.order_by("start")))
        .order_by("episode__referral_date", "received_at", "pk")
    )


def clocks_for(referral: Referral, episode: Episode, service, today: datetime.date):
    """The first-contact and assessment clocks of one referral, pauses applied."""
    pauses = [(p.start, p.end) for p in referral.pauses.all()]
    return episode_clocks(episode, service=service, today=today, pauses=pauses)


def queue_rows(referrals, service, today: datetime.date) -> list[QueueRow]:
    """One row per referral (a page of the queue) with both clocks computed."""
    rows = []
    for referral in referrals:
        first, assessment = clocks_for(referral, referral.episode, service, today)
        rows.append(QueueRow(referral, referral.episode, first, assessment))
    return rows


def referral_for(user, pk: int, perm: Perm = Perm.TRIAGE) -> Referral:
    """One referral the user may see, else 404 (another service's id gives 404 too)."""
    return get_object_or_404(
        Referral.objects.select_related(
            "service", "episode", "episode__client", "episode__case_manager", "merged_into"
        ),
        pk=pk,
        service__in=services_for(user, perm),
    )


def caseload_counts(service, workers) -> dict[int, int]:
    """Open episodes held by each worker in ``service`` (one query)."""
    rows = (
        Episode.objects.filter(
            service=service, discharge_date__isnull=True, case_manager__in=workers
        )
        .values("case_manager")
        .annotate(n=Count("pk"))
    )
    return {row["case_manager"]: row["n"] for row in rows}
