"""Export -> import into an empty database -> export gives the same CSV bytes."""

import csv

import pytest
from django.db import connection

from vocrehab.codes import Nation
from vocrehab.episodes.models import Episode
from vocrehab.interchange.cells import neutralise, restore_cell
from vocrehab.interchange.exporter import export_dataset
from vocrehab.interchange.synth import write_synthetic_dataset

from .helpers import EXAMPLE, read_example, write_dataset
from .importing import example_service, make_services, read_bytes, run_import, table_counts

pytestmark = pytest.mark.django_db


def _wipe():
    """Empty every table the import writes (the services stay)."""
    from vocrehab.casework.models import Contact, OnwardReferral
    from vocrehab.clients.models import Client
    from vocrehab.measures.models import Administration

    Administration.objects.all().delete()
    Contact.objects.all().delete()
    OnwardReferral.objects.all().delete()
    Episode.objects.update(previous_episode=None)
    Episode.objects.all().delete()
    Client.objects.all().delete()
    assert table_counts()["episodes"] == 0


def test_example_round_trip_is_byte_identical(organisation, tmp_path):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    export_dataset(tmp_path / "first", fmt="csv")
    first = read_bytes(tmp_path / "first")
    _wipe()
    summary = run_import(tmp_path / "first")
    assert summary.ok, summary
    export_dataset(tmp_path / "second", fmt="csv")
    assert read_bytes(tmp_path / "second") == first
    assert set(first) == {"episodes.csv", "contacts.csv", "onward.csv", "measures.csv"}


def test_synthetic_round_trip_with_extensions_and_formulas(organisation, tmp_path):
    make_services(
        organisation,
        ("GGC-VR", Nation.SCOTLAND),
        ("LEEDS-VR", Nation.ENGLAND),
    )
    write_synthetic_dataset(tmp_path / "synth", episodes=60, seed=3, services=2)
    # Add local columns and cells a spreadsheet would run as formulas.
    with (tmp_path / "synth" / "episodes.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["x_team"] = "=HYPERLINK(1)"
    # A cell an earlier export neutralised: the import takes the ' off again.
    rows[1]["x_team"] = "'=already quoted"
    rows[2]["x_team"] = "-12"
    rows[3]["x_team"] = "@home"
    files = {"episodes.csv": rows}
    for name in ("contacts.csv", "onward.csv", "measures.csv"):
        with (tmp_path / "synth" / name).open(newline="", encoding="utf-8") as fh:
            files[name] = list(csv.DictReader(fh))
    files["onward.csv"][0]["service_name"] = "+44 helpline"
    write_dataset(tmp_path / "in", files)
    summary = run_import(tmp_path / "in")
    assert summary.ok, summary
    stored = Episode.objects.get(reference=rows[0]["episode_id"])
    assert stored.extensions["x_team"] == "=HYPERLINK(1)"

    export_dataset(tmp_path / "first", fmt="csv")
    first = read_bytes(tmp_path / "first")
    text = first["episodes.csv"].decode()
    assert "'=HYPERLINK(1)" in text and "'=already quoted" in text
    assert ",-12" in text and "'@home" in text
    assert "'+44 helpline" in first["onward.csv"].decode()
    header = text.splitlines()[0].split(",")
    assert header[-1] == "x_team" and header[0] == "episode_id"

    _wipe()
    assert run_import(tmp_path / "first").ok
    assert Episode.objects.get(reference=rows[1]["episode_id"]).extensions["x_team"] == (
        "=already quoted"
    )
    export_dataset(tmp_path / "second", fmt="csv")
    assert read_bytes(tmp_path / "second") == first


def test_xlsx_and_zip_exports_import_back_the_same(organisation, tmp_path):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    export_dataset(tmp_path / "first", fmt="csv")
    export_dataset(tmp_path / "book.xlsx", fmt="xlsx")
    export_dataset(tmp_path / "data.zip", fmt="zip")
    first = read_bytes(tmp_path / "first")
    for container in ("book.xlsx", "data.zip"):
        _wipe()
        summary = run_import(tmp_path / container)
        assert summary.ok, summary
        out = tmp_path / f"again-{container}"
        export_dataset(out, fmt="csv")
        assert read_bytes(out) == first, container


def test_numbers_are_canonical(organisation, tmp_path):
    example_service(organisation)
    files = read_example()
    files["measures.csv"][0]["value"] = "2.0"
    assert run_import(write_dataset(tmp_path / "in", files)).ok
    export_dataset(tmp_path / "out", fmt="csv")
    measures = (tmp_path / "out" / "measures.csv").read_bytes().decode()
    assert "mobility,2\r\n" in measures
    assert ".0\r\n" not in measures


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-x", "@a", "'=a", "''=a", "'a", "plain", "-5", "-0.5", "", "\tx", "'"],
)
def test_neutralising_is_undone_exactly(text):
    assert restore_cell(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "@")) or not text


def test_row_order_is_byte_order_on_every_database(organisation, tmp_path):
    example_service(organisation)
    files = read_example()
    for row in files["episodes.csv"]:
        row["episode_id"] = (
            row["episode_id"].lower() if row["episode_id"] == "EX-2" else row["episode_id"]
        )
    for name in ("contacts.csv", "onward.csv", "measures.csv"):
        for row in files[name]:
            if row["episode_id"] == "EX-2":
                row["episode_id"] = "ex-2"
    assert run_import(write_dataset(tmp_path / "in", files)).ok, connection.vendor
    export_dataset(tmp_path / "out", fmt="csv")
    ids = [
        line.split(",")[0]
        for line in (tmp_path / "out" / "episodes.csv").read_bytes().decode().splitlines()[1:]
    ]
    assert ids == sorted(ids)  # "EX-…" before "ex-2": upper case first in byte order
    assert ids[-1] == "ex-2"


def test_synthetic_dataset_comes_back_row_for_row(organisation, tmp_path):
    """Import loses nothing the standard carries: every row of every file comes back."""
    make_services(
        organisation,
        ("GGC-VR", Nation.SCOTLAND),
        ("LEEDS-VR", Nation.ENGLAND),
        ("SUSSEX-VR", Nation.ENGLAND),
    )
    write_synthetic_dataset(tmp_path / "synth", episodes=80, seed=5, services=3)
    assert run_import(tmp_path / "synth").ok
    export_dataset(tmp_path / "out", fmt="csv")
    for name in ("episodes.csv", "contacts.csv", "onward.csv", "measures.csv"):
        rows = []
        for folder in ("synth", "out"):
            with (tmp_path / folder / name).open(newline="", encoding="utf-8") as fh:
                rows.append(sorted(tuple(sorted(r.items())) for r in csv.DictReader(fh)))
        assert rows[0] == rows[1], name
