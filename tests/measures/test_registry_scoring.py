"""The instrument registry: codes, VRMDS items, lookups and the wording hook."""

import pytest

from vocrehab.codes import Timepoint
from vocrehab.measures.instruments import (
    INSTRUMENTS,
    VRMDS_INSTRUMENTS,
    clear_item_wording,
    get_instrument,
    item_wording,
    load_item_wording,
    vrmds_items,
)

VRMDS_ITEMS = {
    "eq5d5l": [
        "mobility",
        "self_care",
        "usual_activities",
        "pain_discomfort",
        "anxiety_depression",
        "vas",
    ],
    "eq5d3l": [
        "mobility",
        "self_care",
        "usual_activities",
        "pain_discomfort",
        "anxiety_depression",
        "vas",
    ],
    "hads": [f"a{n}" for n in range(1, 8)]
    + [f"d{n}" for n in range(1, 8)]
    + ["anxiety", "depression"],
    "copm": ["performance", "satisfaction"],
    "work_confidence": ["working", "managing_condition", "work_impact"],
    "health_use": ["gp_visits", "outpatient_visits", "hospital_stays"],
    "work_ability": ["score"],
    "phq9": [f"q{n}" for n in range(1, 10)] + ["difficulty"],
    "gad7": [f"q{n}" for n in range(1, 8)],
    "who5": [f"q{n}" for n in range(1, 6)],
    "satisfaction": ["overall", "helpful", "involved", "positive_impact", "recommend", "use_again"],
}


def test_registry_holds_vrmds_and_internal_instruments():
    assert set(INSTRUMENTS) == set(VRMDS_ITEMS) | {"followup_survey", "hna"}
    assert set(VRMDS_INSTRUMENTS) == set(VRMDS_ITEMS)


@pytest.mark.parametrize("code", sorted(VRMDS_ITEMS))
def test_vrmds_items_match_measures_csv(code):
    assert [item.code for item in vrmds_items(code)] == VRMDS_ITEMS[code]


def test_internal_instruments_have_no_vrmds_items():
    assert vrmds_items("hna") == ()
    assert vrmds_items("followup_survey") == ()


def test_unknown_instrument_is_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown instrument 'sf36'.*eq5d5l"):
        get_instrument("sf36")
    with pytest.raises(KeyError):
        vrmds_items("sf36")


def test_unknown_item_is_a_clear_key_error():
    with pytest.raises(KeyError, match="hads has no item 'a0'"):
        get_instrument("hads").item("a0")


def test_timepoints():
    assert get_instrument("satisfaction").timepoints == (Timepoint.DISCHARGE,)
    assert get_instrument("followup_survey").timepoints == (Timepoint.FOLLOWUP,)
    assert Timepoint.ENTRY in get_instrument("hads").timepoints


def test_directions_for_reports():
    assert get_instrument("hads").higher_is_better["anxiety"] is False
    assert get_instrument("eq5d5l").higher_is_better["index"] is True
    assert get_instrument("copm").mcid["performance"] == 2


def test_labels_carry_no_questionnaire_wording():
    labels = [str(item.label) for item in get_instrument("hads").items[:14]]
    assert labels[0] == "HADS item A1"
    assert labels[13] == "HADS item D7"
    assert str(get_instrument("eq5d5l").item("mobility").label) == "Mobility"


def test_licensed_wording_can_be_attached_and_cleared():
    try:
        load_item_wording("hads", {"a1": "Licensed text for A1"})
        assert item_wording("hads", "a1") == "Licensed text for A1"
        assert item_wording("hads", "a2") is None
        with pytest.raises(KeyError):
            load_item_wording("hads", {"a9": "x"})
        assert item_wording("hads", "a1") == "Licensed text for A1"
    finally:
        clear_item_wording()
    assert item_wording("hads", "a1") is None
