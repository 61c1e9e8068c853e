"""Stored presets: copy and edit never changes the original; versions are kept."""

import pytest

from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.models import CostPreset
from vocrehab.economics.presets import load_data
from vocrehab.economics.queries import get_preset, preset_choices
from vocrehab.economics.services import copy_preset


@pytest.fixture
def analyst(make_staff, service):
    return make_staff("service_manager", service, mfa=False)


def test_copying_a_shipped_preset_makes_version_one_of_a_new_name(db, analyst):
    row = copy_preset(
        source="glasgow-2014",
        name="glasgow-local",
        changes={"esa_annual_cost": 9000},
        note="Local ESA figure",
        user=analyst,
    )
    assert (row.name, row.version, row.parent, row.parent_shipped) == (
        "glasgow-local",
        1,
        None,
        "glasgow-2014",
    )
    assert row.created_by == analyst
    assert get_preset("glasgow-local").parameters.esa_annual_cost == 9000
    assert get_preset("glasgow-2014").parameters.esa_annual_cost == 8500
    assert load_data("glasgow-2014")["parameters"]["esa_annual_cost"]["value"] == 8500


def test_a_changed_value_without_a_source_records_who_changed_it(db, analyst):
    row = copy_preset(source="uk-current", name="mine", changes={"gp_visit_cost": 49}, user=analyst)
    entry = row.parameters["parameters"]["gp_visit_cost"]
    assert "Changed from 44" in entry["source"]
    assert analyst.email in entry["source"]
    unchanged = row.parameters["parameters"]["median_earnings"]
    assert unchanged["source"] == load_data("uk-current")["parameters"]["median_earnings"]["source"]


def test_a_given_source_is_kept(db, analyst):
    row = copy_preset(
        source="uk-current",
        name="mine",
        changes={"gp_visit_cost": 49},
        sources={"gp_visit_cost": "PSSRU 2024 (local copy)"},
        user=analyst,
    )
    assert row.parameters["parameters"]["gp_visit_cost"]["source"] == "PSSRU 2024 (local copy)"


def test_editing_a_stored_preset_adds_a_version_and_keeps_the_old_one(db, analyst):
    v1 = copy_preset(source="uk-current", name="mine", changes={"years": 2}, user=analyst)
    v2 = copy_preset(source="mine", changes={"years": 4}, user=analyst)
    assert (v2.name, v2.version, v2.parent) == ("mine", 2, v1)
    v1.refresh_from_db()
    assert v1.parameters["parameters"]["years"]["value"] == 2
    assert get_preset("mine").parameters.years == 4
    assert get_preset("mine", 1).parameters.years == 2
    assert {(c.name, c.version) for c in preset_choices() if c.stored} == {("mine", 2)}


def test_a_saved_version_cannot_be_changed(db, analyst):
    row = copy_preset(source="uk-current", name="mine", user=analyst)
    row.note = "sneaky edit"
    with pytest.raises(ValueError, match="cannot be changed"):
        row.save()


def test_shipped_names_are_reserved(db, analyst):
    with pytest.raises(ModelInputError, match="shipped preset"):
        copy_preset(source="glasgow-2014", changes={"years": 5}, user=analyst)
    assert not CostPreset.objects.exists()


def test_an_invalid_edit_is_refused_with_the_parameter_named(db, analyst):
    with pytest.raises(ModelInputError, match="drop_off"):
        copy_preset(source="uk-current", name="mine", changes={"drop_off": 140}, user=analyst)
    assert not CostPreset.objects.exists()


def test_unknown_presets_are_refused(db):
    with pytest.raises(ModelInputError, match="no preset"):
        get_preset("nothing-here")
    with pytest.raises(ModelInputError, match="version 7"):
        get_preset("glasgow-2014", 7)
