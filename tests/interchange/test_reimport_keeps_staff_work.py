"""Re-importing over live casework keeps what staff recorded and duplicates nothing.

Contacts and onward rows that hold work VRMDS cannot carry (who recorded them, a
note, an in-work review, an outcome) survive a re-import; a file row with the same
VRMDS content is taken to be that record.
"""

import datetime as dt

import pytest

from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.episodes.models import Episode
from vocrehab.interchange.exporter import export_dataset

from .helpers import EXAMPLE
from .importing import example_service, read_bytes, run_import, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(organisation):
    service = example_service(organisation)
    assert run_import(EXAMPLE).ok
    return service


def _staff_work(service, make_staff):
    """A note on an imported contact, a contact staff added, an onward outcome."""
    worker = make_staff("case_manager", service)
    episode = Episode.objects.get(service=service, reference="EX-1")
    noted = episode.contacts.order_by("contact_date", "pk").first()
    noted.note = "Talked through the phased return with her manager."
    noted.save()
    added = Contact.objects.create(
        episode=episode,
        contact_date=dt.date(2024, 3, 15),
        mode="phone",
        minutes=20,
        recorded_by=worker,
        note="Checked in after the first week back.",
    )
    ContactIntervention.objects.create(contact=added, code="work_readiness")
    onward = episode.onward.order_by("date", "pk").first()
    onward.outcome = "attended"
    onward.save()
    return noted, added, onward


def test_reimporting_the_same_file_keeps_staff_work(imported, make_staff):
    before = table_counts()
    noted, added, onward = _staff_work(imported, make_staff)
    summary = run_import(EXAMPLE)
    assert summary.ok, summary
    assert Contact.objects.get(pk=noted.pk).note.startswith("Talked through")
    assert Contact.objects.filter(pk=added.pk).exists()
    assert OnwardReferral.objects.get(pk=onward.pk).outcome == "attended"
    # The noted contact and the outcome are the file's rows, not new ones beside them.
    after = table_counts()
    assert after["contacts"] == before["contacts"] + 1
    assert after["onward"] == before["onward"]


def test_reimporting_an_export_of_live_casework_duplicates_nothing(imported, make_staff, tmp_path):
    _staff_work(imported, make_staff)
    export_dataset(tmp_path / "first", fmt="csv")
    before = table_counts()
    summary = run_import(tmp_path / "first")
    assert summary.ok, summary
    assert table_counts() == before
    assert Contact.objects.filter(note__startswith="Talked through").count() == 1
    export_dataset(tmp_path / "second", fmt="csv")
    assert read_bytes(tmp_path / "second") == read_bytes(tmp_path / "first")


def test_imported_rows_without_staff_work_are_still_replaced(imported, tmp_path):
    """A file that drops a contact removes it when nobody worked on it."""
    lines = (EXAMPLE / "contacts.csv").read_text().splitlines()
    folder = tmp_path / "dataset"
    folder.mkdir()
    for name in ("episodes.csv", "onward.csv", "measures.csv"):
        (folder / name).write_bytes((EXAMPLE / name).read_bytes())
    (folder / "contacts.csv").write_text("\n".join([lines[0], *lines[2:]]) + "\n")
    before = table_counts()
    summary = run_import(folder)
    assert summary.ok, summary
    assert table_counts()["contacts"] == before["contacts"] - 1
