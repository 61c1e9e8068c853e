"""`vocrehab report evaluation`: formats, options, errors and the export log."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from vocrehab.audit.models import AccessEvent, Action
from vocrehab.reports.tables import TABLES

from .helpers import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(service, other_service):
    make_episode(service, referral_date=dt.date(2024, 1, 10), condition_detail="=HYPERLINK(1)")
    for _ in range(6):
        make_episode(service, referral_date=dt.date(2024, 2, 10))
    make_episode(other_service, referral_date=dt.date(2024, 2, 10))
    return service


def run(*args):
    call_command("report", "evaluation", *args)


def test_json_for_a_service_and_period(data, tmp_path):
    out = tmp_path / "r.json"
    run(
        "--service",
        "GGC-VR",
        "--from",
        "2024-02-01",
        "--to",
        "2024-02-29",
        "--format",
        "json",
        "--out",
        str(out),
    )
    report = json.loads(out.read_text())
    assert report["filters"] == {"services": ["GGC-VR"], "from": "2024-02-01", "to": "2024-02-29"}
    assert report["tables"]["summary"]["n"] == 6
    assert list(report["tables"]) == list(TABLES)
    event = AccessEvent.objects.get(action=Action.EXPORT)
    assert "evaluation report json services=GGC-VR" in event.detail


def test_every_active_service_by_default_and_publication_suppresses(data, tmp_path):
    out = tmp_path / "r.json"
    run("--format", "json", "--out", str(out), "--publication")
    report = json.loads(out.read_text())
    assert report["filters"]["services"] == ["GGC-VR", "LEEDS-VR"]
    assert report["tables"]["summary"]["n"] == 8
    cancer = [c for c in report["tables"]["conditions"]["cells"] if c["condition"] == "cancer"]
    assert cancer[0]["count"] == 8
    # The one-person free-text detail is hidden, text and all.
    assert not any("HYPERLINK" in json.dumps(c) for c in cancer)


def test_csv_zip_and_folder(data, tmp_path):
    run("--format", "csv", "--out", str(tmp_path / "r.zip"))
    with zipfile.ZipFile(tmp_path / "r.zip") as zf:
        names = sorted(zf.namelist())
        assert "evaluation/tables.csv" in names
        assert len(names) == len(TABLES) + 1
        rows = list(csv.reader(io.TextIOWrapper(zf.open("evaluation/conditions.csv"))))
    # Each code has its label beside it; free text (the condition's detail) has none.
    assert rows[0] == [
        "condition",
        "condition_label",
        "condition_detail",
        "count",
        "percent",
        "suppressed",
    ]
    # Formula-like text is neutralised for spreadsheets.
    assert ["cancer", "Cancer", "'=HYPERLINK(1)", "1", "12.5", "false"] in rows
    run("--format", "csv", "--out", str(tmp_path / "folder"))
    assert (tmp_path / "folder" / "eq5d_index.csv").read_text().startswith("value_set,")


def test_xlsx_has_a_sheet_per_table(data, tmp_path):
    run("--format", "xlsx", "--out", str(tmp_path / "r.xlsx"))
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames == ["about", *TABLES]
    sheet = workbook["summary"]
    # Headings in words: the code column, its label, then the measure.
    assert [sheet["A3"].value, sheet["B3"].value, sheet["C3"].value] == [
        "Metric (code)",
        "Metric",
        "Count",
    ]
    assert (sheet["A4"].value, sheet["B4"].value, sheet["C4"].value) == ("referred", "Referrals", 8)
    values = [c.value for row in workbook["conditions"].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values and "=HYPERLINK(1)" not in values


def test_pdf(data, tmp_path, caplog):
    run("--format", "pdf", "--out", str(tmp_path / "r.pdf"), "--service", "GGC-VR")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    # WeasyPrint's warnings about the charts' SVG styles (about 1,800) are not logged.
    assert not [r for r in caplog.records if r.name == "weasyprint" and "fill" in r.getMessage()]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--service", "NOPE"], "Unknown service code"),
        (["--from", "2024-03-01", "--to", "2024-02-01"], "--from is after --to"),
        (["--value-set", "dsu-5l-to-3l"], "lookup table"),
    ],
)
def test_bad_options_are_explained(data, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--format", "json", "--out", str(tmp_path / "r.json"))
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_bad_date_is_explained(data, tmp_path):
    with pytest.raises(CommandError, match="is not a date"):
        run("--from", "1/2/2024", "--format", "json", "--out", str(tmp_path / "r.json"))
