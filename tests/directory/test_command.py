"""``vocrehab directory`` imports, exports and lists entries due for checking."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from vocrehab.directory.csvio import COLUMNS
from vocrehab.directory.models import DirectoryService


@pytest.mark.django_db
def test_import_export_and_due(organisation, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(
        ",".join(COLUMNS)
        + "\nacas,ACAS,private,legal,,K02000001,,,,,,,,,,yes\n"
        + f"mind,Mind,voluntary,psychological,,S12000049,,,,,,,,,{datetime.date.today()},yes\n"
    )
    call_command("directory", "import", str(source), "--organisation", organisation.code)
    assert DirectoryService.objects.count() == 2
    target = tmp_path / "out.csv"
    call_command("directory", "export", "--organisation", organisation.code, "-o", str(target))
    assert "acas,ACAS,private,legal" in target.read_text()
    capsys.readouterr()
    call_command("directory", "due", "--organisation", organisation.code)
    out = capsys.readouterr().out
    assert "acas\tnever\tACAS" in out and "mind" not in out


@pytest.mark.django_db
def test_a_bad_file_prints_every_problem_and_imports_nothing(organisation, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(",".join(COLUMNS) + "\nacas,ACAS,union,legal,,,,,,,,,,,,yes\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("directory", "import", str(source), "--organisation", organisation.code)
    assert "Row 2, provider_type" in capsys.readouterr().err
    assert not DirectoryService.objects.exists()


@pytest.mark.django_db
def test_an_unknown_organisation_is_named(tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("directory", "due", "--organisation", "nowhere")
