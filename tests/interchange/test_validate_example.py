"""The standard's own example validates unchanged, and the result object tells the truth."""

import filecmp

import pytest

from vocrehab.interchange.vrmds.validate import format_errors, parse_row, validate_dataset

from .helpers import EXAMPLE, SHARED_EXAMPLE, TODAY, read_example, write_dataset


def test_example_dataset_has_no_errors():
    result = validate_dataset(EXAMPLE, today=TODAY)
    assert result.errors == []
    assert result.error_count == 0
    assert result.rows == {
        "episodes.csv": 4,
        "contacts.csv": 5,
        "onward.csv": 2,
        "measures.csv": 18,
    }
    assert list(format_errors(result)) == ["No errors."]


@pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason="the VRMDS standard is not beside us")
def test_copy_of_example_is_the_standard_one_and_validates_as_shipped():
    names = sorted(p.name for p in SHARED_EXAMPLE.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(SHARED_EXAMPLE, EXAMPLE, names, shallow=False)
    assert mismatch == [] and errors == []
    assert validate_dataset(SHARED_EXAMPLE).is_valid


def test_error_cap_keeps_the_true_count(tmp_path):
    files = read_example()
    base = files["contacts.csv"][0]
    files["contacts.csv"] = [dict(base, mode="skype") for _ in range(2500)]
    folder = write_dataset(tmp_path, files)

    capped = validate_dataset(folder, today=TODAY, max_errors=10)
    assert capped.error_count == 2500
    assert len(capped.errors) == 10
    assert capped.truncated
    assert [e.row for e in capped.errors] == list(range(2, 12))
    lines = list(format_errors(capped))
    assert lines[-1] == "2,500 errors (the first 10 shown)."

    uncapped = validate_dataset(folder, today=TODAY, max_errors=10_000)
    assert uncapped.error_count == 2500 and len(uncapped.errors) == 2500
    assert list(format_errors(uncapped))[-1] == "2,500 error(s)."


def test_parse_row_gives_python_values():
    import datetime as dt

    files = read_example()
    episode = parse_row("episodes.csv", files["episodes.csv"][0])
    assert episode["referral_date"] == dt.date(2024, 1, 8)
    assert episode["age_at_referral"] == 52
    assert episode["deprivation_rank"] == 512
    assert episode["deprivation_decile"] is None
    assert episode["previous_episode_id"] is None
    assert episode["tier"] == "3"
    contact = parse_row("contacts.csv", dict(files["contacts.csv"][0], x_room="3B"))
    assert contact["interventions"] == ["assessment", "goal_setting"]
    assert contact["minutes"] == 60
    assert contact["x_room"] == "3B"
    measure = parse_row("measures.csv", dict(files["measures.csv"][0], value="4.9"))
    assert measure["value"] == 4.9
    assert parse_row("measures.csv", files["measures.csv"][0])["value"] == 2
    with pytest.raises(ValueError):
        parse_row("episodes.csv", dict(files["episodes.csv"][0], referral_date="2024-13-01"))
