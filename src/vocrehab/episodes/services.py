"""Writes every app makes to an episode itself: its tier, who holds it, when it was assessed."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from vocrehab.codes import Tier
from vocrehab.versioning import StaleEditError, save_versioned

from .models import Episode, TierChange
from .signals import first_assessment_recorded
from .tiers import higher_tier


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
    Raises StaleEditError when ``expected_version`` is given and someone saved since.
    """
    current = Episode.objects.select_for_update().get(pk=episode.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current)
    first = current.assessment_date is None
    changed = []
    if first or on < current.assessment_date:
        current.assessment_date = on
        changed.append("assessment_date")
    if current.first_contact_date is None:
        current.first_contact_date = on
        changed.append("first_contact_date")
    if changed:
        save_versioned(current, current.version, changed)
    for name in ("assessment_date", "first_contact_date", "version"):
        setattr(episode, name, getattr(current, name))
    if first:
        first_assessment_recorded.send(sender=Episode, episode=current)
    return current
