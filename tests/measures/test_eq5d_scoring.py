"""EQ-5D index values against the published value sets (FACTS.md section 1)."""

import io

import pytest

from vocrehab.measures import valuesets
from vocrehab.measures.instruments import get_instrument
from vocrehab.measures.valuesets import (
    ValueSetError,
    ValueSetNotLoaded,
    dsu_age_band,
    eq5d_index,
    get_value_set,
    load_dsu_5l_to_3l,
    profile_string,
)

UK_3L = [
    ("11111", 1.000),
    ("33333", -0.594),
    ("12321", 0.329),
    ("11221", 0.760),
    ("33221", -0.037),
    ("22222", 0.516),
    ("11112", 0.848),
    ("21111", 0.850),
    ("11113", 0.414),
]
ENGLAND_5L = [
    ("11111", 1.000),
    ("11112", 0.922),
    ("11121", 0.937),
    ("11211", 0.950),
    ("12111", 0.950),
    ("21111", 0.942),
    ("23245", 0.247),
    ("55555", -0.285),
    ("22222", 0.701),
    ("33333", 0.593),
]
UK_5L_2026 = [
    ("11111", 1.000),
    ("22222", 0.784),
    ("33333", 0.604),
    ("44444", -0.209),
    ("55555", -0.567),
    ("11112", 0.959),
]


@pytest.mark.parametrize(("state", "expected"), UK_3L)
def test_uk_3l_1997(state, expected):
    assert eq5d_index(state, "uk-3l-1997") == expected


@pytest.mark.parametrize(("state", "expected"), ENGLAND_5L)
def test_england_5l_2018(state, expected):
    assert eq5d_index(state, "england-5l-2018") == expected


@pytest.mark.parametrize(("state", "expected"), UK_5L_2026)
def test_uk_5l_2026(state, expected):
    assert eq5d_index(state, "uk-5l-2026") == expected


def _values(state, vas=None):
    dims = ("mobility", "self_care", "usual_activities", "pain_discomfort", "anxiety_depression")
    values = {dim: int(level) for dim, level in zip(dims, state, strict=True)}
    if vas is not None:
        values["vas"] = vas
    return values


def test_instrument_uses_default_value_sets_and_records_them():
    five = get_instrument("eq5d5l").score(_values("23245", vas=55))
    assert (five["index"], five["vas"], five.profile) == (0.247, 55, "23245")
    assert five.value_set == "england-5l-2018"
    three = get_instrument("eq5d3l").score(_values("12321"))
    assert (three["index"], three.value_set, three.profile) == (0.329, "uk-3l-1997", "12321")


def test_caller_selects_another_value_set_by_code():
    score = get_instrument("eq5d5l").score(_values("55555"), value_set="uk-5l-2026")
    assert score["index"] == -0.567
    assert score.value_set == "uk-5l-2026"


def test_value_set_for_the_other_version_is_refused():
    with pytest.raises(ValueError, match="eq5d3l"):
        get_instrument("eq5d5l").score(_values("11111"), value_set="uk-3l-1997")


def test_missing_dimension_gives_no_index_but_keeps_vas():
    values = _values("12321", vas=40)
    del values["pain_discomfort"]
    score = get_instrument("eq5d3l").score(values)
    assert score["index"] is None
    assert score["vas"] == 40
    assert score.profile is None
    assert "pain_discomfort" in score.notes[0]


def test_profile_string_in_dimension_order():
    assert profile_string(_values("12345")) == "12345"
    assert profile_string({"mobility": 1}) is None


def test_level_outside_the_version_is_an_error():
    with pytest.raises(ValueSetError):
        eq5d_index("11114", "uk-3l-1997")
    with pytest.raises(ValueSetError):
        eq5d_index("1111", "england-5l-2018")


def test_unknown_value_set_names_the_known_ones():
    with pytest.raises(KeyError, match="england-5l-2018"):
        get_value_set("netherlands-5l")


@pytest.fixture
def dsu_table():
    # Synthetic values: the real DSU table is licensed data the service provides.
    csv_text = (
        "state,age_band,sex,value\n"
        "11111,18-34,female,0.9876\n"
        "11111,18-34,male,0.9641\n"
        "23245,45-54,female,0.31249\n"
        "23245,45-54,male,0.3125\n"
        "55555,65+,male,-0.5\n"
    )
    rows = load_dsu_5l_to_3l(io.StringIO(csv_text))
    yield rows
    valuesets.DSU_5L_TO_3L.unload()


def test_dsu_not_loaded_is_a_clear_error():
    valuesets.DSU_5L_TO_3L.unload()
    with pytest.raises(ValueSetNotLoaded, match="has not been loaded"):
        eq5d_index("11111", "dsu-5l-to-3l", age=30, sex="female")
    with pytest.raises(ValueSetNotLoaded):
        get_instrument("eq5d5l").score(
            _values("11111"), value_set="dsu-5l-to-3l", age=30, sex="male"
        )


def test_dsu_lookup_by_age_band_and_sex(dsu_table):
    assert dsu_table == 5
    assert eq5d_index("11111", "dsu-5l-to-3l", age=18, sex="female") == 0.988
    assert eq5d_index("11111", "dsu-5l-to-3l", age=34, sex="male") == 0.964
    # 0.3125 rounds half up to 0.313; 0.31249 stays at 0.312.
    assert eq5d_index("23245", "dsu-5l-to-3l", age=50, sex="male") == 0.313
    assert eq5d_index("23245", "dsu-5l-to-3l", age=50, sex="female") == 0.312
    assert eq5d_index("55555", "dsu-5l-to-3l", age=90, sex="male") == -0.5


def test_dsu_score_without_age_or_sex_is_not_computed(dsu_table):
    score = get_instrument("eq5d5l").score(_values("11111"), value_set="dsu-5l-to-3l")
    assert score["index"] is None
    assert "age and sex" in score.notes[0]
    other = get_instrument("eq5d5l").score(
        _values("11111"), value_set="dsu-5l-to-3l", age=25, sex="other"
    )
    assert other["index"] is None


def test_dsu_state_missing_from_table(dsu_table):
    with pytest.raises(ValueSetError, match="not in the loaded"):
        eq5d_index("12345", "dsu-5l-to-3l", age=40, sex="female")


def test_dsu_bad_file_is_rejected_and_keeps_previous_table(dsu_table):
    with pytest.raises(ValueSetError, match="row 3"):
        load_dsu_5l_to_3l(
            io.StringIO("state,age_band,sex,value\n11111,18-34,female,1\n11111,10-17,male,1\n")
        )
    assert eq5d_index("11111", "dsu-5l-to-3l", age=20, sex="female") == 0.988
    with pytest.raises(ValueSetError, match="column"):
        load_dsu_5l_to_3l(io.StringIO("state,band,sex,value\n"))


def test_dsu_loads_from_a_path(tmp_path):
    path = tmp_path / "dsu.csv"
    path.write_text("state,age_band,sex,value\n11112,35–44,M,0.8\n", encoding="utf-8")
    try:
        assert load_dsu_5l_to_3l(path) == 1
        assert eq5d_index("11112", "dsu-5l-to-3l", age=44, sex="male") == 0.8
    finally:
        valuesets.DSU_5L_TO_3L.unload()


@pytest.mark.parametrize(
    ("age", "band"), [(18, "18-34"), (34, "18-34"), (35, "35-44"), (64, "55-64"), (65, "65+")]
)
def test_dsu_age_bands(age, band):
    assert dsu_age_band(age) == band


def test_dsu_has_no_band_under_18():
    with pytest.raises(ValueSetError, match="17"):
        dsu_age_band(17)
