"""COPM means over problems and the change of 2 or more."""

from vocrehab.measures.instruments import Flag, get_instrument

COPM = get_instrument("copm")


def _problems(*ratings):
    values = {}
    for n, (importance, performance, satisfaction) in enumerate(ratings, start=1):
        values |= {
            f"p{n}_importance": importance,
            f"p{n}_performance": performance,
            f"p{n}_satisfaction": satisfaction,
        }
    return values


def test_means_over_problems_ignore_importance():
    score = COPM.score(_problems((10, 4, 5), (2, 5, 6), (7, 5, 8), (9, 3, 2)))
    assert score["performance"] == 4.3  # 17 / 4 = 4.25, half up
    assert score["satisfaction"] == 5.3  # 21 / 4 = 5.25
    assert score["problems"] == 4


def test_up_to_five_problems():
    score = COPM.score(_problems(*[(5, n, 10) for n in range(1, 6)]))
    assert score["performance"] == 3.0
    assert score["problems"] == 5
    assert COPM.validate_value("p6_performance", 5) is not None


def test_vrmds_means_alone_are_accepted():
    score = COPM.score({"performance": 4.9, "satisfaction": 5.7})
    assert (score["performance"], score["satisfaction"]) == (4.9, 5.7)
    assert score.flagged("performance", Flag.FROM_TOTAL)


def test_change_of_two_or_more_is_flagged():
    # Glasgow 2014 table 10 means: performance 4.9 -> 7.0, satisfaction 5.7 -> 9.3.
    after = COPM.score(
        {"performance": 7.0, "satisfaction": 9.3},
        baseline={"performance": 4.9, "satisfaction": 5.7},
    )
    assert after["performance_change"] == 2.1
    assert after["satisfaction_change"] == 3.6
    assert after.flagged("performance_change", Flag.CHANGE_2_OR_MORE)
    assert after.flagged("satisfaction_change", Flag.CHANGE_2_OR_MORE)


def test_change_exactly_two_counts_and_just_under_does_not():
    before = COPM.score({"performance": 4.9, "satisfaction": 5.1})
    after = COPM.score({"performance": 6.9, "satisfaction": 7.0}, baseline=before)
    assert after["performance_change"] == 2.0
    assert after.flagged("performance_change", Flag.CHANGE_2_OR_MORE)
    assert after["satisfaction_change"] == 1.9
    assert not after.flagged("satisfaction_change", Flag.CHANGE_2_OR_MORE)


def test_decline_of_two_is_flagged_separately():
    after = COPM.score({"performance": 3.0}, baseline={"performance": 5.5})
    assert after["performance_change"] == -2.5
    assert after.flagged("performance_change", Flag.DECLINE_2_OR_MORE)
    assert not after.flagged("performance_change", Flag.CHANGE_2_OR_MORE)
    assert after["satisfaction_change"] is None


def test_per_problem_change_is_kept():
    # Problem 1 improves by 4, problem 2 worsens by 3: the mean change hides both.
    before = COPM.score(_problems((8, 3, 3), (8, 7, 7)))
    after = COPM.score(_problems((8, 7, 6), (8, 4, 5)), baseline=before)
    assert after["performance_change"] == 0.5
    assert after["p1_performance_change"] == 4
    assert after["p2_performance_change"] == -3
    assert after["p2_satisfaction_change"] == -2


def test_copm_ratings_are_one_to_ten():
    assert (
        COPM.validate_value("performance", 0.9)
        == "value 0.9 is outside 1–10 for copm item performance"
    )
    assert COPM.validate_value("performance", 5.55) is not None
    assert COPM.validate_value("performance", 5.5) is None
    assert COPM.validate_value("p1_importance", 7.5) is not None
