"""Writes every app makes to an episode itself: its tier and who holds it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from vocrehab.codes import Tier

from .models import Episode, TierChange
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
