"""Reads for the reports pages: which services a user may report on, the evaluation
report as they may see it, benchmarking and the manager's dashboard.

Access is decided here, so the web pages, exports and any future API share it: a user
reports only on ``services_for(user, Perm.VIEW_REPORTS)``, and the figures are
small-number suppressed whenever any chosen service is one the user sees as a
commissioner (aggregates only), or when the output is marked for publication.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.http import Http404

from vocrehab.accounts.access import Perm, areas_granted, is_aggregate_only, services_for
from vocrehab.accounts.models import Area, Service
from vocrehab.casework.queries import no_recent_contact as no_recent_contact_of
from vocrehab.casework.queries import with_last_contact
from vocrehab.codes import IN_WORK, MainReason
from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import (
    ASSESSMENT,
    FIRST_CONTACT,
    count_standards,
    ensure_calendar,
)
from vocrehab.measures.models import OUTSTANDING_STATUSES, Administration

from . import completeness, snapshot, trends
from .evaluation import build_evaluation
from .suppression import suppress, suppress_across, suppress_dashboard


def reportable_services(user):
    """Services ``user`` may see reports for (a Service queryset, ordered by name)."""
    return services_for(user, Perm.VIEW_REPORTS).order_by("name", "code")


def _area_chain(row) -> list[int]:
    return [area_id for area_id in row if area_id is not None]


def areas_for(user, perm: Perm = Perm.VIEW_REPORTS) -> list[Area]:
    """The nodes of the commissioning hierarchy ``user`` may report on (or see the
    dashboard of, with ``perm``), in tree order (each nation, then its regions, each
    followed by its areas); only nodes with an active service beneath them.

    Someone granted nodes gets those nodes and the nodes beneath them, never a node
    above (even one whose services happen all to be theirs: a commissioner of a region
    does not report as if for the nation). Anyone else gets each node every service
    beneath which is theirs. Two queries, however large the hierarchy (one when no
    service is in it).
    """
    mine = services_for(user, perm)
    if mine.query.is_empty():
        return []
    granted = areas_granted(user, perm)
    beneath: dict[int, set[int]] = defaultdict(set)
    above: dict[int, list[int]] = {}
    allowed: set[int] = set()
    # One query: every active service in the hierarchy, its nodes, and whether it is the
    # user's (none at all when no service has been put in the hierarchy).
    rows = (
        Service.objects.filter(active=True, area__isnull=False)
        .annotate(mine=Exists(mine.filter(pk=OuterRef("pk"))))
        .values_list("pk", "mine", "area_id", "area__parent_id", "area__parent__parent_id")
    )
    for pk, is_mine, *chain in rows:
        if is_mine:
            allowed.add(pk)
        chain = _area_chain(chain)
        for i, area_id in enumerate(chain):
            beneath[area_id].add(pk)
            above[area_id] = chain[i:]
    if granted:
        visible = [a for a in beneath if granted.intersection(above[a])]
    else:
        visible = [a for a, ids in beneath.items() if ids <= allowed]
    if not visible:
        return []
    areas = Area.objects.filter(pk__in=visible).select_related("parent__parent")

    def path(area):
        chain = [area]
        while chain[-1].parent_id is not None and len(chain) < 3:
            chain.append(chain[-1].parent)
        return [(a.name, a.pk) for a in reversed(chain)]

    return sorted(areas, key=path)


def _service_chain(service) -> list[int]:
    node, chain = service.area, []
    while node is not None and len(chain) < 3:
        chain.append(node.pk)
        node = node.parent
    return chain


def node_parts(area, services) -> list[tuple[str, list[Service], Area | None]]:
    """``services`` (all beneath ``area``) grouped by the node's parts, as
    [(label, services, part)]: each part of the node that has services (a region of a
    nation, an area of a region), then each service belonging to the node itself (part
    None). The groups do not overlap and together make up the whole, so the node's total
    is their sum. Services need ``area__parent__parent`` loaded."""
    parts: dict[int, tuple[str, list[Service], Area]] = {}
    own: list[tuple[str, list[Service], Area | None]] = []
    for service in services:
        chain = _service_chain(service)
        if chain and chain[0] == area.pk:
            own.append((service.name, [service], None))
            continue
        node = service.area
        while node is not None and node.parent_id != area.pk:
            node = node.parent
        if node is None:  # not beneath the node at all
            raise PermissionDenied
        parts.setdefault(node.pk, (node.name, [], node))[1].append(service)
    return sorted(parts.values(), key=lambda p: p[0]) + own


def must_suppress(user, services, *, publication: bool = False) -> bool:
    """True when figures for ``services`` shown to ``user`` must be suppressed."""
    return publication or any(is_aggregate_only(user, s) for s in services)


def evaluation_for(
    user,
    services,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    publication: bool = False,
    value_set: str | None = None,
) -> tuple[dict, bool]:
    """The evaluation report for ``user``: (report, suppressed?).

    Raises PermissionDenied when a service is not one the user may report on.
    """
    allowed = set(reportable_services(user).values_list("pk", flat=True))
    services = list(services)
    if not services or any(s.pk not in allowed for s in services):
        raise PermissionDenied
    report = build_evaluation(services, date_from, date_to, value_set=value_set)
    suppressed = must_suppress(user, services, publication=publication)
    return (suppress(report) if suppressed else report), suppressed


def benchmark_for(user, services, date_from=None, date_to=None, *, publication=False, area=None):
    """Reports side by side, and for all of them together: [(label, report)], suppressed?

    One column per service chosen; or, for a node of the commissioning hierarchy
    (``area``), one per part of the node (its regions, areas or own services). Each
    column is suppressed on its own terms and the total when any part of it must be;
    then, when the total is suppressed, across the columns as well, so that no hidden
    figure can be had back by taking the shown parts from the total.
    """
    services = list(services)
    if area is not None:
        services = list(
            Service.objects.filter(pk__in=[s.pk for s in services]).select_related(
                "area__parent__parent"
            )
        )
        groups = node_parts(area, services)
        # A node with one part only (a region with one area) compares that part's parts.
        while len(groups) == 1 and groups[0][2] is not None:
            groups = node_parts(groups[0][2], services)
        total_label = f"{area.name} – all"
    else:
        groups = [(service.code, [service], None) for service in services]
        total_label = "all"
    columns = []
    suppressed_any = False
    for label, group, _part in groups:
        report, suppressed = evaluation_for(
            user, group, date_from, date_to, publication=publication
        )
        suppressed_any |= suppressed
        columns.append((label, report))
    if len(groups) > 1:
        report, suppressed = evaluation_for(
            user, services, date_from, date_to, publication=publication
        )
        suppressed_any |= suppressed
        if suppressed:
            suppress_across([r for _label, r in columns], report)
        columns.append((total_label, report))
    return columns, suppressed_any


# -- the manager's dashboard ------------------------------------------------------


def dashboard_services(user):
    return services_for(user, Perm.VIEW_DASHBOARD).order_by("name", "code")


def dashboard_for(user, services, *, today: dt.date | None = None, months: int = 12):
    """The dashboard of ``services`` as ``user`` may see it: (figures, suppressed?).

    Raises PermissionDenied when a service is not one of the user's dashboard services.
    Someone who sees any of them as a commissioner gets the figures suppressed and
    without the names of staff (:func:`~.suppression.suppress_dashboard`).
    """
    services = list(services)
    allowed = set(dashboard_services(user).values_list("pk", flat=True))
    if not services or any(s.pk not in allowed for s in services):
        raise PermissionDenied
    figures = dashboard(services, today=today, months=months)
    suppressed = must_suppress(user, services)
    return (suppress_dashboard(figures) if suppressed else figures), suppressed


def data_quality_services(user):
    return services_for(user, Perm.VIEW_DATA_QUALITY).order_by("name", "code")


def dashboard(services, *, today: dt.date | None = None, months: int = 12) -> dict:
    """Operational figures for ``services``; a fixed number of aggregate queries, run
    side by side on connections sharing one snapshot where they may be (as the
    evaluation report's are, :mod:`.snapshot`)."""
    today = today or dt.date.today()
    services = list(services)
    ids = [s.pk for s in services]
    episodes = Episode.objects.filter(service_id__in=ids).order_by()
    month_dates = trends.series_span(today, months)
    open_episodes = episodes.filter(discharge_date__isnull=True)
    year_ago = today - dt.timedelta(days=365)
    in_work = [str(s) for s in IN_WORK]

    def by_tier():
        return {
            row["tier"]: row["n"]
            for row in open_episodes.values("tier").annotate(n=Count("pk")).order_by()
        }

    def by_case_manager():
        return list(
            open_episodes.values(
                "case_manager_id",
                first_name=F("case_manager__first_name"),
                last_name=F("case_manager__last_name"),
            )
            .annotate(
                n=Count("pk"),
                tier2=Count("pk", filter=Q(tier="2")),
                tier3=Count("pk", filter=Q(tier="3")),
            )
            .order_by("last_name", "first_name", "case_manager_id")
        )

    def outcomes():
        return (
            episodes.filter(discharge_date__isnull=False)
            .exclude(main_reason=MainReason.THIRD_PARTY)
            .aggregate(
                discharged=Count("pk"),
                in_work_at_entry=Count("pk", filter=Q(work_status_at_referral__in=in_work)),
                in_work_at_discharge=Count("pk", filter=Q(work_status_at_discharge__in=in_work)),
                off_sick_returned=Count(
                    "pk",
                    filter=Q(
                        work_status_at_referral="off_sick", work_status_at_discharge__in=in_work
                    ),
                ),
                off_sick_at_entry=Count("pk", filter=Q(work_status_at_referral="off_sick")),
            )
        )

    def outstanding():
        # Overdue means what the caseload flags: past due and still worth collecting.
        overdue = Administration.objects.overdue(today).values("pk")
        return Administration.objects.filter(
            episode__service_id__in=ids, status__in=OUTSTANDING_STATUSES
        ).aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(pk__in=overdue)))

    def no_recent_contact():
        return (
            with_last_contact(open_episodes).filter(no_recent_contact_of(services, today)).count()
        )

    recent = episodes.filter(referral_date__gte=year_ago)
    tasks = [
        *trends.series_queries(services, today=today, month_dates=month_dates),
        lambda: {"outcomes": outcomes()},
        lambda: {"standards": build_standards(services, recent, today)},
        lambda: {"outstanding": outstanding()},
        lambda: {"no_recent_contact": no_recent_contact()},
        lambda: {"by_tier": by_tier()},
        lambda: {"open_by_case_manager": by_case_manager()},
    ]
    nations = {s.nation for s in services}
    results = snapshot.run(
        tasks,
        # The calendar the standards join (which they fill when run one by one).
        before_sharing=lambda: ensure_calendar(nations, min(month_dates[0], year_ago), today),
    )
    found: dict = {}
    for result in results:
        found.update(result)
    series = trends.in_order({k: v for k, v in found.items() if k in trends.SERIES_ORDER})
    by_tier_counts = found["by_tier"]
    return {
        "months": [
            {"month": m["month"], "referrals": m["value"] or 0} for m in series["referrals"].months
        ],
        "trends": series,
        "open_total": sum(by_tier_counts.values()),
        "open_by_tier": [
            {"tier": tier or "", "n": by_tier_counts.get(tier, 0)} for tier in ("", "1", "2", "3")
        ],
        "open_by_case_manager": found["open_by_case_manager"],
        "standards": found["standards"],
        "outcomes": found["outcomes"],
        "outstanding": found["outstanding"],
        "no_recent_contact": found["no_recent_contact"],
    }


def build_standards(services, episodes, today):
    """First contact and assessment standards met over ``episodes``, each service against
    its own standard, as {"contact_met", "contact_eligible", "assess_met", "assess_eligible"}."""
    first = episodes.aggregate(first=Min("referral_date"))["first"] or today
    counts = count_standards(
        episodes, services=services, as_of=today, span=(min(first, today), today)
    )

    def total(standard, measure):
        return sum(getattr(c, measure) for c in counts if not c.national and c.standard == standard)

    return {
        "contact_met": total(FIRST_CONTACT, "met"),
        "contact_eligible": total(FIRST_CONTACT, "eligible"),
        "assess_met": total(ASSESSMENT, "met"),
        "assess_eligible": total(ASSESSMENT, "eligible"),
    }


# -- the data-quality page ---------------------------------------------------------


def data_quality(service, *, today: dt.date | None = None) -> dict:
    """How complete one service's outcome data is, over all its episodes, on ``today``:
    questionnaire completion per instrument and timepoint, and the other checks."""
    today = today or dt.date.today()
    episodes = Episode.objects.filter(service=service)
    return {
        "as_of": today,
        "completion": completeness.completion({"service": service}, [service], today),
        "checks": completeness.check_counts(episodes, today),
    }


def may_list_episodes(user, service) -> bool:
    """May ``user`` follow a count of ``service`` to the people behind it?"""
    return services_for(user, Perm.VIEW_PERSON).filter(pk=service.pk).exists()


def data_quality_episodes(user, service_id: int, *, today: dt.date | None = None, **behind):
    """(service, title, episodes) behind one count of the data-quality page, for a user
    who may see the service's people; Http404 for another service or an unknown count.

    ``behind`` is the count: ``check``, and for questionnaire completion ``instrument``,
    ``timepoint`` and ``measure``.
    """
    today = today or dt.date.today()
    service = services_for(user, Perm.VIEW_PERSON).filter(pk=service_id).first()
    if service is None:
        raise Http404
    episodes = Episode.objects.filter(service=service)
    found = completeness.episodes_behind(episodes, today, **behind)
    if found is None:
        raise Http404
    title = completeness.describe(today, **behind)
    return (
        service,
        title,
        found.select_related("client").order_by("referral_date", "pk"),
    )
