"""VRMDS v1.1 measures.csv carries PHQ-9, GAD-7 and WHO-5: validated with FILE:ROW:COLUMN
messages, imported with their stored scores (the report tables read them) and no
same-day alert (historical answers), and exported unchanged."""

import pytest

from vocrehab.casework.models import Reminder
from vocrehab.interchange.vrmds.validate import validate_dataset
from vocrehab.measures.models import Administration
from vocrehab.measures.vrmds import to_vrmds_rows

from .helpers import TODAY, read_example, write_dataset
from .importing import example_service, run_import

pytestmark = pytest.mark.django_db


def rows(instrument, values, timepoint="entry", date="2024-01-12", episode="EX-1"):
    return [
        {
            "episode_id": episode,
            "timepoint": timepoint,
            "date": date,
            "instrument": instrument,
            "item": item,
            "value": str(value),
        }
        for item, value in values.items()
    ]


def with_open_instruments():
    files = read_example()
    files["measures.csv"] += (
        rows("phq9", {**{f"q{n}": 1 for n in range(1, 10)}, "q9": 2, "difficulty": 3})
        + rows("gad7", {f"q{n}": 2 for n in range(1, 8)})
        + rows("who5", {f"q{n}": 3 for n in range(1, 6)})
    )
    return files


def test_the_three_instruments_validate(tmp_path):
    result = validate_dataset(write_dataset(tmp_path, with_open_instruments()), today=TODAY)
    assert not result.errors, [str(e) for e in result.errors]


@pytest.mark.parametrize(
    ("instrument", "item", "value", "words"),
    [
        ("phq9", "q9", "4", "outside 0–3 for phq9 item q9"),
        ("phq9", "difficulty", "-1", "outside 0–3"),
        ("phq9", "q10", "1", "not an item of phq9"),
        ("gad7", "q8", "1", "not an item of gad7"),
        ("gad7", "q1", "1.5", "not a whole number"),
        ("who5", "q5", "6", "outside 0–5 for who5 item q5"),
        ("who5", "total", "60", "not an item of who5"),
    ],
)
def test_a_bad_value_names_file_row_and_column(tmp_path, instrument, item, value, words):
    files = read_example()
    row_number = len(files["measures.csv"]) + 2  # header is row 1
    files["measures.csv"] += rows(instrument, {item: value})
    result = validate_dataset(write_dataset(tmp_path, files), today=TODAY)
    lines = [str(e) for e in result.errors]
    column = "item" if "not an item" in words else "value"
    where = f"measures.csv:{row_number}:{column}: "
    assert any(line.startswith(where) and words in line for line in lines), lines


def test_import_stores_scores_and_raises_no_alert(organisation, tmp_path):
    example_service(organisation)
    summary = run_import(write_dataset(tmp_path, with_open_instruments()))
    assert summary.ok, summary
    phq9 = Administration.objects.get(instrument="phq9", episode__reference="EX-1")
    assert (phq9.scores.summed_total, phq9.scores.summed_answered) == (10, 9)
    who5 = Administration.objects.get(instrument="who5", episode__reference="EX-1")
    assert who5.scores.summed_total == 15
    exported = {(r["item"], r["value"]) for r in to_vrmds_rows(phq9)}
    assert exported == {*((f"q{n}", "1") for n in range(1, 9)), ("q9", "2"), ("difficulty", "3")}
    # Imported history is not a new answer: nobody is asked to act on it today.
    assert not Reminder.objects.filter(safety_alert=True).exists()


def test_a_bad_file_imports_nothing(organisation, tmp_path):
    example_service(organisation)
    files = with_open_instruments()
    files["measures.csv"] += rows("gad7", {"q1": "9"}, timepoint="discharge")
    summary = run_import(write_dataset(tmp_path, files))
    assert not summary.ok
    assert not Administration.objects.exists()
