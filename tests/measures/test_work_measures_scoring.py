"""Work Ability Score bands and the item-by-item instruments."""

import pytest

from vocrehab.measures.instruments import Flag, get_instrument


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "poor"),
        (5, "poor"),
        (6, "moderate"),
        (7, "moderate"),
        (8, "good_excellent"),
        (10, "good_excellent"),
    ],
)
def test_work_ability_bands(score, band):
    result = get_instrument("work_ability").score({"score": score})
    assert result["score"] == score
    assert result.bands["score"] == band


def test_work_ability_missing_has_no_band():
    result = get_instrument("work_ability").score({})
    assert result["score"] is None
    assert result.bands["score"] is None


def test_work_confidence_items_reported_separately():
    result = get_instrument("work_confidence").score({"working": 3, "work_impact": 8})
    assert result.scores == {"working": 3, "managing_condition": None, "work_impact": 8}


def test_health_use_has_no_upper_limit():
    instrument = get_instrument("health_use")
    result = instrument.score({"gp_visits": "12", "outpatient_visits": 0, "hospital_stays": 1})
    assert result.scores == {"gp_visits": 12, "outpatient_visits": 0, "hospital_stays": 1}
    assert instrument.validate_value("gp_visits", 400) is None
    assert (
        instrument.validate_value("gp_visits", -1)
        == "value -1 is below 0 for health_use item gp_visits"
    )


def test_satisfaction_comment_is_not_a_score():
    result = get_instrument("satisfaction").score(
        {"overall": 4, "recommend": True, "use_again": 0, "comment": "Very helpful"}
    )
    assert result["overall"] == 4
    assert result["recommend"] == 1
    assert result["use_again"] == 0
    assert "comment" not in result.scores


def test_followup_survey_derives_in_work_from_work_status():
    survey = get_instrument("followup_survey")
    at_work = survey.score(
        {"work_status": "at_work", "hours_per_week": 22.5, "more_support_needed": 0}
    )
    assert at_work["in_work"] == 1
    assert at_work["hours_per_week"] == 22.5
    assert survey.score({"work_status": "self_employed"})["in_work"] == 1
    assert survey.score({"work_status": "off_sick"})["in_work"] == 0
    assert survey.score({"work_status": "not_known"})["in_work"] is None
    assert survey.validate_value("work_status", "working") is not None


def test_hna_distress_referral_cutoff_is_four():
    hna = get_instrument("hna")
    below = hna.score({"distress": 3, "physical": 1, "financial": 1, "family": 0})
    assert below["concerns"] == 2
    assert below.bands["distress"] == "below_cutoff"
    assert not below.flagged("distress", Flag.REFER)
    at = hna.score({"distress": 4})
    assert at.bands["distress"] == "at_or_above_cutoff"
    assert at.flagged("distress", Flag.REFER)
    assert at["concerns"] is None


def test_hna_cutoff_can_be_lowered_and_says_so():
    result = get_instrument("hna").score({"distress": 3}, distress_cutoff=3)
    assert result.flagged("distress", Flag.REFER)
    assert "cut-off 3" in result.notes[0]


def test_unknown_option_is_rejected():
    with pytest.raises(TypeError):
        get_instrument("hads").score({}, value_set="uk-3l-1997")
