"""VRMDS followup_date is the date the follow-up status was collected (v1.1): the import
keeps it as that, the export writes that (never the date a follow-up falls due), and a
follow-up date before the discharge is an error naming file, row and column."""

import csv
import datetime

import pytest

from vocrehab.episodes.models import Episode
from vocrehab.interchange.exporter import export_dataset
from vocrehab.reports.evaluation import build_evaluation

from .helpers import EXAMPLE, read_example, write_dataset
from .importing import example_service, run_import

pytestmark = pytest.mark.django_db


def _exported_episodes(folder):
    with open(folder / "episodes.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["episode_id"]: row for row in csv.DictReader(handle)}


def test_the_import_keeps_it_as_the_date_collected(organisation):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    episode = Episode.objects.get(reference="EX-1")
    assert episode.followup_collected_on == datetime.date(2024, 11, 4)
    assert episode.work_status_at_followup == "at_work"


def test_the_export_writes_the_date_collected_not_the_date_due(organisation, tmp_path):
    service = example_service(organisation)
    assert run_import(EXAMPLE).ok
    waiting = Episode.objects.exclude(reference="EX-1").filter(discharge_date__isnull=False)
    waiting = waiting.first()
    # Discharged and waiting for the follow-up: due in the future, nothing collected.
    waiting.followup_date = datetime.date.today() + datetime.timedelta(days=90)
    waiting.save()
    export_dataset(tmp_path / "out", services=[service.code])
    rows = _exported_episodes(tmp_path / "out")
    ex1 = Episode.objects.get(reference="EX-1")
    assert rows["EX-1"]["followup_date"] == ex1.followup_collected_on.isoformat()
    assert rows[waiting.reference]["followup_date"] == ""


def test_a_follow_up_before_the_discharge_is_an_error_with_its_place(organisation, tmp_path):
    example_service(organisation)
    files = read_example()
    row = next(r for r in files["episodes.csv"] if r["followup_date"])
    before = datetime.date.fromisoformat(row["discharge_date"]) - datetime.timedelta(days=1)
    row["followup_date"] = before.isoformat()
    summary = run_import(write_dataset(tmp_path / "bad", files))
    assert not summary.ok
    (issue,) = [str(e) for e in summary.errors]
    assert issue.startswith("episodes.csv:2:followup_date: ")
    assert f"is before discharge_date {row['discharge_date']}" in issue
    assert not Episode.objects.exists()


def test_a_follow_up_outside_the_window_is_imported_and_the_report_leaves_it_out(
    organisation, tmp_path
):
    """VRMDS v1.1 keeps such a follow-up (only one before the discharge is an error); the
    report's follow-up table leaves it out and counts it as out of the window."""
    service = example_service(organisation)
    files = read_example()
    row = next(r for r in files["episodes.csv"] if r["episode_id"] == "EX-1")
    row["followup_date"] = row["discharge_date"]  # collected on the discharge day
    assert run_import(write_dataset(tmp_path / "early", files)).ok
    episode = Episode.objects.get(reference="EX-1")
    assert episode.followup_collected_on == episode.discharge_date
    report = build_evaluation([service], None, None, as_of=datetime.date(2025, 6, 1))
    (cell,) = report["tables"]["followup"]["cells"]
    assert (cell["respondents"], cell["out_of_window"]) == (0, 1)
