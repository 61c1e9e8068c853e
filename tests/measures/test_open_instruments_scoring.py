"""PHQ-9, GAD-7 and WHO-5: totals, every band boundary, prorating one missing item
(VRMDS v1.1), the difficulty question kept out of the PHQ-9 total, and their shipped
wording."""

import pytest

from vocrehab.measures.instruments import (
    GAD7,
    PHQ9,
    WHO5,
    Flag,
    InvalidValues,
    Translation,
    prorate_total,
    round_half_up,
)


def items(values):
    return {f"q{n}": v for n, v in enumerate(values, start=1) if v is not None}


def adding_up_to(total, count, top):
    """``count`` item values from 0 to ``top`` that add up to ``total``."""
    values = [min(top, max(0, total - top * i)) for i in range(count)]
    assert sum(values) == total
    return values


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_boundaries(total, band):
    score = PHQ9.score(items(adding_up_to(total, 9, 3)))
    assert score["total"] == total
    assert score.bands["total"] == band
    assert not score.flags


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_boundaries(total, band):
    score = GAD7.score(items(adding_up_to(total, 7, 3)))
    assert (score["total"], score.bands["total"]) == (total, band)


@pytest.mark.parametrize(
    ("raw", "percent", "band"),
    [
        (0, 0, "likely_depression"),
        (7, 28, "likely_depression"),
        (8, 32, "poor_wellbeing"),
        (12, 48, "poor_wellbeing"),
        (13, 52, "not_poor"),
        (25, 100, "not_poor"),
    ],
)
def test_who5_percentage_is_raw_times_four_with_its_cut_offs(raw, percent, band):
    score = WHO5.score(items(adding_up_to(raw, 5, 5)))
    assert (score["total"], score["percent"]) == (raw, percent)
    assert score.bands["percent"] == band


def test_who5_cut_off_of_50_is_poor_wellbeing():
    # 50 is not reachable (a multiple of 4); the band still holds it by definition.
    assert WHO5.band("percent", 50) == "poor_wellbeing"
    assert WHO5.band("percent", 51) == "not_poor"


def test_phq9_difficulty_is_not_in_the_total():
    score = PHQ9.score({**items([1] * 9), "difficulty": 3})
    assert score["total"] == 9
    assert score["difficulty"] == 3


def test_one_missing_item_is_prorated_half_up_and_flagged():
    # PHQ-9: eight answered adding up to 4: 4 x 9/8 = 4.5, rounds up to 5 (mild).
    score = PHQ9.score(items([1, 1, 1, 1, 0, 0, 0, 0]))
    assert score["total"] == 5 and score.bands["total"] == "mild"
    assert score.flagged("total", Flag.PRORATED)
    # GAD-7: six answered adding up to 9: 9 x 7/6 = 10.5, rounds up to 11.
    assert GAD7.score(items([3, 3, 3, 0, 0, 0]))["total"] == 11
    # WHO-5: four answered adding up to 10: 10 x 5/4 = 12.5 -> 13, 52%.
    who5 = WHO5.score(items([3, 3, 2, 2]))
    assert (who5["total"], who5["percent"]) == (13, 52)
    assert who5.flagged("percent", Flag.PRORATED)


def test_prorating_by_formula_matches_the_mean_rounded_half_up():
    for n in (5, 7, 9):
        for answered_sum in range(0, 5 * (n - 1) + 1):
            assert prorate_total(answered_sum, n) == round_half_up(answered_sum / (n - 1) * n)


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, WHO5], ids=lambda i: i.code)
def test_two_missing_items_are_not_scored(instrument):
    count = len(instrument.total_items)
    score = instrument.score(items([1] * (count - 2)))
    assert score["total"] is None
    assert "not scored" in score.notes[0]


def test_values_outside_the_answers_are_refused():
    with pytest.raises(InvalidValues) as phq9:
        PHQ9.score({"q1": 4})
    assert "outside 0–3" in phq9.value.errors["q1"]
    with pytest.raises(InvalidValues):
        WHO5.score({"q1": 6})
    with pytest.raises(InvalidValues):
        GAD7.score({"q8": 1})


def test_item_9_above_0_is_a_safety_answer():
    assert PHQ9.safety_answers({"q9": 0}) == {}
    assert PHQ9.safety_answers({"q9": "1"}) == {"q9": 1.0}
    assert PHQ9.safety_answers({"q9": 3}) == {"q9": 3.0}
    assert GAD7.safety_answers({"q1": 3}) == {}


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, WHO5], ids=lambda i: i.code)
def test_wording_and_an_answer_label_ship_for_every_item(instrument):
    english = instrument.wording["en-gb"]
    assert "2 weeks" in english.instructions or "two weeks" in english.instructions
    for item in instrument.items:
        assert english.items[item.code]
        top = int(item.max)
        assert set(english.answers[item.code]) == {str(v) for v in range(top + 1)}
    assert not instrument.licensed_wording
    assert instrument.licence
    # No published Welsh translation is shipped yet.
    assert instrument.welsh is Translation.AWAITING
    assert "cy" not in instrument.wording


def test_the_published_answers_and_item_9():
    english = PHQ9.wording["en-gb"]
    assert english.answers["q1"] == {
        "0": "Not at all",
        "1": "Several days",
        "2": "More than half the days",
        "3": "Nearly every day",
    }
    assert english.items["q9"].startswith("Thoughts that you would be better off dead")
    assert WHO5.wording["en-gb"].answers["q1"]["5"] == "All of the time"
    assert WHO5.wording["en-gb"].answers["q1"]["0"] == "At no time"
