"""XmR charts and the Making Data Count rules, on series with known signals."""

import pytest

from vocrehab.reports.spc import Assurance, Better, Rule, Variation, xmr

STABLE = [8, 12] * 10  # mean 10, every moving range 4: common cause only


def flagged(chart, rule):
    return [i for i, point in enumerate(chart.points) if rule in point.rules]


def test_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    chart = xmr([1, 2, 3, 2, 1])
    assert chart.mean == pytest.approx(1.8)
    assert chart.moving_ranges == (1, 1, 1, 1)
    assert chart.upper_limit == pytest.approx(1.8 + 2.66)
    assert chart.lower_limit == pytest.approx(1.8 - 2.66)


def test_a_stable_process_shows_only_common_cause_variation():
    chart = xmr(STABLE, better=Better.HIGHER)
    assert not any(point.special_cause for point in chart.points)
    assert chart.variation is Variation.COMMON_CAUSE


def test_a_point_outside_the_limits_is_special_cause():
    chart = xmr([*STABLE, 30], better=Better.LOWER)
    assert flagged(chart, Rule.OUTSIDE_LIMITS) == [20]
    assert chart.variation is Variation.CONCERN_HIGH  # higher, and lower is better


def test_a_run_of_seven_on_one_side_of_the_mean_is_a_shift_and_six_is_not():
    base = STABLE[:13]  # ends on 8, below the mean
    six = xmr([*base, 11, 11.5, 11, 11.5, 11, 11.5])
    assert not flagged(six, Rule.SHIFT)
    seven = xmr([*base, 11, 11.5, 11, 11.5, 11, 11.5, 11], better=Better.HIGHER)
    assert flagged(seven, Rule.SHIFT) == list(range(13, 20))
    assert seven.variation is Variation.IMPROVEMENT_HIGH


def test_seven_points_each_rising_are_a_trend_and_six_are_not():
    base = STABLE[:12]  # ends on 12, so the next point (9) starts a new rise
    six = xmr([*base, 9, 9.5, 10, 10.5, 11, 11.5])
    assert not flagged(six, Rule.TREND)
    seven = xmr([*base, 9, 9.5, 10, 10.5, 11, 11.5, 12], better=Better.LOWER)
    assert flagged(seven, Rule.TREND) == list(range(12, 19))


def test_a_repeated_value_breaks_a_trend():
    chart = xmr([*STABLE[:12], 9, 9.5, 10, 10, 10.5, 11, 11.5])
    assert not flagged(chart, Rule.TREND)


def test_two_of_three_points_near_a_limit_are_special_cause():
    chart = xmr([9, 11] * 10 + [15, 10, 15.2], better=Better.NEITHER)
    assert flagged(chart, Rule.NEAR_LIMIT) == [20, 22]
    assert not flagged(chart, Rule.OUTSIDE_LIMITS)
    assert chart.variation is Variation.NEITHER_HIGH


def test_one_point_near_a_limit_is_not():
    chart = xmr([9, 11] * 10 + [15, 10, 11])
    assert not flagged(chart, Rule.NEAR_LIMIT)


@pytest.mark.parametrize(
    "target,better,expected",
    [
        (-20, Better.HIGHER, Assurance.PASSING),  # the whole process is above the target
        (40, Better.HIGHER, Assurance.FAILING),
        (40, Better.LOWER, Assurance.PASSING),
        (10, Better.HIGHER, Assurance.HIT_AND_MISS),  # the target is within the limits
        (10, Better.NEITHER, None),
        (None, Better.HIGHER, None),
    ],
)
def test_assurance_compares_the_target_with_the_process_limits(target, better, expected):
    assert xmr(STABLE, better=better, target=target).assurance == expected


def test_too_short_a_series_is_refused():
    with pytest.raises(ValueError, match="at least two"):
        xmr([5])
