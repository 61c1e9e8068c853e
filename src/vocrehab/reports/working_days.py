"""Working days: Monday to Friday less the public holidays of a service's nation.

The holiday logic lives here once; :func:`ensure_calendar` materialises it as
:class:`~vocrehab.reports.models.WorkingDay` rows so reports can count working days
in SQL.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.db import transaction

from vocrehab.codes import Nation

# ISO 3166-2:GB subdivisions used by the ``holidays`` package.
NATION_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.WALES: "WLS",
    Nation.NORTHERN_IRELAND: "NIR",
}

# Indices count from here. Any fixed date works: only differences are used.
EPOCH = dt.date(1990, 1, 1)


@lru_cache(maxsize=256)
def public_holidays(nation: str, year: int) -> frozenset[dt.date]:
    """The public holidays of ``nation`` (a codes.Nation value) in ``year``."""
    subdiv = NATION_SUBDIVISIONS[Nation(nation)]
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=[year]).keys())


def is_working_day(nation: str, day: dt.date) -> bool:
    """True for Monday to Friday when the day is not a public holiday in ``nation``."""
    return day.weekday() < 5 and day not in public_holidays(nation, day.year)


def working_days_between(nation: str, start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start).

    A referral on a Friday answered on the Monday took one working day; answered the
    same day, none.
    """
    if end < start:
        return -working_days_between(nation, end, start)
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        count += is_working_day(nation, day)
        day += dt.timedelta(days=1)
    return count


def add_working_days(nation: str, start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the deadline of a standard)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        remaining -= is_working_day(nation, day)
    return day


def calendar_rows(nation: str, start: dt.date, end: dt.date):
    """Yield (date, index, is_working_day) for every date from ``start`` to ``end``."""
    if start < EPOCH:
        raise ValueError(f"the working-day calendar starts on {EPOCH.isoformat()}")
    index = _index_of(nation, start)
    day = start
    while day <= end:
        yield day, index, is_working_day(nation, day)
        day += dt.timedelta(days=1)
        index += is_working_day(nation, day)


def _index_of(nation: str, day: dt.date) -> int:
    # Working days in [EPOCH, day]: whole weeks counted at once, holidays subtracted.
    days = (day - EPOCH).days + 1
    weeks, rest = divmod(days, 7)
    weekdays = weeks * 5
    start_rest = EPOCH + dt.timedelta(days=weeks * 7)
    weekdays += sum(1 for i in range(rest) if (start_rest + dt.timedelta(days=i)).weekday() < 5)
    holidays_on_weekdays = sum(
        1
        for year in range(EPOCH.year, day.year + 1)
        for h in public_holidays(nation, year)
        if EPOCH <= h <= day and h.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def ensure_calendar(nations, start: dt.date, end: dt.date) -> int:
    """Make sure every date from ``start`` to ``end`` exists for each nation.

    Costs one query when the calendar is already there (the usual case); otherwise
    inserts the missing dates. Returns the number of rows inserted.
    """
    from django.db.models import Count

    from .models import WorkingDay

    start = max(EPOCH, start)
    end = max(start, end)
    nations = sorted({str(n) for n in nations})
    if not nations:
        return 0
    expected = (end - start).days + 1
    have = {
        row["nation"]: row
        for row in WorkingDay.objects.filter(nation__in=nations, date__range=(start, end))
        .values("nation")
        .annotate(days=Count("id"))
    }
    inserted = 0
    for nation in nations:
        row = have.get(nation)
        if row and row["days"] == expected:
            continue
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
            WorkingDay.objects.bulk_create(new, batch_size=2000)
            inserted += len(new)
    return inserted
