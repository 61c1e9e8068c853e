"""Settings of the directory app, with their defaults (documented in docs/directory.md)."""

from __future__ import annotations

import datetime

from django.conf import settings

DEFAULT_REVIEW_MONTHS = 12
DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def review_months() -> int:
    """How long a directory entry stays trusted after it was last checked."""
    return int(getattr(settings, "VOCREHAB_DIRECTORY_REVIEW_MONTHS", DEFAULT_REVIEW_MONTHS))


def upload_max_bytes() -> int:
    return int(getattr(settings, "VOCREHAB_SELF_HELP_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def upload_scanner() -> str:
    """Dotted path of the virus-scan callable, or empty for none."""
    return getattr(settings, "VOCREHAB_UPLOAD_SCANNER", "") or ""


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the last day of the month when it has fewer days)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
