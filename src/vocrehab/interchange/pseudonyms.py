"""The rules that make a pseudonymised export safe to hand to a researcher.

Beyond hashing identifiers and dropping free text (:mod:`.exporter`):

- **Dates.** ``shift``: every date of one person moves back by the same secret number of
  days (1 to 365), derived from the pseudonymisation key and the person, never written
  anywhere; intervals within a person (days to first contact, length of an episode) are
  exact, calendar dates are not. ``month``: every date becomes the first of its month.
- **Age** is given as a band (``x_age_band``, for example ``45-54``), not in years.
- **Deprivation** is given as the decile (and the index it is a decile of); the rank,
  which points at one small area, is left out.
- **Rare values grouped.** A value of ``area_code``, ``condition``, ``ethnicity`` or
  ``occupation`` held by fewer than ``VOCREHAB_SUPPRESSION_THRESHOLD`` episodes of the
  export is grouped: the condition becomes ``other`` (its detail dropped), the others
  are left blank (not known).
- **k-anonymity.** Before anything is written, the episodes are grouped by the
  quasi-identifiers a recipient could know from elsewhere (age band, sex, area,
  condition, after the grouping above); the smallest group's size is ``k``. It is
  reported with the export, and an export asked for with ``min_k`` is refused when
  ``k`` is smaller.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from vocrehab import codes
from vocrehab.disclosure import is_small

DATE_MODES = ("shift", "month")
GROUPED = ("area_code", "condition", "ethnicity", "occupation")
QUASI_IDENTIFIERS = ("age_band", "sex", "area_code", "condition")
_BANDS = ((16, "<16"), (25, "16-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))


def age_band(age: int | None) -> str:
    """The band of an age in years: ``<16``, ``16-24``, ten-year bands, ``65+``."""
    if age is None:
        return ""
    for below, label in _BANDS:
        if age < below:
            return label
    return "65+"


@dataclass
class Profile:
    """What the export's episodes look like, worked out before anything is written."""

    rare: dict[str, set] = field(default_factory=dict)
    k: int = 0
    smallest: dict[str, str] = field(default_factory=dict)
    episodes: int = 0

    def group(self, column: str, value):
        """``value`` of ``column`` as exported: blank or ``other`` when it is rare."""
        if value in self.rare.get(column, ()):
            return codes.Condition.OTHER.value if column == "condition" else ""
        return value

    def describe(self) -> str:
        if not self.episodes:
            return _("k-anonymity: no episodes")
        shown = ", ".join(f"{name} {value or '-'}" for name, value in self.smallest.items())
        return _(
            "k-anonymity: k = %(k)s (the smallest group of episodes sharing age band, sex, "
            "area and condition: %(group)s)"
        ) % {"k": self.k, "group": shown}


def profile(episodes) -> Profile:
    """Rare values and k for a queryset of episodes, in a few grouped queries."""
    result = Profile()
    for column in GROUPED:
        counts = episodes.values(column).annotate(n=Count("pk")).values_list(column, "n")
        result.rare[column] = {v for v, n in counts if v not in (None, "") and is_small(n)}
    groups: Counter = Counter()
    rows = (
        episodes.values("age_at_referral", "sex", "area_code", "condition")
        .annotate(n=Count("pk"))
        .values_list("age_at_referral", "sex", "area_code", "condition", "n")
    )
    for age, sex, area, condition, n in rows:
        key = (
            age_band(age),
            sex or "",
            result.group("area_code", area or ""),
            result.group("condition", condition),
        )
        groups[key] += n
    result.episodes = sum(groups.values())
    if groups:
        key, result.k = min(groups.items(), key=lambda item: (item[1], item[0]))
        result.smallest = dict(zip(QUASI_IDENTIFIERS, key, strict=True))
    return result


class DateShifter:
    """Moves one person's dates consistently (``shift``) or to the month (``month``)."""

    def __init__(self, key: bytes, mode: str):
        if mode not in DATE_MODES:
            raise ValueError(mode)
        self.key = key
        self.mode = mode

    def offset(self, service_code: str, client_reference: str) -> int:
        """The secret number of days (1 to 365) that one person's dates move back."""
        message = f"date-shift\x1f{service_code}\x1f{client_reference}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return int.from_bytes(digest[:4], "big") % 365 + 1

    def __call__(self, value, service_code: str, client_reference: str):
        if value in (None, ""):
            return value
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
        if self.mode == "month":
            return day.replace(day=1).isoformat()
        shifted = day - datetime.timedelta(days=self.offset(service_code, client_reference))
        return shifted.isoformat()
