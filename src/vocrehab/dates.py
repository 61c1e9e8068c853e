"""Calendar arithmetic and the way people read a date, shared by every app, in Python
and in SQL (working days are in episodes/standards.py)."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Func, IntegerField
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


class DaysBetween(Func):
    """Whole calendar days from ``start`` to ``end`` (two date expressions), as an integer.

    Django's own date subtraction goes through a Python function on SQLite, slow over
    a national dataset; ``julianday`` and PostgreSQL's date arithmetic are native.
    """

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return f"({end_sql} - {start_sql})", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
        return sql, (*end_params, *start_params)
