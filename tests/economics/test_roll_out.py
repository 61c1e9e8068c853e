"""Roll-out: unit cost and ratio as more clients are seen by the same staff."""

import pytest

from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.sensitivity import roll_out

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_unit_cost_falls_and_ratio_rises_with_the_same_staff():
    rows = roll_out(
        simple_parameters(), simple_outcomes(), one_year_costs(5000), clients=[10, 20, 40]
    )
    assert [r["unit_cost"] for r in rows] == [500, 250, 125]
    assert [r["ratio"] for r in rows] == [2, 4, 8]
    assert all(r["costs"] == 5000 for r in rows)


def test_extra_cost_per_client_is_added_above_the_observed_number():
    rows = roll_out(
        simple_parameters(),
        simple_outcomes(),
        one_year_costs(5000),
        clients=[10, 20],
        extra_cost_per_client=100,
    )
    assert [r["costs"] for r in rows] == [5000, 6000]
    assert rows[1]["ratio"] == pytest.approx(20_000 / 6000, rel=1e-4)


def test_default_roll_out_starts_at_the_observed_clients(glasgow, glasgow_outcomes):
    rows = roll_out(glasgow.parameters, glasgow.example_outcomes, glasgow.costs)
    assert rows[0]["clients"] == 303
    assert rows[0]["unit_cost"] == pytest.approx(glasgow.costs.total / 303, abs=0.01)
    unit_costs = [r["unit_cost"] for r in rows]
    assert unit_costs == sorted(unit_costs, reverse=True)


def test_zero_clients_is_refused():
    with pytest.raises(ModelInputError):
        roll_out(simple_parameters(), simple_outcomes(), one_year_costs(), clients=[0])
