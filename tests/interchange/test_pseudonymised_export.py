"""A pseudonymised export holds no NHS number, no original identifier, no free text."""

import pytest
from django.core.management import CommandError, call_command

from vocrehab.interchange.exporter import ExportError, export_dataset

from .helpers import EXAMPLE, read_example
from .importing import example_service, read_bytes, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(organisation):
    example_service(organisation)
    assert run_import(EXAMPLE).ok


def test_no_nhs_number_no_identifier_no_free_text(imported, tmp_path, settings):
    # No value counts as rare here, so the ICD-10 rule below is seen on its own.
    settings.VOCREHAB_SUPPRESSION_THRESHOLD = 1
    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True)
    files = read_bytes(tmp_path / "out")
    everything = b"".join(files.values()).decode()
    example = read_example()
    for row in example["episodes.csv"]:
        for column in ("episode_id", "client_id", "nhs_number"):
            if row[column]:
                assert row[column] not in everything, (column, row[column])
    assert "nhs_number" not in files["episodes.csv"].decode().splitlines()[0]
    assert "Macmillan benefits advice" not in everything
    # Re-referral links survive as hashes: the previous id is one of the episode ids.
    lines = [line.split(",") for line in files["episodes.csv"].decode().splitlines()]
    header, rows = lines[0], lines[1:]
    ids = {r[header.index("episode_id")] for r in rows}
    previous = [
        r[header.index("previous_episode_id")]
        for r in rows
        if r[header.index("previous_episode_id")]
    ]
    assert previous and set(previous) <= ids
    # Child rows point at the hashed episode ids.
    contact_ids = {line.split(",")[0] for line in files["contacts.csv"].decode().splitlines()[1:]}
    assert contact_ids <= ids
    # ICD-10 sites of cancer stay; they are codes, not free text.
    assert "C50" in files["episodes.csv"].decode()


def test_hashes_are_stable_between_exports_and_keyed(imported, tmp_path, settings):
    export_dataset(tmp_path / "a", fmt="csv", pseudonymise=True)
    export_dataset(tmp_path / "b", fmt="csv", pseudonymise=True)
    assert read_bytes(tmp_path / "a") == read_bytes(tmp_path / "b")
    settings.PSEUDONYMISATION_KEY = "another key"
    export_dataset(tmp_path / "c", fmt="csv", pseudonymise=True)
    assert read_bytes(tmp_path / "c")["episodes.csv"] != read_bytes(tmp_path / "a")["episodes.csv"]


def test_pseudonymised_export_validates(imported, tmp_path):
    from vocrehab.interchange.vrmds.validate import validate_dataset

    from .helpers import TODAY

    export_dataset(tmp_path / "out", fmt="csv", pseudonymise=True)
    result = validate_dataset(tmp_path / "out", today=TODAY)
    assert result.is_valid, [str(e) for e in result.errors]


def test_refused_without_a_key(imported, tmp_path, settings):
    settings.PSEUDONYMISATION_KEY = ""
    with pytest.raises(ExportError, match="VOCREHAB_PSEUDONYMISATION_KEY"):
        export_dataset(tmp_path / "out", pseudonymise=True)
    with pytest.raises(CommandError, match="VOCREHAB_PSEUDONYMISATION_KEY"):
        call_command("dataset", "export", "--out", str(tmp_path / "cli"), "--pseudonymise")
    assert not (tmp_path / "out").exists()


def test_export_is_audited(imported, tmp_path):
    from vocrehab.audit.models import AccessEvent, Action

    export_dataset(tmp_path / "out", fmt="zip", pseudonymise=True)
    event = AccessEvent.objects.filter(action=Action.EXPORT).latest("pk")
    assert "pseudonymised" in event.detail and "DEMO-SCOT" in event.detail
