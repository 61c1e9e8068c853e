"""Writes to episodes. Views, the API, commands and tasks all change episodes here."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.codes import Tier

from .models import Episode, TierChange


class StaleEditError(Exception):
    """Someone else saved the record after this form was opened."""

    def __init__(self, current):
        super().__init__(_("This record was changed by someone else after you opened it."))
        self.current = current


def save_versioned(instance, expected_version: int, fields: list[str]):
    """Save ``fields`` of ``instance`` only if nobody has saved it since ``expected_version``.

    Optimistic concurrency: the update is conditional on the version the editor saw, so
    a stale form is refused (StaleEditError carries the current record) instead of
    silently overwriting a colleague's change.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    with transaction.atomic():
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleEditError(model.objects.get(pk=instance.pk))
    instance.version = expected_version + 1
    # Record the change in the history, as a normal save would.
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={name: [None, str(value)] for name, value in values.items()},
    )
    return instance


def _tier_rank(tier: str) -> int:
    return int(tier) if tier else 0


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
    if _tier_rank(to_tier) > _tier_rank(episode.highest_tier):
        episode.highest_tier = to_tier
    episode.version += 1
    episode.save(update_fields=["tier", "highest_tier", "version", "updated_at"])
    return change


@transaction.atomic
def allocate(episode: Episode, *, worker, by=None) -> Episode:
    """Give the episode to a case manager (or a support worker, for tier 2)."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    episode.case_manager = worker
    episode.version += 1
    episode.save(update_fields=["case_manager", "version", "updated_at"])
    return episode
