"""Submission periods: a calendar month ``2026-11`` or a quarter ``2026-Q4``.

A period names the cohort of episodes a submission carries: those referred on a day
from its first to its last (the evaluation report's own period rule).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    """Not a period; ``str()`` says why."""


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date
    code: str

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """As people read it: "Nov 2026" or "Oct to Dec 2026"."""
        if self.code[5:6] == "Q":
            return f"{date_format(self.start, 'M')} to {date_format(self.end, 'M Y')}"
        return date_format(self.start, "M Y")

    def next(self) -> Period:
        return month_of(self.end + datetime.timedelta(days=1))


def parse_period(text: str) -> Period:
    text = (text or "").strip().upper()
    match = _MONTH.match(text)
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and year >= 1900:
            return _month(year, month)
    match = _QUARTER.match(text)
    if match:
        year, quarter = int(match[1]), int(match[2])
        if year >= 1900:
            first = 3 * (quarter - 1) + 1
            last = calendar.monthrange(year, first + 2)[1]
            return Period(
                datetime.date(year, first, 1),
                datetime.date(year, first + 2, last),
                f"{year}-Q{quarter}",
            )
    raise PeriodError(
        _('"%(text)s" is not a period: give a month (2026-11) or a quarter (2026-Q4)')
        % {"text": text[:20]}
    )


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        datetime.date(year, month, 1), datetime.date(year, month, last), f"{year}-{month:02d}"
    )


def month_of(day: datetime.date) -> Period:
    return _month(day.year, day.month)


def previous_month(today: datetime.date) -> Period:
    """The last complete month before ``today``."""
    return month_of(today.replace(day=1) - datetime.timedelta(days=1))


def due_by(period: Period, late_day: int) -> datetime.date:
    """The last day a submission of ``period`` is on time: ``late_day`` of the month after."""
    following = period.end + datetime.timedelta(days=1)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(max(late_day, 1), last))
