"""Break-even values: where benefits equal costs."""

import pytest

from vocrehab.economics.cost_benefit import run_model
from vocrehab.economics.sensitivity import break_even

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_deadweight_at_which_the_ratio_is_one_matches_the_closed_form():
    # 10 people x £1,000 = £10,000 of benefit against £4,000 of costs:
    # 10,000 x (1 - d) = 4,000 when d = 60%.
    out = break_even(
        simple_parameters(), simple_outcomes(), one_year_costs(4000), "stayed_in_work_rate"
    )
    assert out["value"] == pytest.approx(60, abs=1e-4)
    params = simple_parameters(stayed_in_work_rate=out["value"])
    assert run_model(params, simple_outcomes(), one_year_costs(4000)).ratio == pytest.approx(1)


def test_share_owed_to_others_at_break_even_is_one_minus_cost_over_benefit(
    glasgow, glasgow_outcomes
):
    from vocrehab.economics.cost_benefit import Parameters

    values = glasgow.parameters.as_values() | {"round_to_whole_persons": False}
    params = Parameters.from_mapping(values)
    base = run_model(params, glasgow_outcomes, glasgow.costs)
    out = break_even(params, glasgow_outcomes, glasgow.costs, "attribution_to_others")
    assert out["value"] == pytest.approx(
        100 * (1 - base.total_costs / base.benefits["total"]), abs=1e-4
    )


def test_cost_multiplier_at_break_even_is_the_ratio(glasgow, glasgow_outcomes):
    base = run_model(glasgow.parameters, glasgow_outcomes, glasgow.costs)
    out = break_even(glasgow.parameters, glasgow_outcomes, glasgow.costs, "cost_scale")
    assert out["value"] == pytest.approx(base.ratio, rel=1e-5)


def test_no_break_even_within_the_range_says_why(glasgow, glasgow_outcomes):
    out = break_even(glasgow.parameters, glasgow_outcomes, glasgow.costs, "returned_to_work_rate")
    assert out["value"] is None
    assert "stays above 1" in out["reason"]


def test_no_costs_has_no_break_even():
    out = break_even(simple_parameters(), simple_outcomes(), one_year_costs(0), "esa_annual_cost")
    assert out["value"] is None
    assert "no costs" in out["reason"]


def test_break_even_on_money_finds_the_amount():
    # 10 people x welfare w = £4,000 when w = £400.
    out = break_even(
        simple_parameters(), simple_outcomes(), one_year_costs(4000), "esa_annual_cost"
    )
    assert out["value"] == pytest.approx(400, rel=1e-6)
