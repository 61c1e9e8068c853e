"""One-way sensitivity: the data of a tornado chart."""

import pytest

from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.sensitivity import one_way

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_each_assumption_low_and_high_gives_a_ratio():
    ranges = {"esa_annual_cost": (500, 2000), "stayed_in_work_rate": (0, 50)}
    out = one_way(simple_parameters(), simple_outcomes(), one_year_costs(), ranges)
    rows = {r["parameter"]: r for r in out["rows"]}
    assert out["base_ratio"] == 10
    assert rows["esa_annual_cost"]["ratio_low"] == 5
    assert rows["esa_annual_cost"]["ratio_high"] == 20
    assert rows["stayed_in_work_rate"]["ratio_low"] == 10
    assert rows["stayed_in_work_rate"]["ratio_high"] == 5


def test_rows_are_sorted_by_swing_for_a_tornado_chart(glasgow, glasgow_outcomes):
    out = one_way(glasgow.parameters, glasgow_outcomes, glasgow.costs, glasgow.ranges)
    swings = [r["swing"] for r in out["rows"]]
    assert swings == sorted(swings, reverse=True)
    assert {r["parameter"] for r in out["rows"]} == set(glasgow.ranges)


def test_cost_scale_varies_the_costs():
    out = one_way(
        simple_parameters(), simple_outcomes(), one_year_costs(), {"cost_scale": (0.5, 2)}
    )
    row = out["rows"][0]
    assert (row["ratio_low"], row["ratio_high"]) == (20, 5)


def test_a_range_on_a_non_numeric_parameter_is_refused():
    with pytest.raises(ModelInputError, match="stayed_in_work_method"):
        one_way(
            simple_parameters(),
            simple_outcomes(),
            one_year_costs(),
            {"stayed_in_work_method": (0, 1)},
        )


def test_a_percentage_range_over_100_is_refused():
    with pytest.raises(ModelInputError, match="displacement"):
        one_way(
            simple_parameters(), simple_outcomes(), one_year_costs(), {"displacement": (0, 120)}
        )
