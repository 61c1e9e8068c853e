"""The service standards and the working-day calendar they count in: one module.

A service promises a first contact within so many working days of the referral, and an
initial assessment within so many more (``accounts.Service``; the VRMDS national
standards are 5 and 10, ``codes.NATIONAL_*``). Working days are Monday to Friday less
the public holidays of the service's nation: Scotland and England keep different ones
(2 January and St Andrew's Day in Scotland, Easter Monday in England), so the same
referral can be on time in one service and late in another.

Three readers, one rule:

* one episode, in Python: :func:`clock` (the triage queue), with the days the client
  chose to wait (pauses) left out;
* many open episodes, as a filter: :func:`standard_at_risk` (caseload flags);
* many episodes, in SQL: :func:`count_standards` (the dashboard and the evaluation
  report), joining each date to :class:`~vocrehab.episodes.models.WorkingDay`, the
  calendar materialised by :func:`ensure_calendar`; it counts each episode as
  :func:`judge` does in Python (met, missed, not yet due on the report date).

To add a standard: a limit field on ``accounts.Service`` (and a national figure in
``codes``), the episode's date field, and a :class:`Standard` in :data:`STANDARDS`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from vocrehab.accounts.models import Service
from vocrehab.codes import NATIONAL_ASSESSMENT_DAYS, NATIONAL_FIRST_CONTACT_DAYS, Nation

from .models import WorkingDay

# --- the calendar ---------------------------------------------------------------------

SUBDIVISIONS = {
    Nation.SCOTLAND: "SCT",
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=64)
def _holidays(nation: str, year: int) -> frozenset[datetime.date]:
    # Imported on first use: the package takes about 50 ms to load, and the labels and
    # views that import this module are loaded by every command and web worker.
    import holidays

    calendar = holidays.country_holidays("GB", subdiv=SUBDIVISIONS.get(nation, "ENG"), years=year)
    return frozenset(calendar.keys())


def is_holiday(day: datetime.date, nation: str) -> bool:
    """True on a public (bank) holiday of ``nation``."""
    return day in _holidays(nation, day.year)


def is_working_day(day: datetime.date, nation: str) -> bool:
    """Monday to Friday and not a public holiday of ``nation``."""
    return day.weekday() < 5 and not is_holiday(day, nation)


Pause = tuple[datetime.date, datetime.date | None]


def _paused(day: datetime.date, pauses: Iterable[Pause]) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in pauses)


def working_days_between(
    start: datetime.date, end: datetime.date, nation: str, pauses: Iterable[Pause] = ()
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end ≤ start).

    A referral received on a Friday and answered on the Monday took one working day.
    A pause runs from its start up to the day before its end (the day it resumed counts).
    """
    pauses = list(pauses)
    count = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if is_working_day(day, nation) and not _paused(day, pauses):
            count += 1
        day += datetime.timedelta(days=1)
    return count


def add_working_days(
    start: datetime.date, days: int, nation: str, pauses: Iterable[Pause] = ()
) -> datetime.date | None:
    """The date ``days`` working days after ``start``; None while an open pause holds it."""
    pauses = list(pauses)
    day = start
    remaining = days
    # An open-ended pause means the clock is stopped with no date to give.
    open_from = min((s for s, e in pauses if e is None), default=None)
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if open_from is not None and day >= open_from:
            return None
        if is_working_day(day, nation) and not _paused(day, pauses):
            remaining -= 1
    return day


# --- the standards --------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    """One service standard: which date meets it and where its limit is kept."""

    code: str
    done_field: str  # the episode's date that meets it
    limit_field: str  # the service's own limit, in working days
    national_days: int
    # An episode that has not met it is judged only while open (an assessment is not
    # owed after discharge); otherwise it is judged once the limit has passed.
    judged_while_open_only: bool

    def limit_for(self, service) -> int:
        return getattr(service, self.limit_field)

    def name(self, days: int) -> str:
        """The standard's name in reports, for example ``first_contact_5_working_days``."""
        return f"{self.code}_{days}_working_days"


FIRST_CONTACT = Standard(
    "first_contact",
    "first_contact_date",
    "first_contact_standard_days",
    NATIONAL_FIRST_CONTACT_DAYS,
    judged_while_open_only=False,
)
ASSESSMENT = Standard(
    "assessment",
    "assessment_date",
    "assessment_standard_days",
    NATIONAL_ASSESSMENT_DAYS,
    judged_while_open_only=True,
)
STANDARDS = (FIRST_CONTACT, ASSESSMENT)


# --- one episode: the clock -----------------------------------------------------------

# Within this many working days of the limit, a clock shows as at risk.
AT_RISK_WITHIN = 1


class ClockState:
    MET = "met"
    LATE = "late"  # done, but after the limit
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"


@dataclass(frozen=True)
class Clock:
    """One service-standard clock of one referral."""

    limit: int
    elapsed: int  # working days so far (or until it was met)
    due: datetime.date | None
    state: str
    done_on: datetime.date | None

    @property
    def remaining(self) -> int:
        return self.limit - self.elapsed


def clock(
    received: datetime.date,
    limit: int,
    nation: str,
    *,
    done_on: datetime.date | None = None,
    today: datetime.date,
    pauses: Iterable[Pause] = (),
) -> Clock:
    """Where a standard stands: met, late, on track, at risk (≤1 day left), breached, paused."""
    pauses = list(pauses)
    end = done_on or today
    elapsed = working_days_between(received, end, nation, pauses)
    due = add_working_days(received, limit, nation, pauses)
    if done_on is not None:
        state = ClockState.MET if elapsed <= limit else ClockState.LATE
    elif any(s <= today and e is None for s, e in pauses):
        state = ClockState.PAUSED
    elif elapsed > limit:
        state = ClockState.BREACHED
    elif limit - elapsed <= AT_RISK_WITHIN:
        state = ClockState.AT_RISK
    else:
        state = ClockState.ON_TRACK
    return Clock(limit=limit, elapsed=elapsed, due=due, state=state, done_on=done_on)


def episode_clocks(
    episode, *, service, today: datetime.date, pauses: Iterable[Pause] = ()
) -> tuple[Clock, ...]:
    """The clock of every standard of one episode (in :data:`STANDARDS` order)."""
    pauses = list(pauses)
    return tuple(
        clock(
            episode.referral_date,
            standard.limit_for(service),
            service.nation,
            done_on=getattr(episode, standard.done_field),
            today=today,
            pauses=pauses,
        )
        for standard in STANDARDS
    )


# --- how a report judges one episode's standard ----------------------------------------


class Judgement:
    """Where one episode stands against a standard on a report date (VRMDS v1.1)."""

    MET = "met"  # done by the report date, within the limit: met and eligible
    MISSED = "missed"  # done late, or not done with the deadline passed: eligible only
    NOT_YET_DUE = "not_yet_due"  # not done, deadline still ahead: left out of eligible
    NOT_OWED = "not_owed"  # not done and no longer owed (an assessment after discharge)


def judge(
    standard: Standard,
    episode,
    *,
    service,
    as_of: datetime.date,
    pauses: Iterable[Pause] = (),
) -> str:
    """How the report counts ``episode`` for ``standard`` on the report date ``as_of``.

    An episode is eligible once the standard was met or its deadline (working days,
    pauses left out) has passed by ``as_of``; a date done after ``as_of`` is not yet
    known to the report. Before its deadline an episode is not yet due, unless the
    standard is judged only while open and the episode is discharged: then it is not
    owed at all. :func:`count_standards` counts the same in SQL (without pauses).
    """
    done_on = getattr(episode, standard.done_field)
    if done_on is not None and done_on > as_of:
        done_on = None
    limit = standard.limit_for(service)
    elapsed = working_days_between(episode.referral_date, done_on or as_of, service.nation, pauses)
    if done_on is not None:
        return Judgement.MET if elapsed <= limit else Judgement.MISSED
    if standard.judged_while_open_only and episode.discharge_date is not None:
        return Judgement.NOT_OWED
    return Judgement.MISSED if elapsed > limit else Judgement.NOT_YET_DUE


# --- many open episodes: at risk -------------------------------------------------------


@lru_cache(maxsize=256)
def at_risk_cutoff(today: datetime.date, limit: int, nation: str) -> datetime.date:
    """The latest referral date whose standard of ``limit`` working days is at risk today.

    A standard is at risk when at most :data:`AT_RISK_WITHIN` working days are left (or it
    is breached), so any referral received on or before this date and not yet met is
    flagged, as :func:`clock` would flag it (pauses aside).
    """
    day = today
    while working_days_between(day, today, nation) < limit - AT_RISK_WITHIN:
        day -= datetime.timedelta(days=1)
    return day


def standard_at_risk(services, today: datetime.date) -> Q | None:
    """A filter on episodes: open, with a standard of their service at risk or breached."""
    condition = None
    for service in services:
        unmet = Q()
        for standard in STANDARDS:
            cutoff = at_risk_cutoff(today, standard.limit_for(service), service.nation)
            unmet |= Q(**{f"{standard.done_field}__isnull": True, "referral_date__lte": cutoff})
        clause = Q(service_id=service.pk) & unmet
        condition = clause if condition is None else condition | clause
    if condition is None:
        return None
    return condition & Q(discharge_date__isnull=True)


# --- many episodes, in SQL: the calendar table ----------------------------------------

# Calendar indices count from here. Any fixed date works: only differences are used.
EPOCH = datetime.date(1990, 1, 1)


def working_day_index(nation: str, day: datetime.date) -> int:
    """Working days from :data:`EPOCH` up to and including ``day``."""
    if day < EPOCH:
        raise ValueError(f"the working-day calendar starts on {EPOCH.isoformat()}")
    count, current = 0, EPOCH
    while current <= day:
        count += is_working_day(current, nation)
        current += datetime.timedelta(days=1)
    return count


def calendar_rows(nation: str, start: datetime.date, end: datetime.date):
    """Yield (date, index, is_working_day) for every date from ``start`` to ``end``."""
    index = working_day_index(nation, start)
    day = start
    while day <= end:
        yield day, index, is_working_day(day, nation)
        day += datetime.timedelta(days=1)
        index += is_working_day(day, nation)


def _calendar_span(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = max(EPOCH, start)
    return start, max(start, end)


def calendar_gaps(nations, start: datetime.date, end: datetime.date) -> list[str]:
    """The nations among ``nations`` whose calendar lacks a date from ``start`` to
    ``end``: one query, writing nothing."""
    start, end = _calendar_span(start, end)
    nations = sorted({str(n) for n in nations})
    if not nations:
        return []
    expected = (end - start).days + 1
    have = {
        row["nation"]: row["days"]
        for row in WorkingDay.objects.filter(nation__in=nations, date__range=(start, end))
        .values("nation")
        .annotate(days=Count("id"))
        .order_by()
    }
    return [nation for nation in nations if have.get(nation) != expected]


def ensure_calendar(nations, start: datetime.date, end: datetime.date) -> int:
    """Make sure every date from ``start`` to ``end`` exists for each nation.

    Costs one query when the calendar is already there (the usual case); otherwise
    inserts the missing dates. Returns the number of rows inserted.
    """
    start, end = _calendar_span(start, end)
    inserted = 0
    for nation in calendar_gaps(nations, start, end):
        with transaction.atomic():
            existing = set(
                WorkingDay.objects.filter(nation=nation, date__range=(start, end)).values_list(
                    "date", flat=True
                )
            )
            new = [
                WorkingDay(nation=nation, date=day, index=index, is_working_day=working)
                for day, index, working in calendar_rows(nation, start, end)
                if day not in existing
            ]
            # Another process may fill the same dates at the same time: let it win.
            WorkingDay.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
            inserted += len(new)
    return inserted


# --- many episodes, in SQL: standards met ---------------------------------------------


@dataclass(frozen=True)
class StandardCount:
    """Episodes of one service that met a standard, of those it applies to so far."""

    service_id: int
    standard: Standard
    days: int  # the limit counted against
    national: bool  # the VRMDS national limit, rather than the service's own
    met: int
    eligible: int
    not_yet_due: int
    month: datetime.date | None = None  # the referrals' month, when counted per month


# A standard is a promise to every referral, so the share meeting it aims at all of them.
TARGET_PERCENT = 100


def _as_date(value) -> datetime.date:
    """A month read back through a raw cursor: a date (PostgreSQL) or text (SQLite)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def count_standards(
    episodes,
    *,
    services,
    as_of: datetime.date,
    span: tuple[datetime.date, datetime.date],
    per_month: bool = False,
) -> list[StandardCount]:
    """Every standard, met, eligible and not yet due, per service, against both the
    national limit and the service's own, in one pass over ``episodes`` (an Episode
    queryset), as :func:`judge` counts one episode (VRMDS v1.1).

    Met: done by ``as_of``, within the limit. Eligible: done by ``as_of``, or not done
    with the limit passed by ``as_of`` (for an assessment, only while the episode is
    open). Not yet due: not done by ``as_of`` and the limit still ahead (for an
    assessment, only while open). ``span`` is the first and last date compared
    (referrals, dates done, ``as_of``): the calendar is filled to cover it. Clock
    pauses are not counted here (they are kept with the referral, above this layer).
    ``per_month`` counts each month of referral apart (``StandardCount.month``), still
    judged on ``as_of``: the dashboard's charts of the share meeting each standard.

    Written as SQL around the ORM's own episode query because the calendar has no
    foreign key to join through, and per-row subqueries would cost a million index
    look-ups each on a national dataset; a join lets the database hash it once.
    """
    services = list(services)
    if not services:
        return []  # nothing to count (and an empty IN list cannot be written as SQL)
    ensure_calendar({s.nation for s in services}, *span)
    quote = connection.ops.quote_name
    columns = {f"e_{s.code}": F(s.done_field) for s in STANDARDS}
    if per_month:
        columns["e_month"] = TruncMonth("referral_date")
    episodes_sql, params = (
        episodes.order_by()
        .values(
            e_service=F("service_id"),
            e_ref=F("referral_date"),
            e_discharge=F("discharge_date"),
            **columns,
        )
        .query.sql_with_params()
    )
    calendar, service_table = quote(WorkingDay._meta.db_table), quote(Service._meta.db_table)
    index, nation, date = quote("index"), quote("nation"), quote("date")

    def joined(alias, column):
        return (
            f"LEFT JOIN {calendar} {alias} ON ({alias}.{nation} = s.{nation} "
            f"AND {alias}.{date} = e.{column})"
        )

    def count(condition):
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    # Only constants, quoted names and the ORM's compiled SQL are interpolated; every
    # value is a parameter.
    selects, joins, keys = [], [joined("r", "e_ref")], []
    for n, standard in enumerate(STANDARDS):
        alias = f"d{n}"
        joins.append(joined(alias, f"e_{standard.code}"))
        # Done by the report date; a later date is not yet known to the report.
        done = f"(e.e_{standard.code} IS NOT NULL AND e.e_{standard.code} <= t.{date})"
        owed = "e.e_discharge IS NULL" if standard.judged_while_open_only else "1 = 1"
        for national, limit in (
            (True, str(standard.national_days)),
            (False, f"s.{quote(standard.limit_field)}"),
        ):
            passed = f"t.{index} > r.{index} + {limit}"
            selects += [
                count(f"{done} AND {alias}.{index} <= r.{index} + {limit}"),
                count(f"{done} OR ({owed} AND {passed})"),
                count(f"NOT {done} AND {owed} AND NOT {passed}"),
            ]
            keys.append((standard, national))
    # The report date's index, per nation, from the same calendar (one row per nation).
    joins.append(f"LEFT JOIN {calendar} t ON (t.{nation} = s.{nation} AND t.{date} = %s)")
    limits = ", ".join(f"s.{quote(s.limit_field)}" for s in STANDARDS)
    month = ", e.e_month" if per_month else ", NULL"
    group_month = ", e.e_month" if per_month else ""
    sql = (
        f"SELECT e.e_service{month}, {limits}, {', '.join(selects)} "  # noqa: S608
        f"FROM ({episodes_sql}) e "
        f"INNER JOIN {service_table} s ON (s.{quote('id')} = e.e_service) "
        f"{' '.join(joins)} GROUP BY e.e_service{group_month}, {limits}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, connection.ops.adapt_datefield_value(as_of)])
        rows = cursor.fetchall()
    counts = []
    for service_id, month_value, *values in rows:
        own = dict(zip(STANDARDS, values[: len(STANDARDS)], strict=True))
        tallies = values[len(STANDARDS) :]
        for i, (standard, national) in enumerate(keys):
            counts.append(
                StandardCount(
                    service_id=service_id,
                    standard=standard,
                    days=standard.national_days if national else own[standard],
                    national=national,
                    met=int(tallies[3 * i] or 0),
                    eligible=int(tallies[3 * i + 1] or 0),
                    not_yet_due=int(tallies[3 * i + 2] or 0),
                    month=_as_date(month_value) if per_month else None,
                )
            )
    return counts
