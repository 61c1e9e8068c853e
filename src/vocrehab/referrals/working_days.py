"""Working days for the service standards: Monday to Friday less the nation's holidays.

Scotland and England keep different public holidays (2 January and St Andrew's Day in
Scotland, Easter Monday in England), so the same referral can be on time in one service
and late in another. Days on which the clock is paused (the client chose to wait) do not
count.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import holidays

from vocrehab.codes import Nation

SUBDIVISIONS = {
    Nation.SCOTLAND: "SCT",
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.NORTHERN_IRELAND: "NIR",
}

# Within this many working days of the limit, a clock shows as at risk.
AT_RISK_WITHIN = 1


@lru_cache(maxsize=64)
def _holidays(nation: str, year: int) -> frozenset[datetime.date]:
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
