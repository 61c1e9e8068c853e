"""``vocrehab dataset import`` and ``vocrehab dataset export`` from the command line."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command

from vocrehab.episodes.models import Episode

from .helpers import EXAMPLE, read_example, write_dataset
from .importing import example_service, read_bytes

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_import_prints_what_it_created_then_updated(organisation):
    example_service(organisation)
    status, lines = _run("dataset", "import", str(EXAMPLE))
    assert status == 0
    assert "episodes.csv: 4 created, 0 updated, 0 unchanged" in lines
    assert "clients: 3 created, 0 updated, 0 unchanged" in lines
    status, lines = _run("dataset", "import", str(EXAMPLE))
    assert status == 0
    assert "episodes.csv: 0 created, 0 updated, 4 unchanged" in lines
    assert Episode.objects.count() == 4


def test_dry_run_saves_nothing(organisation):
    example_service(organisation)
    status, lines = _run("dataset", "import", str(EXAMPLE), "--dry-run")
    assert status == 0 and lines[0].startswith("Dry run")
    assert Episode.objects.count() == 0


def test_bad_input_exits_1_with_every_error_by_file_row_column(organisation, tmp_path):
    example_service(organisation)
    files = read_example()
    files["episodes.csv"][0]["referral_date"] = "14/05/2013"
    files["episodes.csv"][1]["condition"] = "flu"
    files["episodes.csv"][2]["episode_id"] = files["episodes.csv"][0]["episode_id"]
    files["contacts.csv"][0]["episode_id"] = "NOPE"
    files["measures.csv"][0]["value"] = "9"
    status, lines = _run("dataset", "import", str(write_dataset(tmp_path / "bad", files)))
    assert status == 1
    located = [line.split(":")[:3] for line in lines[:-1]]
    assert ["episodes.csv", "2", "referral_date"] in located
    assert ["episodes.csv", "3", "condition"] in located
    assert ["episodes.csv", "4", "episode_id"] in located
    assert ["contacts.csv", "2", "episode_id"] in located
    assert ["measures.csv", "2", "value"] in located
    assert lines[-1].endswith("Nothing was imported.")
    assert Episode.objects.count() == 0


def test_missing_column_and_unknown_service_are_reported(organisation, tmp_path):
    files = read_example()
    for row in files["episodes.csv"]:
        del row["main_reason"]
    status, lines = _run("dataset", "import", str(write_dataset(tmp_path / "bad", files)))
    assert status == 1
    assert lines[0].startswith("episodes.csv:1:main_reason:")
    status, lines = _run("dataset", "import", str(EXAMPLE))
    assert status == 1
    assert lines[0].startswith("episodes.csv:2:service_code:")
    assert "--create-services" in lines[0]
    status, lines = _run("dataset", "import", str(EXAMPLE), "--create-services")
    assert status == 0
    assert "Created services: DEMO-SCOT" in lines


def test_not_csv_is_reported(organisation, tmp_path):
    example_service(organisation)
    folder = write_dataset(tmp_path / "pdf", read_example())
    (folder / "contacts.csv").write_bytes(b"%PDF-1.7 binary")
    status, lines = _run("dataset", "import", str(folder))
    assert status == 1
    assert lines[0].startswith("contacts.csv: this is not a CSV file")


def test_export_then_import_via_the_commands(organisation, tmp_path):
    example_service(organisation)
    assert _run("dataset", "import", str(EXAMPLE))[0] == 0
    status, lines = _run("dataset", "export", "--out", str(tmp_path / "out"))
    assert status == 0
    assert "episodes.csv: 4 rows" in lines
    status, _lines = _run(
        "dataset", "export", "--out", str(tmp_path / "one.zip"), "--service", "DEMO-SCOT"
    )
    assert status == 0 and (tmp_path / "one.zip").stat().st_size > 0
    status, _lines = _run("dataset", "export", "--out", str(tmp_path / "book.xlsx"))
    assert status == 0
    first = read_bytes(tmp_path / "out")
    assert first["episodes.csv"].startswith(b"episode_id,client_id,service_code,nhs_number,")


def test_export_of_an_unknown_service_fails(organisation, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="NOPE"):
        call_command("dataset", "export", "--out", str(tmp_path / "x"), "--service", "NOPE")


def test_console_script_import_help():
    result = subprocess.run(
        [sys.executable, "-m", "vocrehab.cli", "dataset", "import", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={"VOCREHAB_DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "--create-services" in result.stdout and "--dry-run" in result.stdout
