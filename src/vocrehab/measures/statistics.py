"""Pre/post statistics for outcome measures (FACTS.md section 9).

Small samples and bounded, ordinal scores are the norm here (a service may have six
paired COPM scores), so :func:`paired_change` reports the median and IQR of change
with a Wilcoxon signed-rank test alongside the mean change and its t interval, and
never raises on the degenerate cases (no pairs, one pair, no change at all): what
cannot be computed is None.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

# NumPy and SciPy are imported inside the functions that compute, not here: this module
# is reached from Django's set-up (measures' signal receivers), and loading SciPy there
# would slow every command and web worker start by around a second (issue 21).

__all__ = ["WILCOXON_METHOD", "PairedChange", "paired_change", "wilson_interval"]

# Said in every result so a report can state exactly which test produced the p value.
WILCOXON_METHOD = (
    "Wilcoxon signed-rank test, scipy.stats.wilcoxon(zero_method='wilcox', "
    "method='auto'): zero differences are dropped; exact distribution for small "
    "samples, normal approximation otherwise"
)
_TOLERANCE = 1e-9
IQR_METHOD = "numpy.percentile, linear interpolation (Hyndman & Fan type 7)"


@dataclass(frozen=True)
class PairedChange:
    """Summary of change over complete (before, after) pairs; change = after - before.

    ``improved``/``worsened``/``unchanged`` count pairs by direction of benefit, so
    for a lower-is-better score (HADS) a fall counts as improved. With ``mcid`` set,
    improved means an improvement of at least ``mcid`` (so the three counts can sum to
    less than ``n``). ``proportion_improved`` is a
    fraction 0-1 of ``n`` and ``improved_ci`` its Wilson 95% interval.
    """

    n: int
    n_incomplete: int
    higher_is_better: bool
    mcid: float | None
    mean_before: float | None
    mean_after: float | None
    mean_difference: float | None
    ci_low: float | None
    ci_high: float | None
    median_difference: float | None
    q1_difference: float | None
    q3_difference: float | None
    wilcoxon_p: float | None
    wilcoxon_n: int
    improved: int
    worsened: int
    unchanged: int
    proportion_improved: float | None
    improved_ci: tuple[float, float] | None
    wilcoxon_method: str = WILCOXON_METHOD
    iqr_method: str = IQR_METHOD
    confidence: float = 0.95


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def paired_change(
    pairs: Iterable[tuple[float | None, float | None]],
    *,
    higher_is_better: bool = True,
    mcid: float | None = None,
    confidence: float = 0.95,
) -> PairedChange:
    """Summarise change across ``pairs`` of (before, after) scores.

    Pairs with a None on either side are dropped and counted in ``n_incomplete``.
    The mean difference's interval uses the t distribution with n - 1 degrees of
    freedom (None when n < 2); when every difference is equal the interval collapses
    to that value. The Wilcoxon p value is None when no difference is non-zero.
    Never raises for n = 0, n = 1 or all-zero differences.
    """
    import numpy as np  # loaded here, not at start-up: see the note at the top
    from scipy import stats

    complete: list[tuple[float, float]] = []
    incomplete = 0
    for before, after in pairs:
        if before is None or after is None:
            incomplete += 1
        else:
            complete.append((float(before), float(after)))
    n = len(complete)
    before_arr = np.array([b for b, _ in complete], dtype=float)
    after_arr = np.array([a for _, a in complete], dtype=float)
    diff = after_arr - before_arr

    mean_before = mean_after = mean_diff = ci_low = ci_high = None
    median = q1 = q3 = p_value = None
    if n:
        mean_before = float(before_arr.mean())
        mean_after = float(after_arr.mean())
        mean_diff = float(diff.mean())
        median = float(np.median(diff))
        q1, q3 = (float(q) for q in np.percentile(diff, [25, 75]))
    if n >= 2:
        sd = float(diff.std(ddof=1))
        if sd == 0:
            ci_low = ci_high = mean_diff
        else:
            half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
            ci_low, ci_high = mean_diff - half, mean_diff + half

    nonzero = diff[diff != 0]
    if nonzero.size:
        with warnings.catch_warnings():
            # scipy warns about ties and small n; the method string says what was used.
            warnings.simplefilter("ignore")
            result = stats.wilcoxon(nonzero, zero_method="wilcox", method="auto")
        p_value = _finite(result.pvalue)

    benefit = diff if higher_is_better else -diff
    # Scores carry at most a few decimals, so float noise (6.1 - 4.1 = 1.9999999999999996)
    # must not turn a change of exactly the MCID into a miss.
    threshold = None if mcid is None else mcid - _TOLERANCE
    improved = int((benefit > 0).sum() if threshold is None else (benefit >= threshold).sum())
    worsened = int((benefit < 0).sum())
    unchanged = int((benefit == 0).sum())
    return PairedChange(
        n=n,
        n_incomplete=incomplete,
        higher_is_better=higher_is_better,
        mcid=mcid,
        mean_before=mean_before,
        mean_after=mean_after,
        mean_difference=mean_diff,
        ci_low=ci_low,
        ci_high=ci_high,
        median_difference=median,
        q1_difference=q1,
        q3_difference=q3,
        wilcoxon_p=p_value,
        wilcoxon_n=int(nonzero.size),
        improved=improved,
        worsened=worsened,
        unchanged=unchanged,
        proportion_improved=improved / n if n else None,
        improved_ci=wilson_interval(improved, n, confidence=confidence),
        confidence=confidence,
    )


def wilson_interval(k: int, n: int, *, confidence: float = 0.95) -> tuple[float, float] | None:
    """Return the Wilson score interval (low, high) for k successes in n, as fractions.

    None when n is 0. Raises ValueError unless 0 <= k <= n.
    """
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return None
    from scipy import stats  # see the note at the top of the module

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Clamp float noise at the ends (k = 0 or k = n give exactly 0 or 1 analytically).
    return max(0.0, centre - half), min(1.0, centre + half)
