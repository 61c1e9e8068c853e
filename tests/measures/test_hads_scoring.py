"""HADS subscale totals, bands and the one-missing-item proration rule."""

import pytest

from vocrehab.measures.instruments import Flag, get_instrument

HADS = get_instrument("hads")


def _items(prefix, scores):
    return {f"{prefix}{n}": s for n, s in enumerate(scores, start=1) if s is not None}


def test_subscales_sum_their_own_items():
    values = _items("a", [3, 2, 1, 0, 3, 2, 1]) | _items("d", [0, 0, 1, 1, 0, 0, 1])
    score = HADS.score(values)
    assert score["anxiety"] == 12
    assert score["depression"] == 3
    assert score.bands == {"anxiety": "moderate", "depression": "normal"}
    assert not score.flags
    assert score.rule == "hads-prorate-one-missing"


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "normal"),
        (7, "normal"),
        (8, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_band_boundaries(total, band):
    # Build a full set of items adding up to ``total``.
    items = [min(3, max(0, total - 3 * i)) for i in range(7)]
    assert sum(items) == total
    score = HADS.score(_items("d", items))
    assert score["depression"] == total
    assert score.bands["depression"] == band
    assert HADS.band("anxiety", total) == band


def test_one_missing_item_is_prorated_and_flagged():
    score = HADS.score(_items("a", [2, 2, 2, 2, 2, 2, None]))
    assert score["anxiety"] == 14  # 12 / 6 * 7
    assert score.flagged("anxiety", Flag.PRORATED)
    assert not score.flagged("depression", Flag.PRORATED)


def test_proration_rounds_half_up_not_to_even():
    # Six items summing to 9: 9 / 6 * 7 = 10.5, which is 11 (moderate) half up;
    # Python's round() would give 10 (mild).
    score = HADS.score(_items("a", [3, 3, 3, 0, 0, None, 0]))
    assert score["anxiety"] == 11
    assert score.bands["anxiety"] == "moderate"
    assert round(9 / 6 * 7) == 10


def test_proration_rounds_down_below_half():
    # 10 / 6 * 7 = 11.67 -> 12; 8 / 6 * 7 = 9.33 -> 9.
    assert HADS.score(_items("d", [None, 2, 2, 2, 2, 1, 1]))["depression"] == 12
    assert HADS.score(_items("d", [None, 2, 2, 2, 2, 0, 0]))["depression"] == 9


def test_two_missing_items_are_not_scored():
    score = HADS.score(_items("a", [3, 3, 3, 3, 3, None, None]))
    assert score["anxiety"] is None
    assert score.bands["anxiety"] is None
    assert "2 of 7 items missing" in score.notes[0]


def test_totals_only_input_is_accepted_and_flagged():
    score = HADS.score({"anxiety": 12, "depression": 9})
    assert (score["anxiety"], score["depression"]) == (12, 9)
    assert score.bands == {"anxiety": "moderate", "depression": "mild"}
    assert score.flagged("anxiety", Flag.FROM_TOTAL)


def test_complete_items_win_over_a_disagreeing_total():
    score = HADS.score(_items("a", [1] * 7) | {"anxiety": 9})
    assert score["anxiety"] == 7
    assert "differs" in score.notes[0]


def test_nothing_recorded_gives_no_scores():
    score = HADS.score({})
    assert score.scores == {"anxiety": None, "depression": None}
    assert score.notes == ()
