"""The report's local tables of case-management activity (not part of VRMDS).

The 2014 evaluation asked for the casework itself to be reported (recommendation 4).
These tables count what is recorded: goals set and achieved, return-to-work plans
written, agreed and completed, employer liaison, course enrolment and completion, in-work
reviews done on time, and the awareness sessions given to health professionals. Each
is an aggregate query over the episodes referred in the period (the sessions: those
given by the services in the period); what "completed" and "on time" mean is decided by
the app that owns the record (``casework.queries.plan_completed``,
``directory.queries.completed_enrolments``, ``directory.queries.reviewed_on_time``).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from vocrehab.casework.models import (
    EmployerMeeting,
    Goal,
    GoalStatus,
    GoalTerm,
    ReturnPlan,
)
from vocrehab.casework.queries import plan_completed
from vocrehab.directory.models import (
    AwarenessSession,
    Enrolment,
    EnrolmentStatus,
    InWorkReview,
    ProfessionalGroup,
    ProgrammeTopic,
    ReviewStatus,
)
from vocrehab.directory.queries import completed_enrolments, reviewed_on_time

LOCAL_TABLES = (
    "goals",
    "return_plans",
    "employer_liaison",
    "courses",
    "in_work_reviews",
    "awareness_sessions",
)


def _percent(part, whole):
    return 100 * part / whole if whole else None


def _table(table_id, title, n, cells):
    return {"title": str(title), "n": n, "cells": [{**c, "suppressed": False} for c in cells]}


def build(evaluation, specs) -> dict:
    """Every local table for the report ``evaluation`` (its episode filter, services,
    period and report date), titled from ``specs``."""

    def table(table_id, n, cells):
        return _table(table_id, specs[table_id].title, n, cells)

    on_episode = evaluation.episode_filter  # episode__service_id__in, referral dates
    return {
        "goals": table(*_goals(on_episode)),
        "return_plans": table(*_return_plans(on_episode)),
        "employer_liaison": table(*_employer_liaison(evaluation, on_episode)),
        "courses": table(*_courses(on_episode)),
        "in_work_reviews": table(*_in_work_reviews(on_episode, evaluation.as_of)),
        "awareness_sessions": table(*_awareness_sessions(evaluation)),
    }


def _goals(on_episode):
    rows = {
        r["term"]: r
        for r in Goal.objects.filter(**on_episode)
        .values("term")
        .annotate(
            count=Count("pk"),
            achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
            clients=Count("episode__client", distinct=True),
        )
        .order_by()
    }
    cells = []
    for term in GoalTerm.values:
        r = rows.get(term, {"count": 0, "achieved": 0, "clients": 0})
        cells.append(
            {
                "term": term,
                "count": r["count"],
                "achieved": r["achieved"],
                "percent_achieved": _percent(r["achieved"], r["count"]),
                "clients": r["clients"],
            }
        )
    return "goals", sum(c["count"] for c in cells), cells


def _return_plans(on_episode):
    current = ReturnPlan.objects.filter(is_current=True, **on_episode).order_by()
    counts = current.aggregate(
        written=Count("episode", distinct=True),
        agreed=Count("episode", distinct=True, filter=Q(agreed_on__isnull=False)),
        completed=Count("episode", distinct=True, filter=Q(plan_completed())),
    )
    cells = [
        {"metric": f"plans_{m}", "count": counts[m]} for m in ("written", "agreed", "completed")
    ]
    return "return_plans", counts["written"], cells


def _employer_liaison(evaluation, on_episode):
    # From the episodes' stored contact counts, not the national contacts table.
    employer = "contact_counts__with_employer"
    contacts = evaluation.episodes.aggregate(
        count=Coalesce(Sum(employer), 0),
        clients=Count("client", distinct=True, filter=Q(**{f"{employer}__gt": 0})),
    )
    meetings = EmployerMeeting.objects.filter(
        **{f"employer__{k}": v for k, v in on_episode.items()}
    ).aggregate(count=Count("pk"), clients=Count("employer__episode__client", distinct=True))
    cells = [
        {"metric": "employer_contacts", **contacts},
        {"metric": "employer_meetings", **meetings},
    ]
    return "employer_liaison", contacts["count"] + meetings["count"], cells


def _courses(on_episode):
    enrolments = Enrolment.objects.filter(
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN], **on_episode
    ).order_by()
    completed = completed_enrolments(Enrolment.objects.filter(**on_episode)).filter(
        pk=OuterRef("pk")
    )
    rows = {
        r["cohort__programme__topic"]: r
        for r in enrolments.annotate(done=Exists(completed))
        .values("cohort__programme__topic")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(done=True)),
            clients=Count("episode__client", distinct=True),
        )
        .order_by()
    }
    cells = []
    for topic in ProgrammeTopic.values:
        r = rows.get(topic, {"enrolled": 0, "completed": 0, "clients": 0})
        cells.append(
            {
                "topic": topic,
                "enrolled": r["enrolled"],
                "completed": r["completed"],
                "clients": r["clients"],
            }
        )
    return "courses", sum(c["enrolled"] for c in cells), cells


def _in_work_reviews(on_episode, as_of):
    due = InWorkReview.objects.filter(
        due_date__lte=as_of,
        **{f"support__{k}": v for k, v in on_episode.items()},
    ).exclude(status=ReviewStatus.CANCELLED)
    counts = due.aggregate(
        due=Count("pk"),
        done=Count("pk", filter=Q(status=ReviewStatus.DONE)),
        on_time=Count("pk", filter=reviewed_on_time()),
    )
    cell = {**counts, "percent_on_time": _percent(counts["on_time"], counts["due"])}
    return "in_work_reviews", counts["due"], [cell]


def _awareness_sessions(evaluation):
    sessions = AwarenessSession.objects.filter(
        service_id__in=evaluation.service_ids, date__lte=evaluation.as_of
    )
    if evaluation.date_from:
        sessions = sessions.filter(date__gte=evaluation.date_from)
    rows = {
        r["audience"]: r
        for r in sessions.values("audience")
        .annotate(sessions=Count("pk"), professionals=Sum("professionals"))
        .order_by()
    }
    cells = []
    for audience in ProfessionalGroup.values:
        r = rows.get(audience, {"sessions": 0, "professionals": 0})
        cells.append(
            {
                "audience": audience,
                "sessions": r["sessions"],
                "professionals": r["professionals"] or 0,
            }
        )
    return "awareness_sessions", sum(c["sessions"] for c in cells), cells
