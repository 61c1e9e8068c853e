"""Settings of the directory app, with their defaults (documented in docs/directory.md).

Each is read from Django settings first, then from the environment variable of the same
name, so a deployment can set them either way without editing settings.py.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings

DEFAULT_REVIEW_MONTHS = 12
DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def _setting(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def review_months() -> int:
    """How long a directory entry stays trusted after its details were last checked."""
    return int(_setting("VOCREHAB_DIRECTORY_REVIEW_MONTHS", DEFAULT_REVIEW_MONTHS))


def upload_max_bytes() -> int:
    """The largest self-help document accepted (``VOCREHAB_SELF_HELP_MAX_BYTES``)."""
    return int(_setting("VOCREHAB_SELF_HELP_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def upload_scanner() -> str:
    """Dotted path of the virus-scan callable (``VOCREHAB_UPLOAD_SCANNER``), or empty."""
    return str(_setting("VOCREHAB_UPLOAD_SCANNER", "") or "")


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
