"""Goals and their reviews."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.episodes.models import Episode

from ..models import (
    Goal,
    GoalReview,
    GoalStatus,
)
from .errors import CaseworkError


def add_goal(
    episode: Episode,
    *,
    by,
    description: str,
    term: str,
    target_date: datetime.date | None = None,
    set_on: datetime.date | None = None,
) -> Goal:
    """Set a short- or long-term goal."""
    set_on = set_on or timezone.localdate()
    if target_date and target_date < set_on:
        raise CaseworkError(_("The target date is before the date the goal was set."))
    return Goal.objects.create(
        episode=episode,
        description=description,
        term=term,
        target_date=target_date,
        set_on=set_on,
        created_by=by,
    )


@transaction.atomic
def review_goal(
    goal: Goal, *, by, status: str, note: str = "", on: datetime.date | None = None
) -> GoalReview:
    """Review progress on a goal; the goal takes the review's status."""
    if status not in GoalStatus.values:
        raise CaseworkError(_("Unknown goal status."))
    review = GoalReview.objects.create(
        goal=goal, reviewed_on=on or timezone.localdate(), status=status, note=note, reviewed_by=by
    )
    Goal.objects.filter(pk=goal.pk).update(status=status, version=F("version") + 1)
    goal.status = status
    return review
