"""Reads: directory search, review flags, service mapping, library counts, programmes, tasks.

Object-level access goes through ``services_for`` (casework records, which name people)
or :func:`organisations_for` (directory and library entries, shared by every service of
an organisation), so another tenant's record is simply not found.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length, Replace, Substr, Upper
from django.utils import timezone

from vocrehab.accounts.access import Perm, is_aggregate_only, services_for
from vocrehab.accounts.models import Organisation, Service
from vocrehab.casework.models import OnwardOutcome, OnwardReferral
from vocrehab.codes import OnwardCategory
from vocrehab.disclosure import is_small, threshold
from vocrehab.episodes.models import Episode

from . import conf
from .areas import NATION_CODES, UK_CODE, matching_areas
from .models import (
    Attendance,
    AwarenessSession,
    Cohort,
    DirectoryCategory,
    DirectoryCondition,
    DirectoryCoverage,
    DirectoryService,
    Enrolment,
    EnrolmentStatus,
    InWorkReview,
    MaterialGiven,
    Programme,
    ReviewStatus,
    SelfHelpMaterial,
)

# Counts below this are hidden from people who see aggregates only (commissioners).


def organisations_for(user, perm: Perm = Perm.VIEW_DIRECTORY) -> QuerySet:
    """The organisations whose directory and library ``user`` may use with ``perm``."""
    return Organisation.objects.filter(
        pk__in=services_for(user, perm).values("organisation_id")
    ).distinct()


def directory_for(user, perm: Perm = Perm.VIEW_DIRECTORY) -> QuerySet:
    """Directory entries (listed or not) of the organisations ``user`` may see."""
    return DirectoryService.objects.filter(organisation__in=organisations_for(user, perm))


def with_details(queryset: QuerySet) -> QuerySet:
    """Prefetch categories, conditions and coverage, so a list costs four queries."""
    return queryset.prefetch_related("categories", "conditions", "coverage")


def search_services(
    area_code: str | None = None,
    postcode: str | None = None,
    category: str | None = None,
    condition: str | None = None,
    *,
    text: str | None = None,
    user=None,
    organisations=None,
    include_unlisted: bool = False,
) -> QuerySet:
    """Listed directory services that meet a need, for a client's area and condition.

    ``area_code`` is the GSS code on the client's episode and ``postcode`` their postcode;
    with either, only services covering the client are returned (see ``areas``).
    ``category`` is an ``OnwardCategory`` value; ``condition`` a ``Condition`` value (a
    service limited to other conditions is left out; one limited to none is kept).
    Pass ``user`` (views do) to keep to the directories that user may see, or
    ``organisations``; with neither, every organisation's directory is searched.
    """
    qs = DirectoryService.objects.all()
    if not include_unlisted:
        qs = qs.filter(active=True)
    if user is not None:
        qs = qs.filter(organisation__in=organisations_for(user))
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    if area_code or postcode:
        tokens = matching_areas(area_code, postcode)
        qs = qs.filter(
            Exists(DirectoryCoverage.objects.filter(service=OuterRef("pk"), area__in=tokens))
        )
    if category:
        qs = qs.filter(
            Exists(DirectoryCategory.objects.filter(service=OuterRef("pk"), category=category))
        )
    if condition:
        limited = DirectoryCondition.objects.filter(service=OuterRef("pk"))
        qs = qs.filter(~Exists(limited) | Exists(limited.filter(condition=condition)))
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text) | Q(reference=text))
    return with_details(qs.order_by("name", "pk"))


def review_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Entries last checked before this date are due for review."""
    today = today or timezone.localdate()
    return conf.months_before(today, conf.review_months())


def due_for_review(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Entries never checked, or not checked for the configured number of months."""
    cutoff = review_cutoff(today)
    return queryset.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))


def is_due_for_review(entry: DirectoryService, today: datetime.date | None = None) -> bool:
    return entry.last_verified is None or entry.last_verified < review_cutoff(today)


# ---------------------------------------------------------------------------
# Service mapping (aggregates only; no names, no person-level rows)


def _suppress(value: int | None, suppress: bool):
    if suppress and is_small(value):
        return None
    return value


def _nation_of(field: str):
    """SQL for the GSS code of the nation of the area code in ``field``."""
    return Case(
        *[When(**{f"{field}__startswith": k}, then=Value(v)) for k, v in NATION_CODES.items()],
        default=Value(""),
        output_field=CharField(),
    )


def _squeezed(field: str):
    return Upper(Replace(field, Value(" "), Value("")))


def _postcode_district(field: str):
    """SQL for the outward code: the postcode without spaces, less its inward three."""
    squeezed = _squeezed(field)
    # PostgreSQL refuses a negative length, so short or empty postcodes give "".
    return Case(
        When(
            Q(**{f"{field}__isnull": False}) & Q(_pc_len__gte=5),
            then=Substr(squeezed, 1, Length(squeezed) - 3, output_field=CharField()),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def _covered_exists(category_ref: str, area_ref: str, org_ref: str):
    """Exists(): a listed service of the organisation covers this need in this area."""
    areas = (
        Q(area=OuterRef(area_ref))
        | Q(area=UK_CODE)
        | Q(area=OuterRef("_nation"))
        | Q(area=OuterRef("_district"))
        | Q(area=OuterRef("_pc_area1"))
        | Q(area=OuterRef("_pc_area2"))
    )
    return Exists(
        DirectoryCoverage.objects.filter(
            areas,
            service__active=True,
            service__organisation=OuterRef(org_ref),
            service__categories__category=OuterRef(category_ref),
        )
    )


def onward_in(services) -> QuerySet:
    return OnwardReferral.objects.filter(episode__service__in=services)


def coverage_gaps(services, *, suppress: bool = False) -> list[dict]:
    """Onward needs recorded for clients in areas no listed service covers for that need.

    One row per (area code, category) with ``needs`` (onward referrals and signposts
    recorded) and ``clients`` (distinct clients). A need counts as covered when a listed
    service of the episode's organisation, in that category, covers the episode's area
    code, its nation, the UK, or the client's postcode district. Counts of one to four
    are ``None`` when ``suppress`` is set. Computed in the database.
    """
    qs = (
        onward_in(services)
        .annotate(
            _nation=_nation_of("episode__area_code"),
            _pc_len=Length(_squeezed("episode__client__postcode")),
            # A postcode area is one or two letters; a two-character prefix with a
            # digit in it never equals a listed area, so both can be tried.
            _pc_area1=Substr(_squeezed("episode__client__postcode"), 1, 1),
            _pc_area2=Substr(_squeezed("episode__client__postcode"), 1, 2),
        )
        .annotate(_district=_postcode_district("episode__client__postcode"))
        .annotate(
            _covered=_covered_exists(
                "category", "episode__area_code", "episode__service__organisation"
            )
        )
        .filter(_covered=False)
        .values("episode__area_code", "category")
        .annotate(needs=Count("pk"), clients=Count("episode__client", distinct=True))
        .order_by("episode__area_code", "category")
    )
    labels = dict(OnwardCategory.choices)
    return [
        {
            "area_code": row["episode__area_code"] or "",
            "category": row["category"],
            "category_label": labels.get(row["category"], row["category"]),
            "needs": _suppress(row["needs"], suppress),
            "clients": _suppress(row["clients"], suppress),
        }
        for row in qs
    ]


def coverage_matrix(organisations, areas: Iterable[str] | None = None) -> dict:
    """Which needs are covered where: listed services per (area, category).

    Returns ``{"areas": [...], "categories": [(code, label)], "cells": {(area, category):
    count}}``. Areas are those any listed service covers, plus ``areas`` (for example the
    VR services' own areas) so that an area nobody covers shows as empty.
    """
    rows = (
        DirectoryCoverage.objects.filter(
            service__active=True, service__organisation__in=organisations
        )
        .values("area", "service__categories__category")
        .annotate(count=Count("service", distinct=True))
        .order_by()
    )
    cells: dict[tuple[str, str], int] = {}
    found_areas: set[str] = {a.upper() for a in (areas or ()) if a}
    for row in rows:
        found_areas.add(row["area"])
        if row["service__categories__category"]:
            cells[(row["area"], row["service__categories__category"])] = row["count"]
    return {
        "areas": sorted(found_areas),
        "categories": list(OnwardCategory.choices),
        "cells": cells,
    }


def directory_activity(services, organisations, *, suppress: bool = False) -> list[dict]:
    """Referrals and signposts to each directory service, and how many were taken up.

    Matched on ``OnwardReferral.service_ref`` = the entry's reference. One row per
    directory entry with ``referrals``, ``signposts`` and ``taken_up`` (outcome accepted
    or attended); entries nobody was sent to appear with zeros. Counts of one to four
    are ``None`` when ``suppress`` is set.
    """
    # A reference is unique within an organisation's directory only.
    onward = onward_in(services).filter(
        service_ref=OuterRef("reference"),
        episode__service__organisation=OuterRef("organisation"),
    )
    taken = [OnwardOutcome.ACCEPTED, OnwardOutcome.ATTENDED]

    def count_of(qs):
        return Subquery(
            qs.order_by().values("service_ref").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        )

    qs = (
        DirectoryService.objects.filter(organisation__in=organisations)
        .annotate(
            referrals=count_of(onward.filter(kind="referral")),
            signposts=count_of(onward.filter(kind="signpost")),
            taken_up=count_of(onward.filter(outcome__in=taken)),
        )
        .values("pk", "reference", "name", "referrals", "signposts", "taken_up")
        .order_by("name", "pk")
    )
    return [
        {
            "pk": row["pk"],
            "reference": row["reference"],
            "name": row["name"],
            "referrals": _suppress(row["referrals"] or 0, suppress),
            "signposts": _suppress(row["signposts"] or 0, suppress),
            "taken_up": _suppress(row["taken_up"] or 0, suppress),
        }
        for row in qs
    ]


def service_mapping(user) -> dict:
    """Everything the mapping page shows, for the services ``user`` may map."""
    services = services_for(user, Perm.VIEW_SERVICE_MAPPING)
    organisations = Organisation.objects.filter(pk__in=services.values("organisation_id"))
    suppress = is_aggregate_only(user)
    own_areas = [a for s in services for a in (s.covered_areas or [])]
    episode_areas = (
        Episode.objects.filter(service__in=services)
        .exclude(area_code="")
        .values_list("area_code", flat=True)
        .distinct()
    )
    return {
        "matrix": coverage_matrix(organisations, [*own_areas, *episode_areas]),
        "gaps": coverage_gaps(services, suppress=suppress),
        "activity": directory_activity(services, organisations, suppress=suppress),
        "suppressed": suppress,
        "small_number": threshold(),
        "small_max": threshold() - 1,
    }


# ---------------------------------------------------------------------------
# Self-help library


def library_for(user, perm: Perm = Perm.VIEW_DIRECTORY) -> QuerySet:
    return SelfHelpMaterial.objects.filter(organisation__in=organisations_for(user, perm))


def filter_library(
    queryset: QuerySet,
    *,
    audience: str | None = None,
    condition: str | None = None,
    topic: str | None = None,
) -> list[SelfHelpMaterial]:
    """Material for an audience, condition and topic (material with no condition suits all).

    Conditions and topics are short JSON lists; a library holds tens or hundreds of
    items, so they are matched here rather than with JSON lookups SQLite lacks.
    """
    qs = queryset.filter(active=True)
    if audience:
        qs = qs.filter(audience=audience)
    items = list(qs)
    if condition:
        items = [m for m in items if not m.conditions or condition in m.conditions]
    if topic:
        wanted = topic.strip().lower()
        items = [m for m in items if any(wanted == t.lower() for t in m.topics)]
    return items


def material_given_counts(
    services,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    suppress: bool = False,
) -> list[dict]:
    """How often each piece of material was given, by channel, in the services and period.

    One row per (material, channel): ``material_id``, ``title``, ``audience``,
    ``channel``, ``count`` (times given) and ``clients`` (distinct clients). Computed in
    the database; counts of one to four are ``None`` when ``suppress`` is set.
    """
    qs = MaterialGiven.objects.filter(episode__service__in=services)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    rows = (
        qs.values("material_id", "material__title", "material__audience", "channel")
        .annotate(count=Count("pk"), clients=Count("episode__client", distinct=True))
        .order_by("material__title", "channel")
    )
    return [
        {
            "material_id": r["material_id"],
            "title": r["material__title"],
            "audience": r["material__audience"],
            "channel": r["channel"],
            "count": _suppress(r["count"], suppress),
            "clients": _suppress(r["clients"], suppress),
        }
        for r in rows
    ]


# ---------------------------------------------------------------------------
# Programmes


def programmes_for(user, perm: Perm = Perm.VIEW_DIRECTORY) -> QuerySet:
    return Programme.objects.filter(service__in=services_for(user, perm))


def cohorts_for(user, perm: Perm = Perm.VIEW_CONTACTS) -> QuerySet:
    return Cohort.objects.filter(programme__service__in=services_for(user, perm))


def _attended_count():
    return Count("attendance", filter=Q(attendance__attended=True))


def cohort_register(cohort: Cohort) -> list[Enrolment]:
    """Enrolled and withdrawn participants with ``attended`` and ``completed`` set."""
    threshold = cohort.programme.completion_sessions
    enrolments = list(
        cohort.enrolments.exclude(status=EnrolmentStatus.WAITING)
        .select_related("episode__client")
        .annotate(attended=_attended_count())
        .order_by("episode__client__last_name", "episode__client__first_name", "pk")
    )
    marks = {
        (a.enrolment_id, a.session_id): a.attended
        for a in Attendance.objects.filter(enrolment__cohort=cohort)
    }
    for e in enrolments:
        e.completed = e.attended >= threshold
        e.marks = marks
    return enrolments


def waiting_list(cohort: Cohort) -> QuerySet:
    return cohort.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("requested_at", "pk")


def completed_enrolments(queryset: QuerySet | None = None) -> QuerySet:
    """Enrolments (not withdrawn) whose attendance reached their programme's threshold."""
    qs = Enrolment.objects.all() if queryset is None else queryset
    return (
        qs.filter(status=EnrolmentStatus.ENROLLED)
        .annotate(attended=_attended_count())
        .filter(attended__gte=F("cohort__programme__completion_sessions"))
    )


def cohort_counts(cohort: Cohort) -> dict:
    """Places, enrolled, waiting, withdrawn, completed and attendance per session."""
    by_status = dict(cohort.enrolments.values_list("status").annotate(n=Count("pk")).order_by())
    completed = completed_enrolments(cohort.enrolments.all()).count()
    per_session = list(
        cohort.course_sessions.annotate(
            present=Count("attendance", filter=Q(attendance__attended=True))
        )
        .values("number", "date", "present")
        .order_by("number")
    )
    return {
        "capacity": cohort.capacity,
        "enrolled": by_status.get(EnrolmentStatus.ENROLLED, 0),
        "waiting": by_status.get(EnrolmentStatus.WAITING, 0),
        "withdrawn": by_status.get(EnrolmentStatus.WITHDRAWN, 0),
        "completed": completed,
        "per_session": per_session,
    }


def programme_cohorts(programme: Programme, *, suppress: bool = False) -> list[tuple]:
    """Each cohort of a programme with its counts, in three queries whatever the number.

    Returns ``(cohort, counts)`` pairs; counts has capacity, enrolled, waiting,
    withdrawn and completed (1–4 hidden as None when ``suppress``; capacity never).
    """
    status_counts = {
        status: Count("enrolments", filter=Q(enrolments__status=status))
        for status in EnrolmentStatus.values
    }
    cohorts = list(programme.cohorts.annotate(**status_counts).order_by("start_date", "pk"))
    completed: dict[int, int] = {}
    for cohort_id in completed_enrolments(
        Enrolment.objects.filter(cohort__programme=programme)
    ).values_list("cohort_id", flat=True):
        completed[cohort_id] = completed.get(cohort_id, 0) + 1
    result = []
    for c in cohorts:
        counts = {
            "enrolled": getattr(c, EnrolmentStatus.ENROLLED),
            "waiting": getattr(c, EnrolmentStatus.WAITING),
            "withdrawn": getattr(c, EnrolmentStatus.WITHDRAWN),
            "completed": completed.get(c.pk, 0),
        }
        counts = {k: _suppress(v, suppress) for k, v in counts.items()}
        result.append((c, {"capacity": c.capacity, **counts}))
    return result


def matching_cohorts(assessment, today: datetime.date | None = None) -> list[Cohort]:
    """Cohorts still to start, of the episode's service, whose programme meets the needs.

    A programme matches when its topic is one of the assessed needs and it is open to
    the episode's condition (a programme limited to no condition is open to all).
    """
    today = today or timezone.localdate()
    episode = assessment.episode
    cohorts = (
        Cohort.objects.filter(
            programme__service_id=episode.service_id,
            programme__active=True,
            programme__topic__in=assessment.needs or [],
            start_date__gte=today,
        )
        .select_related("programme")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
        )
        .order_by("start_date", "pk")
    )
    return [
        c
        for c in cohorts
        if not c.programme.conditions or episode.condition in c.programme.conditions
    ]


# ---------------------------------------------------------------------------
# In-work reviews (for "my tasks")


def due_in_work_reviews(
    user=None,
    *,
    services=None,
    today: datetime.date | None = None,
    within_days: int = 7,
    case_manager=None,
) -> QuerySet:
    """Scheduled in-work reviews due by ``today + within_days`` (overdue ones included).

    Limited to the services ``user`` may see people in (``Perm.VIEW_PERSON``), or to
    ``services``; pass ``case_manager`` for one worker's own caseload. Ordered by due
    date, with the episode and client loaded. Reviews of discharged episodes count too:
    in-work support often follows discharge from case management.
    """
    if user is None and services is None:
        raise ValueError("Give a user or services.")
    today = today or timezone.localdate()
    qs = InWorkReview.objects.filter(
        status=ReviewStatus.DUE, due_date__lte=today + datetime.timedelta(days=within_days)
    )
    if user is not None:
        qs = qs.filter(support__episode__service__in=services_for(user, Perm.VIEW_PERSON))
    if services is not None:
        qs = qs.filter(support__episode__service__in=services)
    if case_manager is not None:
        qs = qs.filter(support__episode__case_manager=case_manager)
    return qs.select_related("support__episode__client").order_by("due_date", "pk")


def episodes_for(user, perm: Perm = Perm.VIEW_PERSON) -> QuerySet:
    return Episode.objects.filter(service__in=services_for(user, perm))


def services_in(user, perm: Perm) -> QuerySet:
    return Service.objects.filter(pk__in=services_for(user, perm).values("pk"))


# ---------------------------------------------------------------------------
# Awareness sessions


def awareness_sessions_for(user) -> QuerySet:
    """Sessions of the services ``user`` works in, newest first."""
    return (
        AwarenessSession.objects.filter(service__in=services_for(user, Perm.VIEW_CASELOAD))
        .select_related("service", "recorded_by")
        .order_by("-date", "-pk")
    )


def reviewed_on_time() -> Q:
    """A filter on InWorkReview: done, with its contact on or before the due date (the
    evaluation report's local ``in_work_reviews`` table)."""
    return Q(status=ReviewStatus.DONE, contact__contact_date__lte=F("due_date"))
