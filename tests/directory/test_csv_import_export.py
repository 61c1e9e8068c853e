"""Directory CSV: all-or-nothing import with errors by row and column; safe export."""

import csv
import datetime
import io

import pytest

from vocrehab.directory.csvio import (
    COLUMNS,
    DirectoryImportFailed,
    export_csv,
    import_directory,
)
from vocrehab.directory.models import DirectoryService
from vocrehab.directory.queries import with_details

HEADER = ",".join(COLUMNS)


def row(**values):
    base = {
        "reference": "citizens-advice-glasgow",
        "name": "Citizens Advice Glasgow",
        "provider_type": "voluntary",
        "categories": "welfare;financial",
        "conditions": "",
        "coverage_areas": "S12000049;G12",
        "last_verified": "2025-01-31",
        "active": "yes",
    }
    base.update(values)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([base.get(c, "") for c in COLUMNS])
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_good_file_creates_entries_with_their_lists(organisation):
    data = (
        HEADER
        + "\n"
        + row()
        + row(
            reference="macmillan-line",
            name="Macmillan",
            categories="financial",
            coverage_areas="K02000001",
            conditions="cancer",
        )
    )  # noqa: E501
    result = import_directory(data.encode(), organisation=organisation)
    assert (result.created, result.updated) == (2, 0)
    entry = DirectoryService.objects.get(reference="citizens-advice-glasgow")
    assert entry.category_codes == ["financial", "welfare"]
    assert entry.area_codes == ["G12", "S12000049"]
    assert entry.last_verified == datetime.date(2025, 1, 31)
    assert DirectoryService.objects.get(reference="macmillan-line").condition_codes == ["cancer"]


@pytest.mark.django_db
def test_reimport_updates_by_reference(organisation):
    import_directory(HEADER + "\n" + row(), organisation=organisation)
    result = import_directory(
        HEADER + "\n" + row(name="Renamed", categories="legal", coverage_areas="S12000036"),
        organisation=organisation,
    )
    assert (result.created, result.updated) == (0, 1)
    entry = DirectoryService.objects.get()
    assert entry.name == "Renamed"
    assert entry.category_codes == ["legal"]
    assert entry.area_codes == ["S12000036"]


@pytest.mark.django_db
def test_errors_name_row_and_column_and_nothing_is_written(organisation):
    data = (
        HEADER
        + "\n"
        + row()
        + row(reference="Bad Ref", provider_type="charity")
        + row(reference="two", categories="welfare;housing", coverage_areas="Glasgow")
        + row(reference="three", last_verified="31/01/2025", website="javascript:alert(1)")
        + row(reference="citizens-advice-glasgow", name="")
    )
    with pytest.raises(DirectoryImportFailed) as info:
        import_directory(data.encode(), organisation=organisation)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {
        (3, "reference"),
        (3, "provider_type"),
        (4, "categories"),
        (4, "coverage_areas"),
        (5, "last_verified"),
        (5, "website"),
        (6, "name"),
        (6, "reference"),
    }
    assert "Row 4, categories: housing is not an onward category." in [
        str(e) for e in info.value.errors
    ]
    assert not DirectoryService.objects.exists()


@pytest.mark.django_db
def test_missing_and_unknown_columns_are_reported(organisation):
    with pytest.raises(DirectoryImportFailed) as info:
        import_directory("reference,name,colour\nx,y,z\n", organisation=organisation)
    assert {(e.row, e.column) for e in info.value.errors} == {
        (1, "provider_type"),
        (1, "categories"),
        (1, "colour"),
    }


@pytest.mark.django_db
def test_non_utf8_is_refused_clearly(organisation):
    with pytest.raises(DirectoryImportFailed) as info:
        import_directory(b"reference\xff", organisation=organisation)
    assert "UTF-8" in info.value.errors[0].message


@pytest.mark.django_db
def test_export_round_trips_and_neutralises_formulas(organisation, make_entry):
    make_entry(
        organisation,
        name='=HYPERLINK("http://evil")',
        reference="evil",
        categories=["legal"],
        areas=["S12000049"],
        opening_times="+44 141 000 0000",
    )
    text = export_csv(with_details(DirectoryService.objects.all()))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["opening_times"] == "'+44 141 000 0000"
    assert rows[0]["categories"] == "legal"
    assert rows[0]["coverage_areas"] == "S12000049"


@pytest.mark.django_db
def test_the_shipped_example_directory_imports_cleanly(organisation):
    from pathlib import Path

    import vocrehab.directory

    example = Path(vocrehab.directory.__file__).with_name("data") / "example-directory.csv"
    result = import_directory(example.read_bytes(), organisation=organisation)
    assert result.created == 8
    assert DirectoryService.objects.get(reference="example-counselling-leeds").area_codes == [
        "E08000035",
        "LS",
    ]
