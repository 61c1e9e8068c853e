"""Probabilistic sensitivity: reproducible from a seed, sensible intervals."""

import pytest

from vocrehab.economics.cost_benefit import ModelInputError, run_model
from vocrehab.economics.sensitivity import monte_carlo

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_same_seed_same_answer(glasgow, glasgow_outcomes):
    args = (glasgow.parameters, glasgow_outcomes, glasgow.costs, glasgow.ranges)
    first = monte_carlo(*args, draws=2_000, seed=7)
    second = monte_carlo(*args, draws=2_000, seed=7)
    assert first == second
    assert monte_carlo(*args, draws=2_000, seed=8)["ratio"] != first["ratio"]


def test_ten_thousand_draws_give_a_95_percent_interval_around_the_base(glasgow, glasgow_outcomes):
    out = monte_carlo(glasgow.parameters, glasgow_outcomes, glasgow.costs, glasgow.ranges)
    assert out["draws"] == 10_000
    ratio = out["ratio"]
    assert ratio["low_95"] < ratio["median"] < ratio["high_95"]
    base = run_model(glasgow.parameters, glasgow_outcomes, glasgow.costs).ratio
    assert ratio["low_95"] < base < ratio["high_95"]
    assert sum(out["ratio_histogram"]["counts"]) == 10_000
    assert 0 <= out["probability_ratio_below_1"] <= 1


def test_no_ranges_means_no_spread():
    params = simple_parameters()
    out = monte_carlo(params, simple_outcomes(), one_year_costs(), {}, draws=50, seed=1)
    assert out["ratio"]["low_95"] == out["ratio"]["high_95"] == pytest.approx(10)


def test_draws_stay_within_the_stated_range():
    # Only welfare varies, from £500 to £2,000 a person: ratio from 5 to 20.
    params = simple_parameters()
    ranges = {"esa_annual_cost": (500, 2000)}
    out = monte_carlo(params, simple_outcomes(), one_year_costs(), ranges, draws=500, seed=3)
    edges = out["ratio_histogram"]["edges"]
    assert edges[0] >= 5
    assert edges[-1] <= 20


def test_no_costs_gives_no_ratio_but_still_an_npv():
    params = simple_parameters()
    out = monte_carlo(
        params,
        simple_outcomes(),
        one_year_costs(0),
        {"esa_annual_cost": (500, 2000)},
        draws=20,
        seed=1,
    )
    assert out["ratio"] is None
    assert out["npv"]["low_95"] > 0


def test_bad_draws_are_refused():
    with pytest.raises(ModelInputError):
        monte_carlo(simple_parameters(), simple_outcomes(), one_year_costs(), {}, draws=0)
