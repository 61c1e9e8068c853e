"""Paired change and Wilson intervals on small worked examples (FACTS.md section 9)."""

import math

import pytest
from scipy import stats

from vocrehab.measures.statistics import paired_change, wilson_interval

# HADS anxiety before and after (lower is better); differences -3, -4, 0, -6, +1.
HADS_PAIRS = [(10, 7), (12, 8), (8, 8), (15, 9), (9, 10)]


def test_paired_change_worked_example():
    result = paired_change(HADS_PAIRS, higher_is_better=False)
    assert result.n == 5
    assert result.mean_before == pytest.approx(10.8)
    assert result.mean_after == pytest.approx(8.4)
    assert result.mean_difference == pytest.approx(-2.4)
    # sd of differences = sqrt(33.2 / 4); t(0.975, 4) = 2.776445
    half = 2.776445 * math.sqrt(33.2 / 4) / math.sqrt(5)
    assert result.ci_low == pytest.approx(-2.4 - half, abs=1e-5)
    assert result.ci_high == pytest.approx(-2.4 + half, abs=1e-5)
    assert result.median_difference == -3
    assert (result.q1_difference, result.q3_difference) == (-4, 0)


def test_wilcoxon_drops_zero_differences_and_says_so():
    result = paired_change(HADS_PAIRS, higher_is_better=False)
    # Non-zero differences -3, -4, -6, +1: W+ = 1; exact two-sided p = 2 * 2/16.
    assert result.wilcoxon_n == 4
    assert result.wilcoxon_p == pytest.approx(0.25)
    assert "zero_method='wilcox'" in result.wilcoxon_method


def test_improvement_is_direction_aware():
    lower_better = paired_change(HADS_PAIRS, higher_is_better=False)
    assert (lower_better.improved, lower_better.worsened, lower_better.unchanged) == (3, 1, 1)
    assert lower_better.proportion_improved == pytest.approx(0.6)
    assert lower_better.improved_ci == pytest.approx(wilson_interval(3, 5))
    higher_better = paired_change(HADS_PAIRS)
    assert (higher_better.improved, higher_better.worsened) == (1, 3)


def test_improvement_threshold_for_copm():
    # COPM changes of 2.1, 2.0, 2.0 (1.9999999999999996 in floats), 1.9 and -0.5.
    result = paired_change([(4.9, 7.0), (5.0, 7.0), (4.1, 6.1), (5.0, 6.9), (6.0, 5.5)], mcid=2)
    assert result.improved == 3
    assert result.worsened == 1


def test_incomplete_pairs_are_dropped_and_counted():
    result = paired_change([(1, 2), (None, 3), (4, None), (2, 4)])
    assert result.n == 2
    assert result.n_incomplete == 2
    assert result.mean_difference == 1.5


def test_no_pairs():
    result = paired_change([])
    assert result.n == 0
    assert result.mean_difference is None
    assert result.median_difference is None
    assert result.ci_low is None and result.ci_high is None
    assert result.wilcoxon_p is None
    assert result.proportion_improved is None
    assert result.improved_ci is None


def test_one_pair():
    result = paired_change([(3, 5)])
    assert result.n == 1
    assert result.mean_difference == 2
    assert result.median_difference == 2
    assert result.ci_low is None and result.ci_high is None
    assert result.wilcoxon_p == 1.0
    assert result.proportion_improved == 1.0


def test_all_zero_differences():
    result = paired_change([(4, 4), (6, 6), (2, 2)])
    assert result.mean_difference == 0
    assert (result.ci_low, result.ci_high) == (0, 0)
    assert result.wilcoxon_p is None
    assert result.wilcoxon_n == 0
    assert result.unchanged == 3
    assert result.proportion_improved == 0


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(7, 10, 0.397, 0.892), (3, 12, 0.089, 0.532)],
)
def test_wilson_worked_examples(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    assert round(got_low, 3) == low
    assert round(got_high, 3) == high


@pytest.mark.parametrize(("k", "n"), [(0, 5), (5, 5), (1, 1), (13, 40)])
def test_wilson_agrees_with_scipy(k, n):
    reference = stats.binomtest(k, n).proportion_ci(method="wilson")
    assert wilson_interval(k, n) == pytest.approx((reference.low, reference.high))


def test_wilson_edge_cases():
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(0, 4)
    assert low == 0.0 and 0 < high < 1
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
