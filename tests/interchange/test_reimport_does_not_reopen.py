"""A re-import cannot re-open an episode discharged here: re-opening is a decision with a
reason, made on the episode's page, which cancels what the discharge set going. The file
is refused naming the row and the column, and nothing is written."""

import datetime

import pytest

from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration

from .helpers import EXAMPLE, read_example, write_dataset
from .importing import example_service, run_import

pytestmark = pytest.mark.django_db


def test_a_file_without_the_discharge_is_refused_naming_the_row(organisation, tmp_path):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    files = read_example()
    number, row = next(
        (n, r) for n, r in enumerate(files["episodes.csv"], start=2) if r["episode_id"] == "EX-1"
    )
    for column in ("discharge_date", "work_status_at_discharge", "followup_date"):
        row[column] = ""
    row["work_status_at_followup"] = ""
    summary = run_import(write_dataset(tmp_path / "open", files))
    assert not summary.ok
    discharged = datetime.date.fromisoformat(read_example()["episodes.csv"][0]["discharge_date"])
    (issue,) = [str(e) for e in summary.errors]
    assert issue == (
        f"episodes.csv:{number}:discharge_date: this episode is discharged here (on "
        f"{human_date(discharged)}) and the file has no discharge date: re-open it on its "
        "page first, giving the reason, or give its discharge date"
    )
    episode = Episode.objects.get(reference="EX-1")
    assert episode.discharge_date == discharged and episode.work_status_at_followup == "at_work"


@pytest.mark.parametrize("entered_by_staff", [False, True])
def test_a_cancelled_questionnaire_stays_as_it_is(organisation, entered_by_staff):
    """Re-opened and discharged again, an episode holds a cancelled questionnaire beside
    the one in its place: a re-import fills the one in place (staff's), or writes its
    own anew (an import's), and leaves the cancelled one, and why, as they were."""
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    in_place = Administration.objects.get(
        episode__reference="EX-1", instrument="eq5d5l", timepoint="entry"
    )
    if entered_by_staff:
        Administration.objects.filter(pk=in_place.pk).update(completed_by="staff")
    why = "The episode was re-opened on 1 Jun 2024."
    cancelled = Administration.objects.create(
        episode=in_place.episode,
        instrument="eq5d5l",
        timepoint="entry",
        status="cancelled",
        cancelled_reason=why,
    )
    assert run_import(EXAMPLE).ok
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.cancelled_reason) == ("cancelled", why)
    assert not cancelled.values.exists()
    (now_in_place,) = Administration.objects.filter(
        episode=in_place.episode, instrument="eq5d5l", timepoint="entry", status="completed"
    )
    assert now_in_place.values.count() == 6
    assert (now_in_place.pk == in_place.pk) is entered_by_staff
