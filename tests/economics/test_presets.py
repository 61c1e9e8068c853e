"""Presets: every figure with a source and a year, loaded and validated."""

import pytest

from vocrehab.economics.cost_benefit import PARAMETER_SPECS, ModelInputError, run_model
from vocrehab.economics.presets import (
    available,
    load_data,
    load_preset,
    preset_from_data,
    with_values,
)


def test_shipped_presets():
    assert {"glasgow-2014", "uk-current", "scotland-current"} <= set(available())


@pytest.mark.parametrize("name", ["glasgow-2014", "uk-current", "scotland-current"])
def test_every_parameter_has_a_value_source_and_year(name):
    data = load_data(name)
    assert set(data["parameters"]) == set(PARAMETER_SPECS)
    for pname, entry in data["parameters"].items():
        assert "value" in entry, pname
        assert len(entry["source"]) > 10, pname
        assert entry["year"], pname
    preset = load_preset(name)
    assert preset.version >= 1


@pytest.mark.parametrize("name", ["glasgow-2014", "uk-current", "scotland-current"])
def test_ranges_contain_the_base_value(name):
    preset = load_preset(name)
    values = preset.parameters.as_values() | {"cost_scale": 1}
    assert preset.ranges
    for pname, (low, high) in preset.ranges.items():
        assert low <= values[pname] <= high, pname


def test_glasgow_figures_are_those_of_the_evaluation():
    p = load_preset("glasgow-2014").parameters
    assert p.esa_annual_cost == 8500
    assert p.median_earnings == 27174
    assert p.personal_allowance == 9440
    assert p.income_tax_bands[0].rate == 20
    assert (p.ni_main_rate, p.ni_primary_threshold) == (12, 7956)
    assert (p.stayed_in_work_method, p.stayed_in_work_rate) == ("counterfactual", 45)
    assert (p.returned_to_work_method, p.returned_to_work_rate) == ("deadweight", 30)
    assert (p.gp_visit_cost, p.outpatient_visit_cost) == (66, 139)
    assert p.employer_absence_cost == 600
    assert (p.years, p.discount_rate, p.drop_off) == (3, 0, 0)
    assert (p.nhs_grossing_method, p.nhs_grossing_factor) == ("factor", 2)


def test_uk_current_uses_current_rates_and_flags_unverified_figures():
    preset = load_preset("uk-current")
    p = preset.parameters
    assert p.personal_allowance == 12570
    assert (p.ni_main_rate, p.ni_primary_threshold) == (8, 12570)
    assert p.median_earnings == 39039
    assert p.discount_rate == 3.5
    for unverified in (
        "esa_annual_cost",
        "gp_visit_cost",
        "outpatient_visit_cost",
        "employer_absence_cost",
    ):
        assert "not verified" in preset.sources[unverified]["source"], unverified


def test_uk_current_runs_on_the_glasgow_outcomes_with_supplied_costs(glasgow, glasgow_outcomes):
    preset = load_preset("uk-current")
    assert preset.costs is None
    result = run_model(preset.parameters, glasgow_outcomes, glasgow.costs)
    assert result.ratio > 1


def test_unknown_or_unsafe_preset_names_are_refused():
    for name in ("nope", "../uk-current", ""):
        with pytest.raises(ModelInputError, match="no preset"):
            load_preset(name)


def test_editing_a_copy_never_changes_the_original():
    original = load_data("glasgow-2014")
    edited = with_values(original, {"esa_annual_cost": 9000})
    assert original["parameters"]["esa_annual_cost"]["value"] == 8500
    assert preset_from_data(edited).parameters.esa_annual_cost == 9000
    assert load_preset("glasgow-2014").parameters.esa_annual_cost == 8500


def test_a_preset_missing_a_source_is_refused():
    data = load_data("glasgow-2014")
    del data["parameters"]["gp_visit_cost"]["source"]
    with pytest.raises(ModelInputError, match="gp_visit_cost.*source"):
        preset_from_data(data)


def test_a_preset_with_a_range_not_containing_sensible_bounds_is_refused():
    data = load_data("glasgow-2014")
    data["parameters"]["drop_off"].update(low=10, high=5)
    data["parameters"]["displacement"].update(low=0, high=150)
    with pytest.raises(ModelInputError) as excinfo:
        preset_from_data(data)
    text = " ".join(excinfo.value.messages)
    assert "drop_off" in text and "displacement" in text


def test_a_preset_missing_a_parameter_is_refused():
    data = load_data("uk-current")
    del data["parameters"]["years"]
    with pytest.raises(ModelInputError, match="'years' is missing"):
        preset_from_data(data)


def test_scotland_current_uses_scottish_income_tax():
    from vocrehab.economics.cost_benefit import income_tax

    p = load_preset("scotland-current").parameters
    tax = income_tax(39_039, p.personal_allowance, p.income_tax_bands)
    assert tax == pytest.approx(0.19 * 2_827 + 0.20 * 12_094 + 0.21 * (39_039 - 27_491))
    uk = load_preset("uk-current").parameters
    assert tax > income_tax(39_039, uk.personal_allowance, uk.income_tax_bands)
