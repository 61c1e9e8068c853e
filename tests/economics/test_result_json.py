"""The JSON shape of a full analysis."""

import json

from vocrehab.economics.analysis import run_analysis
from vocrehab.economics.cost_benefit import ModelInputError


def test_full_analysis_has_the_agreed_shape(glasgow_outcomes):
    result = run_analysis("glasgow-2014", glasgow_outcomes, draws=500, seed=1)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["preset"] == "glasgow-2014"
    assert set(data["attributable"]) == {"stayed_in_work", "returned_to_work", "moved_into_work"}
    assert set(data["benefits"]) == {"welfare", "tax_ni", "nhs", "employers", "total"}
    assert data["parameters"]["esa_annual_cost"] == 8500
    assert isinstance(data["costs"], float)
    assert 6 < data["ratio"] < 6.5
    assert data["npv"] == round(data["benefits"]["total"] - data["costs"], 2)
    assert [row["year"] for row in data["by_year"]] == [1, 2, 3]
    assert set(data["sensitivity"]) >= {"one_way", "monte_carlo", "break_even", "roll_out"}
    assert data["sensitivity"]["monte_carlo"]["draws"] == 500


def test_overrides_change_only_this_run(glasgow_outcomes):
    result = run_analysis(
        "glasgow-2014", glasgow_outcomes, overrides={"years": 1}, with_sensitivity=False
    )
    assert len(result.by_year) == 3  # cost years still run to 3
    assert result.by_year[1]["total"] == 0
    assert result.sensitivity == {}


def test_a_preset_without_costs_needs_costs(glasgow_outcomes):
    try:
        run_analysis("uk-current", glasgow_outcomes, with_sensitivity=False)
    except ModelInputError as exc:
        assert "no costs" in exc.messages[0]
    else:
        raise AssertionError("expected ModelInputError")


def test_the_preset_version_is_recorded(glasgow_outcomes):
    result = run_analysis("glasgow-2014", glasgow_outcomes, with_sensitivity=False)
    assert result.to_dict()["preset_version"] == 1
