"""``vocrehab cba``: JSON, XLSX and PDF from the command line."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from vocrehab.audit.models import AccessEvent

D = datetime.date(2025, 6, 30)


def run(*args):
    call_command("cba", *args)


def test_example_outcomes_reproduce_table_12_as_json(db, tmp_path):
    out = tmp_path / "cba.json"
    run(
        "--preset",
        "glasgow-2014",
        "--example-outcomes",
        "--format",
        "json",
        "--out",
        str(out),
        "--draws",
        "200",
    )
    data = json.loads(out.read_text())
    assert data["preset"] == "glasgow-2014"
    assert data["benefits"]["welfare"] == pytest.approx(1_455_000, rel=0.02)
    assert 6.1 < data["ratio"] < 6.4
    assert data["sensitivity"]["monte_carlo"]["draws"] == 200
    assert AccessEvent.objects.filter(action="export", detail__contains="cost-benefit").exists()


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_xlsx_and_pdf(db, tmp_path, fmt, magic):
    out = tmp_path / f"cba.{fmt}"
    run(
        "--preset",
        "glasgow-2014",
        "--example-outcomes",
        "--format",
        fmt,
        "--out",
        str(out),
        "--draws",
        "100",
    )
    assert out.read_bytes().startswith(magic)


def test_xlsx_has_parameters_with_sources(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "cba.xlsx"
    run(
        "--preset",
        "glasgow-2014",
        "--example-outcomes",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--no-sensitivity",
    )
    wb = load_workbook(out)
    rows = {r[0]: r for r in wb["Parameters"].iter_rows(values_only=True)}
    assert rows["esa_annual_cost"][2] == 8500
    assert "Black & Frost" in rows["esa_annual_cost"][5]


def test_outcomes_from_the_database_for_one_service_and_period(
    service, other_service, make_episode, tmp_path
):
    for _ in range(3):
        make_episode(service, "off_sick", "at_work", discharged=D)
    make_episode(other_service, "off_sick", "at_work", discharged=D)
    costs = tmp_path / "costs.csv"
    costs.write_text(
        "year,service,role,fte,annual_cost,non_staff,overhead_pct\n"
        "1,GGC-VR,Case manager,1,40000,,10\n"
        "1,GGC-VR,,,,2000,\n"
    )
    out = tmp_path / "cba.json"
    run(
        "--preset",
        "uk-current",
        "--service",
        "GGC-VR",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--costs",
        str(costs),
        "--format",
        "json",
        "--out",
        str(out),
        "--no-sensitivity",
    )
    data = json.loads(out.read_text())
    assert data["outcomes"]["off_sick_at_entry"] == 3
    assert data["costs"] == pytest.approx(42_000 * 1.1)


def test_bad_input_is_a_command_error_naming_the_problem(db, tmp_path):
    out = tmp_path / "x.json"
    with pytest.raises(CommandError, match="no preset"):
        run("--preset", "nope", "--example-outcomes", "--out", str(out))
    with pytest.raises(CommandError, match="Unknown service"):
        run("--preset", "uk-current", "--service", "NOPE", "--out", str(out))
    with pytest.raises(CommandError, match="no example outcomes"):
        run("--preset", "uk-current", "--example-outcomes", "--out", str(out))
    with pytest.raises(CommandError, match="not a date"):
        run("--preset", "uk-current", "--from", "yesterday", "--out", str(out))


def test_a_preset_without_costs_needs_a_costs_file(service, make_episode, tmp_path):
    make_episode(service, "off_sick", "at_work", discharged=D)
    with pytest.raises(CommandError, match="no costs"):
        run("--preset", "uk-current", "--out", str(tmp_path / "x.json"))


def test_the_costs_entered_on_screen_are_used_without_a_file(service, make_episode, tmp_path):
    from vocrehab.economics.services import save_cost_year

    make_episode(service, "off_sick", "at_work", discharged=D)
    save_cost_year(
        service, year=1, overhead_pct=10, staff=[{"role": "Lead", "fte": 1, "annual_cost": 30000}]
    )
    out = tmp_path / "x.json"
    run("--preset", "uk-current", "--no-sensitivity", "--out", str(out))
    result = json.loads(out.read_text())
    assert result["costs"] == pytest.approx(33000)
    assert result["cost_items"][0]["service"] == service.code


def test_a_period_without_discharges_is_a_clear_error(service, make_episode, tmp_path):
    make_episode(service, "off_sick")
    with pytest.raises(CommandError, match="no outcomes"):
        run("--preset", "glasgow-2014", "--out", str(tmp_path / "x.json"))


def test_the_pdf_never_fetches_urls_named_in_preset_text(monkeypatch):
    from vocrehab.economics import files

    asked = []
    refuse = files._no_fetching

    def spy(url, *args, **kwargs):
        asked.append(url)
        return refuse(url, *args, **kwargs)

    monkeypatch.setattr(files, "_no_fetching", spy)
    pdf = files.to_pdf('<p>x</p><img src="http://169.254.169.254/latest/meta-data/">')
    assert pdf.startswith(b"%PDF")
    assert asked == ["http://169.254.169.254/latest/meta-data/"]
