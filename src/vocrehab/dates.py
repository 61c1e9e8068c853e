"""Calendar arithmetic and the way people read a date, shared by every app (working days
are in episodes/standards.py)."""

from __future__ import annotations

import calendar
import datetime

from django.utils.formats import date_format


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def human_date(value: datetime.date | str | None) -> str:
    """A date as people read it, "6 Dec 2026", from a date or an ISO string ("" if none)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return date_format(value, "j M Y")
