"""Every instrument's item ranges, as VRMDS measures.csv and FACTS.md set them."""

import pytest

from vocrehab.measures.instruments import INSTRUMENTS, InvalidValues, ItemKind, get_instrument

EQ5D_DIMS = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")

# (instrument, item, min, max or None, decimals): written out from the standard, not
# derived from the registry, so a slip in either shows up here.
RANGES = (
    [("eq5d5l", d, 1, 5, 0) for d in EQ5D_DIMS]
    + [("eq5d5l", "vas", 0, 100, 0)]
    + [("eq5d3l", d, 1, 3, 0) for d in EQ5D_DIMS]
    + [("eq5d3l", "vas", 0, 100, 0)]
    + [("hads", f"{p}{n}", 0, 3, 0) for p in "ad" for n in range(1, 8)]
    + [("hads", "anxiety", 0, 21, 0), ("hads", "depression", 0, 21, 0)]
    + [("copm", "performance", 1, 10, 1), ("copm", "satisfaction", 1, 10, 1)]
    + [
        ("copm", f"p{n}_{part}", 1, 10, 0)
        for n in range(1, 6)
        for part in ("importance", "performance", "satisfaction")
    ]
    + [("work_confidence", i, 0, 10, 0) for i in ("working", "managing_condition", "work_impact")]
    + [("health_use", i, 0, None, 0) for i in ("gp_visits", "outpatient_visits", "hospital_stays")]
    + [("work_ability", "score", 0, 10, 0)]
    + [("phq9", f"q{n}", 0, 3, 0) for n in range(1, 10)]
    + [("phq9", "difficulty", 0, 3, 0)]
    + [("gad7", f"q{n}", 0, 3, 0) for n in range(1, 8)]
    + [("who5", f"q{n}", 0, 5, 0) for n in range(1, 6)]
    + [("satisfaction", i, 1, 4, 0) for i in ("overall", "helpful", "involved")]
    + [("satisfaction", "positive_impact", 1, 5, 0)]
    + [("satisfaction", i, 0, 1, 0) for i in ("recommend", "use_again")]
    + [
        ("followup_survey", "hours_per_week", 0, 168, 1),
        ("followup_survey", "more_support_needed", 0, 1, 0),
    ]
    + [
        ("hna", a, 0, 1, 0)
        for a in ("physical", "emotional", "practical", "financial", "family", "spiritual")
    ]
    + [("hna", "distress", 0, 10, 0)]
)


@pytest.mark.parametrize(("code", "item", "low", "high", "decimals"), RANGES)
def test_item_range(code, item, low, high, decimals):
    instrument = get_instrument(code)
    definition = instrument.item(item)
    assert (definition.min, definition.max, definition.decimals) == (low, high, decimals)
    assert instrument.validate_value(item, low) is None
    assert instrument.validate_value(item, str(low)) is None
    below = instrument.validate_value(item, low - 1)
    assert below is not None and f"for {code} item {item}" in below
    if high is not None:
        assert instrument.validate_value(item, high) is None
        assert instrument.validate_value(item, high + 1) == (
            f"value {high + 1} is outside {low}–{high} for {code} item {item}"
        )
    step = 0.5 if decimals == 0 else 0.05
    assert instrument.validate_value(item, low + step) is not None


def test_every_numeric_item_is_covered():
    covered = {(code, item) for code, item, *_ in RANGES}
    numeric = {
        (code, item.code)
        for code, instrument in INSTRUMENTS.items()
        for item in instrument.items
        if item.kind in (ItemKind.NUMBER, ItemKind.YES_NO)
    }
    assert numeric - covered == {("hna", "work")}  # our own addition to the concern areas


def test_message_names_value_range_instrument_and_item():
    assert (
        get_instrument("hads").validate_value("a1", 7) == "value 7 is outside 0–3 for hads item a1"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two", "value 'two' is not a number for hads item a1"),
        (float("nan"), "is not a number"),
        (1.5, "value 1.5 is not a whole number for hads item a1"),
        ("x9", "is not a number"),
    ],
)
def test_non_numbers_and_fractions_are_rejected(value, message):
    assert message in get_instrument("hads").validate_value("a1", value)


def test_one_decimal_item_rejects_two_decimals():
    message = get_instrument("copm").validate_value("performance", "5.55")
    assert message == "value 5.55 has more than 1 decimal place(s) for copm item performance"


def test_empty_values_are_not_errors():
    assert get_instrument("hads").validate_value("a1", None) is None
    assert get_instrument("hads").validate_value("a1", "") is None


def test_unknown_item_is_an_error_message_not_an_exception():
    assert get_instrument("hads").validate_value("a8", 1) == "hads has no item 'a8'"


def test_internal_items_are_refused_for_vrmds():
    copm = get_instrument("copm")
    assert copm.validate_value("p1_performance", 5) is None
    assert copm.validate_value("p1_performance", 5, vrmds=True) == (
        "copm item p1_performance is not part of VRMDS measures.csv"
    )


def test_text_items_have_a_length_limit():
    satisfaction = get_instrument("satisfaction")
    assert satisfaction.validate_value("comment", "Good") is None
    assert satisfaction.validate_value("comment", "x" * 5000) is not None


def test_scoring_invalid_values_raises_with_every_error():
    with pytest.raises(InvalidValues) as caught:
        get_instrument("hads").score({"a1": 4, "d1": -1, "a2": 1})
    assert set(caught.value.errors) == {"a1", "d1"}
