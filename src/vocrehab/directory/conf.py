"""Settings of the directory app, with their defaults (documented in docs/directory.md).

Each is read from Django settings first, then from the environment variable of the same
name, so a deployment can set them either way without editing settings.py.
"""

from __future__ import annotations

import datetime

from vocrehab.conf import setting
from vocrehab.dates import add_months
from vocrehab.uploads import DEFAULT_UPLOAD_MAX_BYTES, upload_max_bytes, upload_scanner

__all__ = ["DEFAULT_UPLOAD_MAX_BYTES", "review_months", "upload_max_bytes", "upload_scanner"]

DEFAULT_REVIEW_MONTHS = 12


def review_months() -> int:
    """How long a directory entry stays trusted after its details were last checked."""
    return int(setting("VOCREHAB_DIRECTORY_REVIEW_MONTHS", DEFAULT_REVIEW_MONTHS))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day when it has fewer days)."""
    return add_months(day, -months)
