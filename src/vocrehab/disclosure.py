"""The small-number rule: counts from 1 to threshold-1 could identify people.

Reports, the cost-benefit report and the directory's coverage pages hide such counts in
anything shown to commissioners or published. Zero is never hidden: it identifies no
one. The threshold is the setting VOCREHAB_SUPPRESSION_THRESHOLD (default 5).
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    """Counts below this (and above zero) are suppressed."""
    return int(getattr(settings, "VOCREHAB_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def is_small(value, limit: int | None = None) -> bool:
    """True for a count (or other figure) above zero and below the threshold."""
    limit = threshold() if limit is None else limit
    return isinstance(value, int | float) and 0 < value < limit
