"""Drop-off per year and Green Book discounting after the first year."""

import pytest

from vocrehab.economics.cost_benefit import Costs, CostYear, run_model

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_discounting_starts_in_the_second_year():
    params = simple_parameters(years=3, discount_rate=3.5)
    result = run_model(params, simple_outcomes(), one_year_costs())
    welfare = [row["welfare"] for row in result.by_year]
    assert welfare == pytest.approx([10_000, 10_000 / 1.035, 10_000 / 1.035**2])
    assert result.benefits["welfare"] == pytest.approx(sum(welfare))


def test_drop_off_compounds_each_year_after_the_first():
    params = simple_parameters(years=3, drop_off=20)
    result = run_model(params, simple_outcomes(), one_year_costs())
    assert [row["people_in_work"] for row in result.by_year] == pytest.approx([10, 8, 6.4])
    assert result.benefits["welfare"] == pytest.approx(24_400)


def test_drop_off_and_discounting_combine():
    params = simple_parameters(years=2, drop_off=10, discount_rate=3.5)
    result = run_model(params, simple_outcomes(), one_year_costs())
    assert result.benefits["welfare"] == pytest.approx(10_000 + 9_000 / 1.035)


def test_costs_are_discounted_by_their_year_too():
    params = simple_parameters(years=2, discount_rate=3.5)
    costs = Costs((CostYear(year=1, non_staff=1000), CostYear(year=2, non_staff=1000)))
    result = run_model(params, simple_outcomes(), costs)
    assert result.total_costs == pytest.approx(1000 + 1000 / 1.035)
    assert result.npv == pytest.approx(result.benefits["total"] - result.total_costs)


def test_costs_after_the_benefit_period_count_without_benefits():
    params = simple_parameters(years=1)
    costs = Costs((CostYear(year=1, non_staff=1000), CostYear(year=2, non_staff=500)))
    result = run_model(params, simple_outcomes(), costs)
    assert [row["total"] for row in result.by_year] == [10_000, 0]
    assert result.total_costs == 1500


def test_staff_and_overhead_make_up_a_year_of_costs():
    from vocrehab.economics.cost_benefit import StaffCost

    year = CostYear(
        year=1,
        staff=(StaffCost("Case manager", 1.5, 40_000), StaffCost("Assistant", 0.5, 20_000)),
        non_staff=10_000,
        overhead_pct=10,
    )
    assert year.total == pytest.approx((60_000 + 10_000 + 10_000) * 1.1)
