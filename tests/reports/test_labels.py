"""A person reads words, not codes: every coded value of every table has its label on the
page, in the PDF and the spreadsheet, and beside its code in the CSV files."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vocrehab.accounts.models import Service
from vocrehab.reports import exports
from vocrehab.reports.labels import has_label, known_label, label
from vocrehab.reports.tables import TABLES

pytestmark = pytest.mark.django_db

# Values shown as written on purpose: an ICD-10 code or a condition's own words, a
# service's code, and the middle quintiles, which are plain numbers.
AS_WRITTEN = {"condition_detail", "service"}


@pytest.fixture
def synthetic(organisation, report, tmp_path):
    from vocrehab.interchange.importer import import_dataset
    from vocrehab.interchange.synth import write_synthetic_dataset

    write_synthetic_dataset(tmp_path / "synth", episodes=300, seed=5, services=1)
    import_dataset(tmp_path / "synth", create_services=True, today=dt.date(2026, 1, 1))
    service = Service.objects.get()
    return service, report([service])


def test_every_coded_value_of_every_table_has_a_label(synthetic):
    _service, built = synthetic
    missing = set()
    for table_id, table in built["tables"].items():
        for cell in table["cells"]:
            for column in TABLES[table_id].dimensions:
                value = cell.get(column)
                if value in (None, "") or column in AS_WRITTEN or not has_label(column):
                    continue
                if known_label(column, value, table_id=table_id, cell=cell) is None:
                    if not (column == "answer" or column == "deprivation_quintile"):
                        missing.add((table_id, column, value))
    assert not missing


def test_labels_are_the_code_lists_words():
    assert label("ethnicity", "A") == "White - British"
    assert label("occupation", "1") == "Managers, directors and senior officials"
    assert label("referral_source", "acute_nhs") == "Hospital clinician, nurse specialist or AHP"
    assert label("interval", "lt_6m") == "Under 6 months"
    assert label("most_deprived_15pct", "yes") == "In the most deprived 15% of areas"
    assert label("standard", "first_contact_5_working_days") == (
        "First contact within 5 working days"
    )
    assert label("tier", "3") == "Tier 3: intensive case management"
    assert label("band", "moderately_severe") == "Moderately severe"
    assert label("answer", "4", cell={"question": "overall"}) == "4 – Excellent"
    assert label("item", "gp_visits", table_id="health_use").startswith("GP")
    assert label("condition_detail", "C50") == "C50"


def test_the_web_page_shows_labels_and_dates_in_words(signed_in, synthetic):
    service, _built = synthetic
    web, _user = signed_in("service_manager", service)
    page = "".join(
        web.get(
            reverse("reports:evaluation"),
            {
                "services": [service.pk],
                "date_from": "2020-04-01",
                "date_to": "2025-12-31",
                "section": section,
            },
        ).content.decode()
        for section in ("referrals", "work")
    )
    assert "White - British" in page
    assert "Hospital clinician, nurse specialist or AHP" in page
    assert "acute nhs" not in page and "lt 6m" not in page
    assert "1 Apr 2020" in page and "31 Dec 2025" in page
    assert "Work status at discharge" in page or "Work status" in page


def test_csv_keeps_each_code_with_its_label_beside_it(synthetic):
    _service, built = synthetic
    files = exports.csv_files(built)
    rows = list(csv.DictReader(io.StringIO(files["ethnicity.csv"])))
    header = list(rows[0])
    assert header[:2] == ["ethnicity", "ethnicity_label"]
    by_code = {r["ethnicity"]: r["ethnicity_label"] for r in rows}
    assert by_code["A"] == "White - British"
    occupations = list(csv.DictReader(io.StringIO(files["occupations.csv"])))
    assert {r["occupation"]: r["occupation_label"] for r in occupations}["9"] == (
        "Elementary occupations"
    )
    # The zip holds the same files.
    with zipfile.ZipFile(io.BytesIO(exports.to_csv_zip(built))) as zf:
        assert "ethnicity_label" in zf.read("evaluation/ethnicity.csv").decode()


def test_the_spreadsheet_has_headings_in_words_and_both_columns(synthetic):
    _service, built = synthetic
    built["filters"]["from"] = "2025-04-01"
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(built)))
    sheet = workbook["referral_sources"]
    headings = [c.value for c in sheet[3]]
    assert headings[:3] == ["Referral source (code)", "Referral source", "Count"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["acute_nhs"] == "Hospital clinician, nurse specialist or AHP"
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True) if row}
    assert about["From"] == "1 Apr 2025"
