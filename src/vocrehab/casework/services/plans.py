"""Phased return-to-work plans, their progress and reviews."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.episodes import facts
from vocrehab.episodes.models import Episode
from vocrehab.versioning import StaleEditError

from ..models import (
    Employer,
    PlanPhase,
    PlanProgress,
    PlanReview,
    ReturnPlan,
)
from .errors import CaseworkError


@transaction.atomic
def save_return_plan(
    episode: Episode,
    *,
    by,
    start_date: datetime.date,
    phases: Iterable[Mapping],
    adjustments: str = "",
    review_dates: Iterable[datetime.date] = (),
    usual_hours=None,
    employer: Employer | None = None,
    agreed_by_client: bool = False,
    agreed_by_employer: str = "",
    agreed_on: datetime.date | None = None,
    based_on: ReturnPlan | None = None,
) -> ReturnPlan:
    """Save a new version of the episode's return-to-work plan; earlier versions are kept.

    ``phases`` are mappings with ``week``, ``hours``, ``days`` and ``duties``. If
    ``based_on`` is given and is no longer the current version (someone saved a newer one
    since the form was opened), StaleEditError carries the current plan.
    """
    facts.require(
        [
            *facts.check_return_to_work_date(
                episode, start_date, field="start_date", what=_("the plan's start date")
            ),
            *facts.check_return_to_work_date(
                episode, agreed_on, field="agreed_on", what=_("the date the plan was agreed")
            ),
            *(
                broken
                for day in review_dates
                for broken in facts.check_return_to_work_date(
                    episode, day, field="review_dates", what=_("a review date")
                )
            ),
        ]
    )
    phases = sorted(phases, key=lambda p: int(p["week"]))
    if not phases:
        raise CaseworkError(_("Add at least one week to the plan."))
    weeks = [int(p["week"]) for p in phases]
    if len(set(weeks)) != len(weeks):
        raise CaseworkError(_("Each week may appear only once in the plan."))
    current = (
        ReturnPlan.objects.select_for_update().filter(episode=episode, is_current=True).first()
    )
    if based_on is not None and (current is None or current.pk != based_on.pk):
        raise StaleEditError(current)
    if based_on is None and current is not None:
        raise StaleEditError(current)
    number = 1
    if current is not None:
        number = current.number + 1
        ReturnPlan.objects.filter(pk=current.pk).update(is_current=False)
    reviews = sorted(set(review_dates))
    plan = ReturnPlan.objects.create(
        episode=episode,
        number=number,
        employer=employer,
        start_date=start_date,
        usual_hours=usual_hours,
        adjustments=adjustments,
        review_dates=[d.isoformat() for d in reviews],
        agreed_by_client=agreed_by_client,
        agreed_by_employer=agreed_by_employer,
        agreed_on=agreed_on,
        created_by=by,
    )
    PlanPhase.objects.bulk_create(
        PlanPhase(
            plan=plan,
            week=int(p["week"]),
            hours=p["hours"],
            days=p.get("days", ""),
            duties=p.get("duties", ""),
        )
        for p in phases
    )
    PlanReview.objects.bulk_create(PlanReview(plan=plan, due_on=d) for d in reviews)
    return plan


def record_plan_progress(
    plan: ReturnPlan, *, by, week: int, hours_worked, note: str = ""
) -> PlanProgress:
    """Record what happened in a week of the plan (progress against it)."""
    if not plan.phases.filter(week=week).exists():
        raise CaseworkError(_("Week %(week)s is not in this plan.") % {"week": week})
    return PlanProgress.objects.create(
        plan=plan,
        week=week,
        hours_worked=hours_worked,
        note=note,
        recorded_on=timezone.localdate(),
        recorded_by=by,
    )


def complete_plan_review(review: PlanReview, *, on=None, note: str = "") -> PlanReview:
    review.done_on = on or timezone.localdate()
    review.note = note
    review.save(update_fields=["done_on", "note"])
    return review
