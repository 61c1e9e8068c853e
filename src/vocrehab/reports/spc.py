"""Statistical process control: XmR charts read the NHS "Making Data Count" way.

An XmR (individuals and moving range) chart puts a measure's values in time order
around their mean, with process limits at the mean ± 2.66 × the mean moving range (the
moving range of two, over d2 = 1.128, estimates sigma; 3 sigma is 2.66 of it). Points
that no common-cause process would produce are flagged by four rules:

1. a point outside the process limits;
2. a shift: a run of 7 or more points on one side of the mean;
3. a trend: 7 or more points each higher (or each lower) than the one before;
4. two of three consecutive points near a limit (beyond 2 sigma, on the same side).

The variation icon says what the latest point shows (common cause, or special cause of
improvement or of concern, given which way is better); the assurance icon says whether
a target will be met (consistently, never, or hit and miss). Everything here is plain
arithmetic on a list of numbers, so the rules are tested on series with known signals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from statistics import fmean

from django.utils.translation import gettext_lazy as _

# 3 / d2 for moving ranges of two points (d2 = 1.128).
LIMIT_FACTOR = 2.66
SIGMA_FACTOR = 1 / 1.128
RUN_LENGTH = 7
TREND_LENGTH = 7
MINIMUM_POINTS = 12  # fewer and the limits say too little to be drawn


class Better(StrEnum):
    """Which way a measure improves."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    NEAR_LIMIT = "two_of_three_near_limit"


RULE_LABELS = {
    Rule.OUTSIDE_LIMITS: _("Outside the process limits"),
    Rule.SHIFT: _("Run of 7 or more on one side of the mean"),
    Rule.TREND: _("Trend of 7 or more rising or falling"),
    Rule.NEAR_LIMIT: _("Two of three points near a process limit"),
}


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEITHER_HIGH = "neither_high"
    NEITHER_LOW = "neither_low"


VARIATION_LABELS = {
    Variation.COMMON_CAUSE: _("Common cause variation: no significant change"),
    Variation.IMPROVEMENT_HIGH: _("Special cause variation: improvement (higher)"),
    Variation.IMPROVEMENT_LOW: _("Special cause variation: improvement (lower)"),
    Variation.CONCERN_HIGH: _("Special cause variation: concern (higher)"),
    Variation.CONCERN_LOW: _("Special cause variation: concern (lower)"),
    Variation.NEITHER_HIGH: _("Special cause variation: higher"),
    Variation.NEITHER_LOW: _("Special cause variation: lower"),
}


class Assurance(StrEnum):
    PASSING = "consistently_passing"
    FAILING = "consistently_failing"
    HIT_AND_MISS = "hit_and_miss"


ASSURANCE_LABELS = {
    Assurance.PASSING: _("The process will consistently meet the target"),
    Assurance.FAILING: _("The process will not meet the target without change"),
    Assurance.HIT_AND_MISS: _("The process will meet the target some of the time"),
}


@dataclass(frozen=True)
class Point:
    value: float
    rules: frozenset[Rule] = frozenset()

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True)
class XmR:
    points: tuple[Point, ...]
    mean: float
    upper_limit: float
    lower_limit: float
    better: Better
    target: float | None = None
    moving_ranges: tuple[float, ...] = field(default=())

    @property
    def sigma(self) -> float:
        return (self.upper_limit - self.mean) / 3

    @property
    def variation(self) -> Variation:
        """What the latest point shows."""
        last = self.points[-1]
        if not last.special_cause:
            return Variation.COMMON_CAUSE
        high = last.value > self.mean
        if self.better is Better.NEITHER:
            return Variation.NEITHER_HIGH if high else Variation.NEITHER_LOW
        improving = high == (self.better is Better.HIGHER)
        if improving:
            return Variation.IMPROVEMENT_HIGH if high else Variation.IMPROVEMENT_LOW
        return Variation.CONCERN_HIGH if high else Variation.CONCERN_LOW

    @property
    def assurance(self) -> Assurance | None:
        """Whether the target will be met; None without a target or a direction."""
        if self.target is None or self.better is Better.NEITHER:
            return None
        if self.lower_limit <= self.target <= self.upper_limit:
            return Assurance.HIT_AND_MISS
        target_below_process = self.target < self.lower_limit
        if target_below_process == (self.better is Better.HIGHER):
            return Assurance.PASSING
        return Assurance.FAILING


def xmr(values: list[float], *, better: Better = Better.NEITHER, target: float | None = None):
    """The XmR chart of ``values`` (in time order), its flagged points and its icons.

    Needs at least two values (one moving range); the caller decides whether a short
    series is worth drawing (:data:`MINIMUM_POINTS`).
    """
    if len(values) < 2:
        raise ValueError("An XmR chart needs at least two values.")
    values = [float(v) for v in values]
    moving_ranges = tuple(abs(b - a) for a, b in zip(values, values[1:], strict=False))
    mean = fmean(values)
    mr_bar = fmean(moving_ranges)
    upper, lower = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
    sigma = mr_bar * SIGMA_FACTOR
    flags: list[set[Rule]] = [set() for _ in values]
    _outside_limits(values, upper, lower, flags)
    _shifts(values, mean, flags)
    _trends(values, flags)
    _near_limits(values, mean, sigma, flags)
    return XmR(
        points=tuple(Point(v, frozenset(f)) for v, f in zip(values, flags, strict=True)),
        mean=mean,
        upper_limit=upper,
        lower_limit=lower,
        better=better,
        target=target,
        moving_ranges=moving_ranges,
    )


def _outside_limits(values, upper, lower, flags) -> None:
    for i, value in enumerate(values):
        if value > upper or value < lower:
            flags[i].add(Rule.OUTSIDE_LIMITS)


def _runs(signs: list[int], length: int):
    """(start, end) of each run of at least ``length`` equal non-zero signs."""
    start = 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start] != 0 and i - start >= length:
                yield start, i
            start = i


def _shifts(values, mean, flags) -> None:
    # A point on the mean breaks a run (it is on neither side).
    signs = [(v > mean) - (v < mean) for v in values]
    for start, end in _runs(signs, RUN_LENGTH):
        for i in range(start, end):
            flags[i].add(Rule.SHIFT)


def _trends(values, flags) -> None:
    # A trend of 7 points is 6 steps the same way; an unchanged value breaks it.
    steps = [(b > a) - (b < a) for a, b in zip(values, values[1:], strict=False)]
    for start, end in _runs(steps, TREND_LENGTH - 1):
        for i in range(start, end + 1):
            flags[i].add(Rule.TREND)


def _near_limits(values, mean, sigma, flags) -> None:
    for i in range(len(values) - 2):
        window = values[i : i + 3]
        for side in (1, -1):
            near = [j for j, v in enumerate(window) if side * (v - mean) > 2 * sigma]
            if len(near) >= 2:
                for j in near:
                    flags[i + j].add(Rule.NEAR_LIMIT)
