"""Reads of casework: the caseload, an episode's record, a worker's tasks.

Every function starts from the services the user may act in (``services_for``), so a
record of another service is simply not found (404), whichever caller asks. Lists are
computed in the database (annotations and subqueries), so the number of queries does
not grow with the caseload.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.access import Perm, services_for
from vocrehab.codes import Tier
from vocrehab.episodes.facts import (
    followup_due,
    followup_window,
    followup_window_closed,
    followup_window_still_open,
)
from vocrehab.episodes.models import Episode
from vocrehab.episodes.record import CaseloadFlag, TimelineEntry
from vocrehab.episodes.signals import (
    caseload_flags_requested,
    episode_record_requested,
    in_work_reviews_requested,
)
from vocrehab.episodes.standards import standard_at_risk

from .models import (
    CaseNote,
    Contact,
    ContactIntervention,
    Employer,
    Letter,
    LetterChannel,
    LetterStatus,
    PlanPhase,
    PlanProgress,
    PlanReview,
    Reminder,
    ReturnPlan,
    SignOff,
    SignOffStatus,
)

# Sorts "no date" after every real date, on SQLite and PostgreSQL alike.
NO_DATE = datetime.date(9999, 12, 31)
PLAN_REVIEW_NOTICE_DAYS = 7


def episodes_for(user, perm: Perm = Perm.VIEW_PERSON):
    """Episodes of the services where ``user`` may do ``perm``."""
    return Episode.objects.filter(service__in=services_for(user, perm))


def get_episode(user, pk: int, perm: Perm = Perm.VIEW_PERSON) -> Episode:
    """The episode ``pk`` if the user may see it in one of their services; 404 otherwise."""
    return get_object_or_404(
        episodes_for(user, perm).select_related("client", "service", "case_manager"), pk=pk
    )


def get_child(user, model, pk: int, perm: Perm = Perm.EDIT_PERSON, *, path="episode"):
    """A record that hangs off an episode (by ``path``), only within the user's services."""
    services = services_for(user, perm)
    return get_object_or_404(
        model.objects.select_related(path, f"{path}__service", f"{path}__client").filter(
            **{f"{path}__service__in": services}
        ),
        pk=pk,
    )


# --- caseload ------------------------------------------------------------------------

SORTS = {
    # Days open grows as the referral date gets older.
    "days_open": ("-referral_date", "-pk"),
    "-days_open": ("referral_date", "pk"),
    "next_action": ("next_action_due", "referral_date", "pk"),
    "last_contact": (F("last_contact").asc(nulls_first=True), "pk"),
    "tier": ("-tier", "referral_date", "pk"),
    "name": ("client__last_name", "client__first_name", "pk"),
}
FLAGS = {
    "safety_alert": _("Safety alert: contact today"),
    "standard_at_risk": _("Standard at risk"),
    "followup_due": _("Follow-up due"),
    "followup_window_closed": _("Follow-up window closed"),
    "no_recent_contact": _("No recent contact"),
    "plan_review_due": _("Plan review due"),
    "sign_off_pending": _("Waiting for sign-off"),
}
STATUSES = {
    "all": _("Open or awaiting follow-up"),
    "open": _("Open"),
    "followup": _("Discharged, follow-up to record"),
}


def contributed_flags() -> list[CaseloadFlag]:
    """The flags other apps keep about episodes (measures: questionnaire overdue)."""
    return [
        flag
        for _receiver, flags in caseload_flags_requested.send(sender=Episode)
        for flag in flags or ()
    ]


def flag_labels() -> dict[str, str]:
    """Every caseload flag by name: casework's own, then the contributed ones."""
    return {**FLAGS, **{flag.name: flag.label for flag in contributed_flags()}}


def with_last_contact(queryset):
    """Annotate ``last_contact``: the latest contact date, read from the end of the
    (episode, contact_date) index, one index entry per episode however many contacts it
    has (the same value as Max(contact_date), without aggregating every contact)."""
    latest = (
        Contact.objects.filter(episode=OuterRef("pk"))
        .order_by("-contact_date")
        .values("contact_date")[:1]
    )
    return queryset.annotate(last_contact=Subquery(latest, output_field=DateField()))


def no_recent_contact(services, today: datetime.date) -> Q:
    """Open episodes with no contact (or, before any, no referral) within each service's
    ``no_contact_flag_days``. Needs ``last_contact`` (:func:`with_last_contact`)."""
    condition = Q(pk__in=[])
    for service in services:
        cut = today - datetime.timedelta(days=service.no_contact_flag_days)
        condition |= Q(service_id=service.pk) & (
            Q(last_contact__lt=cut) | Q(last_contact__isnull=True, referral_date__lt=cut)
        )
    return condition & Q(discharge_date__isnull=True)


def annotate_caseload(queryset, *, services, today: datetime.date | None = None):
    """Add the caseload columns to an episode queryset, all computed in the database.

    ``last_contact``, ``next_action_due`` (the earliest open reminder, current plan review
    or follow-up still in its window; ``NO_DATE`` when none), and the flags
    ``standard_at_risk``, ``followup_due`` (its date has come and its window is open),
    ``followup_window_closed`` (not recorded, and the window closed), ``no_recent_contact``,
    ``questionnaire_overdue``, ``plan_review_due``, ``sign_off_pending`` and
    ``safety_alert`` (an open same-day safety task).
    """
    today = today or timezone.localdate()
    next_reminder = (
        Reminder.objects.filter(episode=OuterRef("pk"), done_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    current_reviews = PlanReview.objects.filter(
        plan__episode=OuterRef("pk"), plan__is_current=True, done_on__isnull=True
    )
    next_review = current_reviews.order_by("due_on").values("due_on")[:1]
    awaiting_followup = Q(
        discharge_date__isnull=False,
        followup_date__isnull=False,
        work_status_at_followup="",
    )
    # After the VRMDS window closes a follow-up is no longer due (only a service manager
    # records one, with the reason): the one rule of the window, as for questionnaires.
    window_open = followup_window_still_open(today)
    at_risk = standard_at_risk(services, today)
    no_date = Value(NO_DATE, output_field=DateField())
    return with_last_contact(queryset).annotate(
        next_reminder=Subquery(next_reminder, output_field=DateField()),
        next_review=Subquery(next_review, output_field=DateField()),
        next_action_due=Least(
            Coalesce(F("next_reminder"), no_date),
            Coalesce(F("next_review"), no_date),
            Case(When(awaiting_followup & window_open, then=F("followup_date")), default=no_date),
        ),
        standard_at_risk=Case(
            When(at_risk if at_risk is not None else Q(pk__in=[]), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        followup_due=ExpressionWrapper(followup_due(today), output_field=BooleanField()),
        followup_window_closed=ExpressionWrapper(
            awaiting_followup & followup_window_closed(today), output_field=BooleanField()
        ),
        no_recent_contact=Case(
            When(no_recent_contact(services, today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        **{
            flag.name: ExpressionWrapper(flag.condition(today), output_field=BooleanField())
            for flag in contributed_flags()
        },
        plan_review_due=Exists(
            current_reviews.filter(due_on__lte=today + datetime.timedelta(PLAN_REVIEW_NOTICE_DAYS))
        ),
        sign_off_pending=Exists(
            SignOff.objects.filter(episode=OuterRef("pk"), status=SignOffStatus.PENDING)
        ),
        safety_alert=Exists(
            Reminder.objects.filter(episode=OuterRef("pk"), safety_alert=True, done_on__isnull=True)
        ),
    )


@dataclass
class CaseloadFilter:
    worker_id: int | None = None  # None with everyone=True: the whole service
    everyone: bool = False
    tier: str = ""
    flag: str = ""
    status: str = "all"
    search: str = ""
    sort: str = "next_action"


def caseload(user, filters: CaseloadFilter, *, today: datetime.date | None = None):
    """The episodes of a caseload, annotated (see ``annotate_caseload``), filtered and sorted.

    Without VIEW_ALL_CASELOADS a user sees only their own caseload, whatever the filter
    asks; a manager may see one worker's or the whole service's.
    """
    today = today or timezone.localdate()
    services = list(services_for(user, Perm.VIEW_CASELOAD))
    queryset = Episode.objects.filter(service__in=[s.pk for s in services])
    managed = {s.pk for s in services_for(user, Perm.VIEW_ALL_CASELOADS)}
    if filters.everyone and managed:
        queryset = queryset.filter(service__in=managed)
        if filters.worker_id:
            queryset = queryset.filter(case_manager_id=filters.worker_id)
    elif filters.worker_id and managed:
        queryset = queryset.filter(service__in=managed, case_manager_id=filters.worker_id)
    else:
        queryset = queryset.filter(case_manager=user)
    awaiting = Q(discharge_date__isnull=False, followup_date__isnull=False)
    awaiting &= Q(work_status_at_followup="")
    if filters.status == "open":
        queryset = queryset.filter(discharge_date__isnull=True)
    elif filters.status == "followup":
        queryset = queryset.filter(awaiting)
    else:
        queryset = queryset.filter(Q(discharge_date__isnull=True) | awaiting)
    if filters.tier in Tier.values:
        queryset = queryset.filter(tier=filters.tier)
    elif filters.tier == "none":
        queryset = queryset.filter(tier="")
    if filters.search:
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(client__last_name__icontains=term)
            | Q(client__first_name__icontains=term)
        )
    queryset = annotate_caseload(queryset, services=services, today=today)
    if filters.flag in flag_labels():
        queryset = queryset.filter(**{filters.flag: True})
    order = SORTS.get(filters.sort, SORTS["next_action"])
    # Clients are fetched for the page shown only (a second query), not joined to every
    # episode of a service-wide list; sorting by name needs the join.
    related = ["case_manager", "client"] if filters.sort == "name" else ["case_manager"]
    queryset = queryset.select_related(*related)
    if filters.sort != "name":
        queryset = queryset.prefetch_related("client")
    return queryset.order_by(*order)


# Flags a row shows on its own rather than among the orange ones.
OWN_TAGS = ("safety_alert", "followup_window_closed")


def finish_rows(rows, today: datetime.date | None = None):
    """Turn annotated episodes into display rows (days open; NO_DATE back to None)."""
    today = today or timezone.localdate()
    labels = flag_labels()
    for episode in rows:
        if getattr(episode, "next_action_due", None) == NO_DATE:
            episode.next_action_due = None
        episode.days_open = (today - episode.referral_date).days
        episode.overdue = bool(episode.next_action_due and episode.next_action_due < today)
        # The safety alert is shown on its own, in red, before the other flags.
        episode.flag_labels = [
            label
            for name, label in labels.items()
            if name not in OWN_TAGS and getattr(episode, name, False)
        ]
        # Not something to do: said in words, with the day it closed, in grey.
        episode.followup_window_closed_on = (
            followup_window(episode.discharge_date).closes
            if getattr(episode, "followup_window_closed", False)
            else None
        )
    return rows


def caseload_counts(user):
    """Open episodes per worker and tier in the services the user manages (one query)."""
    # Plain ids, not a subquery, so that the planner reads the open-episodes index.
    managed = [s.pk for s in services_for(user, Perm.VIEW_ALL_CASELOADS)]
    # Counting columns of the open-episodes index only: an index-only scan.
    tiers = {f"tier_{t}": Count("tier", filter=Q(tier=t)) for t in Tier.values}
    rows = (
        Episode.objects.open()
        .filter(service__in=managed)
        .values(
            "case_manager",
            "case_manager__first_name",
            "case_manager__last_name",
        )
        .annotate(total=Count("*"), untiered=Count("tier", filter=Q(tier="")), **tiers)
        .order_by("case_manager__last_name", "case_manager__first_name")
    )
    return list(rows)


# --- the episode record --------------------------------------------------------------


def episode_record(episode: Episode) -> dict:
    """Everything recorded in an episode, and a timeline of it, in a fixed number of queries."""
    tier_changes = list(episode.tier_changes.select_related("changed_by"))
    contacts = list(
        episode.contacts.select_related("recorded_by").prefetch_related(
            Prefetch("interventions", queryset=ContactIntervention.objects.order_by("position"))
        )
    )
    onward = list(episode.onward.select_related("recorded_by"))
    assessments = list(
        episode.assessments.select_related("assessed_by").prefetch_related("key_issues")
    )
    goals = list(episode.goals.prefetch_related("reviews"))
    employers = list(
        Employer.objects.filter(episode=episode).prefetch_related(
            "people", "meetings", "adjustments"
        )
    )
    plans = list(
        ReturnPlan.objects.filter(episode=episode)
        .select_related("created_by")
        .prefetch_related("phases", "reviews", "progress")
        .order_by("-number")
    )
    notes = list(
        CaseNote.objects.filter(episode=episode)
        .select_related("author", "corrects")
        .order_by("written_at", "pk")
    )
    corrected_ids = {n.corrects_id for n in notes if n.corrects_id}
    for note in notes:
        note.is_corrected = note.pk in corrected_ids
    reminders = list(episode.reminders.filter(done_on__isnull=True).select_related("assigned_to"))
    documents = list(episode.documents.select_related("uploaded_by"))
    sign_offs = list(episode.sign_offs.select_related("requested_by", "supervisor", "decided_by"))
    letters = list(episode.letters.select_related("posted_by", "written_again_as"))
    timeline = [
        TimelineEntry(
            episode.referral_date,
            "referral",
            _("Referral received"),
            episode.get_referral_source_display(),
            order=0,
        )
    ]
    if episode.previous_episode_id:
        timeline[0].extra["previous"] = episode.previous_episode_id
    for tc in tier_changes:
        timeline.append(
            TimelineEntry(tc.changed_on, "tier", tc.described, tc.reason, tc.changed_by, tc, 1)
        )
    for a in assessments:
        timeline.append(
            TimelineEntry(a.assessed_on, "assessment", _("Assessment"), "", a.assessed_by, a, 2)
        )
    for c in contacts:
        timeline.append(
            TimelineEntry(
                c.contact_date,
                "contact",
                f"{c.get_mode_display()} – {c.get_contact_with_display()}",
                c.note,
                c.recorded_by,
                c,
                3,
            )
        )
    # Other apps' parts of the record (measures: the questionnaires).
    contributed = {}
    for _receiver, part in episode_record_requested.send(sender=Episode, episode=episode):
        contributed.update(part.context)
        timeline.extend(part.timeline)
    for o in onward:
        timeline.append(
            TimelineEntry(o.date, "onward", str(o), o.get_outcome_display(), o.recorded_by, o, 5)
        )
    for g in goals:
        timeline.append(TimelineEntry(g.set_on, "goal", _("Goal set"), g.description, None, g, 6))
        for r in g.reviews.all():
            timeline.append(
                TimelineEntry(r.reviewed_on, "goal_review", _("Goal reviewed"), r.note, None, r, 6)
            )
    for employer in employers:
        for m in employer.meetings.all():
            timeline.append(
                TimelineEntry(
                    m.date, "meeting", _("Meeting with the employer"), m.summary, None, m, 7
                )
            )
    for plan in plans:
        timeline.append(
            TimelineEntry(
                plan.created_at.date(),
                "plan",
                _("Return-to-work plan, version %(n)s") % {"n": plan.number},
                "",
                plan.created_by,
                plan,
                8,
            )
        )
    for note in notes:
        timeline.append(
            TimelineEntry(
                timezone.localtime(note.written_at).date(),
                "note",
                _("Correction") if note.corrects_id else _("Case note"),
                note.text,
                note.author,
                note,
                9,
            )
        )
    for d in documents:
        timeline.append(
            TimelineEntry(
                timezone.localtime(d.uploaded_at).date(),
                "document",
                _("Document: %(title)s") % {"title": d.title},
                d.original_name,
                d.uploaded_by,
                d,
                9,
            )
        )
    for s in sign_offs:
        timeline.append(
            TimelineEntry(
                timezone.localtime(s.requested_at).date(),
                "sign_off",
                s.get_action_display(),
                s.summary,
                s.requested_by,
                s,
                10,
            )
        )
    if episode.discharge_date:
        timeline.append(
            TimelineEntry(
                episode.discharge_date,
                "discharge",
                _("Discharged"),
                episode.get_work_status_at_discharge_display(),
                order=11,
            )
        )
    for letter in reversed(letters):  # newest first among those of one day
        timeline.append(
            TimelineEntry(
                timezone.localtime(letter.created_at).date(),
                "letter",
                letter.described,
                letter.timeline_detail,
                letter.posted_by,
                letter,
                12,
            )
        )
    timeline.sort(key=lambda e: (e.date, e.order), reverse=True)
    current_plan = next((p for p in plans if p.is_current), None)
    return {
        **contributed,
        "tier_changes": tier_changes,
        "letters": letters,
        "contacts": contacts,
        "onward": onward,
        "assessments": assessments,
        "goals": goals,
        "employers": employers,
        "plans": plans,
        "current_plan": current_plan,
        "notes": notes,
        "reminders": reminders,
        "documents": documents,
        "sign_offs": sign_offs,
        "timeline": timeline,
    }


def plan_progress(plan: ReturnPlan) -> list[dict]:
    """Each week of the plan beside what was recorded for it (planned vs worked hours)."""
    recorded: dict[int, list] = {}
    for p in plan.progress.all():
        recorded.setdefault(p.week, []).append(p)
    rows = []
    for phase in plan.phases.all():
        done = recorded.get(phase.week, [])
        worked = done[-1].hours_worked if done else None
        rows.append(
            {
                "phase": phase,
                "start": plan.start_date + datetime.timedelta(weeks=phase.week - 1),
                "worked": worked,
                "note": done[-1].note if done else "",
                "on_plan": None if worked is None else worked >= phase.hours,
            }
        )
    return rows


# --- tasks ---------------------------------------------------------------------------


def _in_work_reviews_due(user, services, today):
    """In-work reviews of the user's own clients due this week (the directory answers)."""
    replies = in_work_reviews_requested.send(
        sender=Episode, user=user, services=services, today=today
    )
    return [review for _receiver, reviews in replies for review in reviews]


def clients_in_tasks(tasks: dict) -> set[int]:
    """The clients a :func:`tasks_for` result names (for the access log)."""
    episodes = [r.episode for r in tasks["reminders"]]
    episodes += [s.episode for s in tasks["sign_off_queue"] + tasks["my_requests"]]
    episodes += [r.support.episode for r in tasks["in_work_reviews"]]
    episodes += tasks["followups"] + tasks["plan_reviews"] + tasks["at_risk"]
    return {e.client_id for e in episodes}


def tasks_for(user, today: datetime.date | None = None) -> dict:
    """What the user has to do: reminders, follow-ups, plan reviews, standards, sign-offs."""
    today = today or timezone.localdate()
    services = list(services_for(user, Perm.VIEW_CASELOAD))
    mine = Episode.objects.filter(service__in=[s.pk for s in services], case_manager=user)
    annotated = annotate_caseload(mine, services=services, today=today).select_related("client")
    reminders = (
        Reminder.objects.filter(
            episode__service__in=[s.pk for s in services],
            assigned_to=user,
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=7),
        )
        .select_related("episode", "episode__client")
        .order_by("due_on")
    )
    flagged = list(
        annotated.filter(
            Q(followup_due=True) | Q(plan_review_due=True) | Q(standard_at_risk=True)
        ).order_by("referral_date")
    )
    sign_off_queue = list(
        SignOff.objects.filter(
            supervisor=user,
            status=SignOffStatus.PENDING,
            episode__service__in=services_for(user, Perm.SIGN_OFF),
        ).select_related("episode", "episode__client", "requested_by")
    )
    my_requests = list(
        SignOff.objects.filter(requested_by=user, status=SignOffStatus.PENDING).select_related(
            "episode", "episode__client", "supervisor"
        )
    )
    return {
        "in_work_reviews": _in_work_reviews_due(user, services, today),
        "reminders": list(reminders),
        "followups": [e for e in flagged if e.followup_due],
        "plan_reviews": [e for e in flagged if e.plan_review_due],
        "at_risk": [e for e in flagged if e.standard_at_risk],
        "sign_off_queue": sign_off_queue,
        "my_requests": my_requests,
        "today": today,
    }


# -- return-to-work plans in reports ----------------------------------------------------


def plan_completed() -> Exists:
    """A filter on ReturnPlan: the phased return ran its course, that is progress has
    been recorded for the plan's last planned week (the evaluation report's local
    ``return_plans`` table counts current plans so)."""
    last_week = (
        PlanPhase.objects.filter(plan=OuterRef(OuterRef("pk"))).order_by("-week").values("week")[:1]
    )
    return Exists(PlanProgress.objects.filter(plan=OuterRef("pk"), week__gte=Subquery(last_week)))


# --- letters out -------------------------------------------------------------------------


def letters_visible_to(user):
    """The letters ``user`` may open: every letter of the episodes they may read, and the
    printed ones of the services where they print letters (an admin assistant)."""
    return Letter.objects.filter(
        Q(episode__service__in=services_for(user, Perm.VIEW_PERSON))
        | Q(
            episode__service__in=services_for(user, Perm.SEND_LETTERS),
            channel=LetterChannel.PRINT,
        )
    ).select_related("episode__client", "episode__service", "posted_by")


def get_letter(user, pk: int):
    """A letter the user may open (404 for any other)."""
    return get_object_or_404(letters_visible_to(user), pk=pk)


def get_letter_to_send(user, pk: int):
    """A letter of a service where ``user`` prints and posts letters (404 for any other)."""
    return get_object_or_404(
        Letter.objects.filter(episode__service__in=services_for(user, Perm.SEND_LETTERS)), pk=pk
    )


def letters_to_print(user, *, limit: int = 200) -> dict:
    """Letters waiting to be printed and posted, and those whose email failed, in the
    services where ``user`` prints letters, oldest first. Two queries."""
    base = Letter.objects.filter(
        episode__service__in=services_for(user, Perm.SEND_LETTERS)
    ).select_related("episode__client", "episode__service")
    waiting = list(
        base.filter(channel=LetterChannel.PRINT, status=LetterStatus.DRAFTED).order_by(
            "created_at", "pk"
        )[:limit]
    )
    failed = list(base.filter(status=LetterStatus.FAILED).order_by("created_at", "pk")[:limit])
    return {"waiting": waiting, "failed": failed}
