"""Postcode → small area → deprivation, from the government files (matched by heading prefix)."""

import pytest
from django.core.management import CommandError, call_command

from vocrehab.clients.deprivation_import import find_column, import_file, load_samples
from vocrehab.clients.models import PostcodeArea
from vocrehab.clients.postcodes import (
    decile_from_rank,
    deprivation_for,
    format_postcode,
    is_valid_postcode,
    normalise_postcode,
    postcode_district,
    services_covering,
)

pytestmark = pytest.mark.django_db


def test_postcode_helpers():
    assert normalise_postcode(" g31 2er ") == "G312ER"
    assert format_postcode("g312er") == "G31 2ER"
    assert postcode_district("EH1 1AA") == "EH1"
    assert postcode_district("SW1A 1AA") == "SW1A"
    assert is_valid_postcode("LS17 9ZA") and not is_valid_postcode("12345")


def test_decile_from_rank():
    assert decile_from_rank("simd2020", 1) == 1
    assert decile_from_rank("simd2020", 698) == 2
    assert decile_from_rank("simd2020", 6976) == 10
    assert decile_from_rank("imd2019", 3284) == 1
    assert decile_from_rank("imd2019", None) is None


def test_headings_are_matched_by_prefix():
    headers = ["LSOA code (2011)", "Index of Multiple Deprivation (IMD) Rank", "IMD Decile"]
    assert find_column(headers, ("lsoa code",)) == 0
    assert find_column(headers, ("index of multiple deprivation (imd) rank",)) == 1
    simd = ["DZ", "SIMD2020v2_Income_Domain_Rank", "SIMD2020v2_Rank"]
    assert find_column(simd, ("simd2020v2_rank",)) == 2


def test_sample_loads_and_is_marked(db):
    count = load_samples()
    assert count == PostcodeArea.objects.count() == 18
    assert PostcodeArea.objects.filter(sample=False).count() == 0
    row = deprivation_for("g31 9za", "scotland")
    assert row.index == "simd2020" and row.rank == 212 and row.decile == 1
    assert row.local_authority_code == "S12000049"
    english = deprivation_for("LS9 9ZA", "england")
    assert english.index == "imd2019" and english.decile == 1
    # Ranks are not comparable across nations: a Scottish service never reads IMD.
    assert deprivation_for("LS9 9ZA", "scotland") is None


def test_ranks_file_joined_to_postcode_file(tmp_path):
    ranks = tmp_path / "ranks.csv"
    ranks.write_text(
        "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
        "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
        "E01000001,City 001A,E09000001,29199,9\n"
        "E01000002,City 001B,E09000001,30379,\n",
        encoding="utf-8-sig",
    )
    nspl = tmp_path / "nspl.csv"
    nspl.write_text(
        "pcd,pcd2,pcds,dointr,doterm,laua,lsoa21,imd\n"
        "EC1A1AA,EC1A 1AA,EC1A 1AA,198001,,E09000001,E01000001,1\n"
        "EC1A1AB,EC1A 1AB,EC1A 1AB,198001,,E09000001,E01000002,1\n"
        "EC1A1ZZ,EC1A 1ZZ,EC1A 1ZZ,198001,200012,E09000001,E01000002,1\n"
        "EC1A1XX,EC1A 1XX,EC1A 1XX,198001,,E09000001,E01999999,1\n"
    )
    assert import_file(ranks, "imd2025", postcodes=nspl) == 2
    first = PostcodeArea.objects.get(postcode="EC1A1AA")
    assert (first.area_code, first.local_authority_code, first.rank, first.decile) == (
        "E01000001",
        "E09000001",
        29199,
        9,
    )
    # Decile derived from the rank when the file leaves it empty.
    assert PostcodeArea.objects.get(postcode="EC1A1AB").decile == 9
    # A re-import replaces the rows of that index.
    assert import_file(ranks, "imd2025", postcodes=nspl) == 2
    assert PostcodeArea.objects.filter(deprivation_index="imd2025").count() == 2


def test_xlsx_workbook_with_lookup_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["About this file"])
    sheet = book.create_sheet("SIMD 2020v2 postcode lookup")
    sheet.append(["Postcode", "DZ", "LAcode", "SIMD2020v2_Rank", "SIMD2020v2_Decile"])
    sheet.append(["AB10 1AB", "S01006646", "S12000033", 4000, 6])
    path = tmp_path / "simd.xlsx"
    book.save(path)
    with pytest.raises(CommandError, match="no postcode"):
        call_command("import_deprivation", str(path), "--index", "simd2020")


def test_command_errors_are_plain(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_deprivation", str(tmp_path / "missing.csv"), "--index", "simd2020")
    with pytest.raises(CommandError, match="--index"):
        call_command("import_deprivation", str(tmp_path / "x.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError):
        call_command("import_deprivation", str(bad), "--index", "imd2019")


def test_command_loads_sample(capsys):
    call_command("import_deprivation", "--sample")
    assert "Loaded 18 postcodes" in capsys.readouterr().out


def test_service_from_postcode(service, other_service):
    load_samples()
    service.covered_areas = ["S12000049"]
    service.save()
    other_service.covered_areas = ["LS"]
    other_service.save()
    assert services_covering("G31 9ZA") == [service]
    # Not in the look-up: falls back to the district, then the postcode area letters.
    assert services_covering("LS1 4AP") == [other_service]
    assert services_covering("ZE1 0AA") == []
    assert services_covering("rubbish") == []
