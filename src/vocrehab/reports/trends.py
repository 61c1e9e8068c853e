"""Monthly series for the charts of change over time (the dashboard and the PDF report).

Each series is a list of months, oldest first, each with its ``value`` (None when the
month has nothing to measure) and ``n`` (the episodes behind the value, so a published
chart can leave out a month too small to show). Every series is computed in the
database, one query each (the standards: one for both, and one that checks the
working-day calendar), so the number of queries does not grow with the data:

* referrals per month;
* median days from referral to first contact, and to assessment, by month of referral
  (the middle one or two of each month picked by a window function);
* the percent meeting each service standard, by month of referral, judged on the report
  date as the evaluation report judges it (:func:`~vocrehab.episodes.standards.count_standards`);
* the percent in work at discharge, outcome cohort, by month of discharge;
* questionnaire completion: of the episodes assessed in a month, the percent with a
  scorable entry questionnaire (:func:`~vocrehab.measures.scores.scorable`, as stored).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber, TruncMonth

from vocrehab.codes import IN_WORK, MainReason
from vocrehab.dates import DaysBetween, add_months
from vocrehab.episodes.models import Episode
from vocrehab.episodes.standards import STANDARDS, count_standards
from vocrehab.measures.models import QuestionnairePair

IN_WORK_CODES = sorted(str(s) for s in IN_WORK)


@dataclass(frozen=True)
class Series:
    """One measure by month: what it is, which way is better, and its months."""

    slug: str
    kind: str  # "count", "days" or "percent": how a value reads
    months: list[dict]  # {"month", "value", "n"}


def first_months(today: dt.date, months: int) -> dt.date:
    """The first day of the month ``months - 1`` months before ``today``'s."""
    return add_months(today.replace(day=1), -(months - 1))


def month_list(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def _month(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _series(slug, kind, months, values: dict) -> Series:
    """``values``: month -> (value, n); months without a row have no value."""
    return Series(
        slug,
        kind,
        [
            {"month": m, "value": values.get(m, (None, 0))[0], "n": values.get(m, (None, 0))[1]}
            for m in months
        ],
    )


def referrals(episodes, months) -> dict:
    rows = (
        episodes.filter(referral_date__gte=months[0])
        .annotate(month=TruncMonth("referral_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {_month(r["month"]): r["n"] for r in rows}
    # A month without a referral had none: zero, not unknown.
    return {m: (found.get(m, 0), found.get(m, 0)) for m in months}


def median_days(episodes, months, done_field: str) -> dict:
    """The median of days from referral to ``done_field`` per month of referral, in one
    query: each month's middle row (or two, averaged) numbered by a window function."""
    month = TruncMonth("referral_date")
    days = DaysBetween(done_field, "referral_date")
    rows = (
        episodes.filter(referral_date__gte=months[0], **{f"{done_field}__isnull": False})
        .annotate(
            month=month,
            days=days,
            position=Window(RowNumber(), partition_by=[month], order_by=[days.asc(), "pk"]),
            size=Window(Count("pk"), partition_by=[month]),
        )
        # The middle of an odd count is one row; of an even count, two.
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        .values_list("month", "days", "size")
    )
    middles: dict[dt.date, list[int]] = defaultdict(list)
    sizes: dict[dt.date, int] = {}
    for m, d, size in rows:
        middles[_month(m)].append(d)
        sizes[_month(m)] = size
    return {m: (sum(ds) / len(ds), sizes[m]) for m, ds in middles.items()}


def standards_met(episodes, services, months, today) -> dict[str, dict]:
    """Percent meeting each standard (each service against its own limit) per month."""
    counts = count_standards(
        episodes.filter(referral_date__gte=months[0], referral_date__lte=today),
        services=services,
        as_of=today,
        span=(min(months[0], today), today),
        per_month=True,
    )
    met: dict[tuple, int] = defaultdict(int)
    eligible: dict[tuple, int] = defaultdict(int)
    for c in counts:
        if not c.national:
            met[(c.standard.code, c.month)] += c.met
            eligible[(c.standard.code, c.month)] += c.eligible
    out = {}
    for standard in STANDARDS:
        out[standard.code] = {
            m: (_percent(met[(code, m)], e), e)
            for (code, m), e in eligible.items()
            if code == standard.code and e
        }
    return out


def in_work_at_discharge(episodes, months) -> dict:
    rows = (
        episodes.filter(discharge_date__gte=months[0])
        .exclude(main_reason=MainReason.THIRD_PARTY)
        .annotate(month=TruncMonth("discharge_date"))
        .values("month")
        .annotate(
            n=Count("pk"), in_work=Count("pk", filter=Q(work_status_at_discharge__in=IN_WORK_CODES))
        )
        .order_by()
    )
    return {_month(r["month"]): (_percent(r["in_work"], r["n"]), r["n"]) for r in rows}


def questionnaire_completion(episodes, months) -> dict:
    # A scorable entry questionnaire of any instrument, read from the stored pairs
    # (one row per episode and instrument) rather than every questionnaire's scores.
    completed = QuestionnairePair.objects.filter(episode=OuterRef("pk"), entry_scorable=True)
    rows = (
        episodes.filter(assessment_date__gte=months[0])
        .annotate(month=TruncMonth("assessment_date"))
        .values("month")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(Exists(completed))))
        .order_by()
    )
    return {_month(r["month"]): (_percent(r["completed"], r["n"]), r["n"]) for r in rows}


def series_span(today: dt.date, months: int = 24, first: dt.date | None = None):
    """The months the series cover: from ``first`` (default: the month ``months - 1``
    before ``today``'s) to ``today``'s."""
    return month_list((first or first_months(today, months)).replace(day=1), today)


def series_queries(services, *, today: dt.date, month_dates) -> list:
    """The series' queries, each a callable giving {slug: Series}, so that a caller may
    run them side by side (the dashboard) or one after another."""
    services = list(services)
    episodes = Episode.objects.filter(service_id__in=[s.pk for s in services]).order_by()

    def standards():
        found = standards_met(episodes, services, month_dates, today)
        return {
            f"standard_{s.code}": _series(
                f"standard_{s.code}", "percent", month_dates, found[s.code]
            )
            for s in STANDARDS
        }

    def one(slug, kind, values):
        return lambda: {slug: _series(slug, kind, month_dates, values())}

    return [
        one(
            "questionnaire_completion",
            "percent",
            lambda: questionnaire_completion(episodes, month_dates),
        ),
        standards,
        one("referrals", "count", lambda: referrals(episodes, month_dates)),
        one(
            "days_to_first_contact",
            "days",
            lambda: median_days(episodes, month_dates, "first_contact_date"),
        ),
        one(
            "days_to_assessment",
            "days",
            lambda: median_days(episodes, month_dates, "assessment_date"),
        ),
        one(
            "in_work_at_discharge",
            "percent",
            lambda: in_work_at_discharge(episodes, month_dates),
        ),
    ]


# The order the series are shown in.
SERIES_ORDER = (
    "referrals",
    "days_to_first_contact",
    "days_to_assessment",
    *(f"standard_{s.code}" for s in STANDARDS),
    "in_work_at_discharge",
    "questionnaire_completion",
)


def in_order(found: dict) -> dict:
    """{slug: Series} in the order they are shown."""
    return {slug: found[slug] for slug in SERIES_ORDER}


def monthly_series(services, *, today: dt.date, months: int = 24, first: dt.date | None = None):
    """Every series of change over time for ``services``, from ``first`` (default: the
    month ``months - 1`` before ``today``'s) to ``today``'s month: {slug: Series}."""
    found = {}
    for query in series_queries(
        services, today=today, month_dates=series_span(today, months, first)
    ):
        found.update(query())
    return in_order(found)
