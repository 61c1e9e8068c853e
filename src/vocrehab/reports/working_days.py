"""The working-day calendar that lets reports count working days in SQL.

The rule (Monday to Friday less the public holidays of the service's nation) lives once,
in :mod:`vocrehab.referrals.working_days`; :func:`ensure_calendar` materialises it as
:class:`~vocrehab.reports.models.WorkingDay` rows, one per nation and date, each with
the number of working days from :data:`EPOCH` up to and including that date. The
working days between two dates are then the difference of two indices, which the
database can look up for a million episodes at once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from vocrehab.referrals.working_days import is_working_day

# Indices count from here. Any fixed date works: only differences are used.
EPOCH = dt.date(1990, 1, 1)


def working_day_index(nation: str, day: dt.date) -> int:
    """Working days from :data:`EPOCH` up to and including ``day``."""
    if day < EPOCH:
        raise ValueError(f"the working-day calendar starts on {EPOCH.isoformat()}")
    count, current = 0, EPOCH
    while current <= day:
        count += is_working_day(current, nation)
        current += dt.timedelta(days=1)
    return count


def calendar_rows(nation: str, start: dt.date, end: dt.date):
    """Yield (date, index, is_working_day) for every date from ``start`` to ``end``."""
    index = working_day_index(nation, start)
    day = start
    while day <= end:
        yield day, index, is_working_day(day, nation)
        day += dt.timedelta(days=1)
        index += is_working_day(day, nation)


def ensure_calendar(nations, start: dt.date, end: dt.date) -> int:
    """Make sure every date from ``start`` to ``end`` exists for each nation.

    Costs one query when the calendar is already there (the usual case); otherwise
    inserts the missing dates. Returns the number of rows inserted.
    """
    from django.db.models import Count

    from vocrehab.episodes.models import WorkingDay

    start = max(EPOCH, start)
    end = max(start, end)
    nations = sorted({str(n) for n in nations})
    if not nations:
        return 0
    expected = (end - start).days + 1
    have = {
        row["nation"]: row["days"]
        for row in WorkingDay.objects.filter(nation__in=nations, date__range=(start, end))
        .values("nation")
        .annotate(days=Count("id"))
        .order_by()
    }
    inserted = 0
    for nation in nations:
        if have.get(nation) == expected:
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
            # Another process may fill the same dates at the same time: let it win.
            WorkingDay.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
            inserted += len(new)
    return inserted
