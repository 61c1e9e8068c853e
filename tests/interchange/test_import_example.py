"""Importing the standard's example dataset, and importing it again."""

import pytest

from vocrehab.casework.models import Contact
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration, CompletedBy

from .helpers import EXAMPLE
from .importing import example_service, run_import, table_counts

pytestmark = pytest.mark.django_db


def test_example_imports_every_file(organisation):
    service = example_service(organisation)
    summary = run_import(EXAMPLE)
    assert summary.ok, summary
    assert summary.counts["episodes.csv"].created == 4
    counts = table_counts()
    assert counts["episodes"] == 4
    assert counts["contacts"] == 5
    assert counts["onward"] == 2
    assert counts["values"] == 18
    episode = Episode.objects.get(service=service, reference="EX-1")
    assert episode.client.reference == "P-1"
    assert episode.client.nhs_number == "9434765919"
    assert episode.highest_tier == "3" and episode.tier == "3"
    assert episode.deprivation_rank == 512
    first = Contact.objects.filter(episode=episode).order_by("contact_date", "pk").first()
    assert first.intervention_codes == ["assessment", "goal_setting"]
    administration = Administration.objects.filter(episode=episode, instrument="eq5d5l").first()
    assert administration.completed_by == CompletedBy.IMPORT
    assert "episodes.csv: 4 created" in str(summary)


def test_reimport_updates_and_does_not_duplicate(organisation):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    before = table_counts()
    again = run_import(EXAMPLE)
    assert again.ok, again
    assert table_counts() == before
    assert again.counts["episodes.csv"].created == 0
    assert again.counts["episodes.csv"].unchanged == 4
    assert again.counts["contacts.csv"].replaced == before["contacts"]


def test_reimport_of_a_changed_episode_updates_it(organisation, tmp_path):
    from .helpers import read_example, write_dataset

    example_service(organisation)
    assert run_import(EXAMPLE).ok
    files = read_example()
    files["episodes.csv"][1]["work_status_at_discharge"] = "self_employed"
    files["contacts.csv"] = files["contacts.csv"][:1]
    summary = run_import(write_dataset(tmp_path / "changed", files))
    assert summary.ok, summary
    assert summary.counts["episodes.csv"].updated == 1
    assert Episode.objects.get(reference="EX-2").work_status_at_discharge == "self_employed"
    assert Contact.objects.count() == 1


def test_dry_run_writes_nothing_but_counts(organisation):
    example_service(organisation)
    summary = run_import(EXAMPLE, dry_run=True)
    assert summary.ok
    assert summary.counts["episodes.csv"].created == 4
    assert table_counts()["episodes"] == 0
    assert "Dry run" in str(summary)


def test_tiny_batches_give_the_same_result(organisation, monkeypatch, tmp_path):
    """Questionnaires, clients and re-referral links that span batch boundaries."""
    from vocrehab.interchange import importer
    from vocrehab.interchange.exporter import export_dataset

    from .importing import read_bytes

    example_service(organisation)
    assert run_import(EXAMPLE).ok
    export_dataset(tmp_path / "normal", fmt="csv")
    expected = read_bytes(tmp_path / "normal")
    counts = table_counts()

    from vocrehab.casework.models import Contact, OnwardReferral
    from vocrehab.clients.models import Client

    Administration.objects.all().delete()
    Contact.objects.all().delete()
    OnwardReferral.objects.all().delete()
    Episode.objects.update(previous_episode=None)
    Episode.objects.all().delete()
    Client.objects.all().delete()

    monkeypatch.setattr(importer, "EPISODE_BATCH", 1)
    monkeypatch.setattr(importer, "CHILD_BATCH", 2)
    summary = run_import(EXAMPLE)
    assert summary.ok, summary
    assert table_counts() == counts
    export_dataset(tmp_path / "tiny", fmt="csv")
    assert read_bytes(tmp_path / "tiny") == expected
    # And again with tiny batches: idempotent.
    assert run_import(EXAMPLE).ok
    assert table_counts() == counts
