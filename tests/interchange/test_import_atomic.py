"""An import writes everything or nothing."""

import pytest

from vocrehab.episodes.models import Episode

from .helpers import EXAMPLE, read_example, write_dataset
from .importing import example_service, run_import, table_counts

pytestmark = pytest.mark.django_db


def test_error_in_last_row_of_last_file_changes_nothing(organisation, tmp_path):
    example_service(organisation)
    assert run_import(EXAMPLE).ok
    before = table_counts()
    snapshot = list(Episode.objects.values_list("reference", "work_status_at_discharge"))
    files = read_example()
    files["episodes.csv"][0]["work_status_at_discharge"] = "self_employed"
    files["measures.csv"][-1]["value"] = "99"
    summary = run_import(write_dataset(tmp_path / "bad", files))
    assert not summary.ok
    assert summary.error_count == 1
    issue = summary.errors[0]
    assert (issue.file, issue.row, issue.column) == (
        "measures.csv",
        len(files["measures.csv"]) + 1,
        "value",
    )
    assert table_counts() == before
    assert list(Episode.objects.values_list("reference", "work_status_at_discharge")) == snapshot
    assert "Nothing was imported" in str(summary)


def test_error_found_while_writing_rolls_back_everything(organisation, tmp_path):
    """A problem only the writer sees (the same questionnaire item twice) undoes all."""
    example_service(organisation)
    files = read_example()
    files["measures.csv"].append(dict(files["measures.csv"][0]))
    summary = run_import(write_dataset(tmp_path / "twice", files))
    assert not summary.ok
    assert summary.errors[0].file == "measures.csv"
    assert summary.errors[0].column == "item"
    assert table_counts()["episodes"] == 0
    assert table_counts()["clients"] == 0


def test_unknown_service_is_an_error_unless_created(organisation, tmp_path):
    from vocrehab.accounts.models import Service

    summary = run_import(EXAMPLE)
    assert not summary.ok
    assert summary.errors[0].column == "service_code"
    assert "--create-services" in summary.errors[0].message
    assert not Service.objects.filter(code="DEMO-SCOT").exists()
    summary = run_import(EXAMPLE, create_services=True)
    assert summary.ok, summary
    created = Service.objects.get(code="DEMO-SCOT")
    assert created.nation == "scotland"  # from the SIMD deprivation index
    assert summary.created_services == ["DEMO-SCOT"]


def test_created_service_is_rolled_back_with_a_bad_import(organisation, tmp_path):
    from vocrehab.accounts.models import Service

    files = read_example()
    files["measures.csv"].append(dict(files["measures.csv"][0]))
    summary = run_import(write_dataset(tmp_path / "bad", files), create_services=True)
    assert not summary.ok
    assert not Service.objects.filter(code="DEMO-SCOT").exists()


def test_service_option_overrides_a_single_foreign_code(organisation, service):
    summary = run_import(EXAMPLE, service_code=service.code)
    assert summary.ok, summary
    assert Episode.objects.filter(service=service).count() == 4


def test_service_option_restricts_to_one_service(organisation, tmp_path):
    from vocrehab.codes import Nation

    from .importing import make_services

    scot, other = make_services(
        organisation, ("DEMO-SCOT", Nation.SCOTLAND), ("DEMO-ENG", Nation.ENGLAND)
    )
    files = read_example()
    files["episodes.csv"][1]["service_code"] = "DEMO-ENG"
    summary = run_import(write_dataset(tmp_path / "two", files), service_code="DEMO-ENG")
    assert summary.ok, summary
    assert list(Episode.objects.values_list("service__code", "reference")) == [("DEMO-ENG", "EX-2")]
    assert summary.skipped_episodes == 3
    assert table_counts()["contacts"] == sum(
        1 for r in files["contacts.csv"] if r["episode_id"] == "EX-2"
    )


def test_allowed_services_are_enforced(organisation, service):
    from vocrehab.accounts.models import Service

    example_service(organisation)
    summary = run_import(EXAMPLE, allowed_services=Service.objects.filter(pk=service.pk))
    assert not summary.ok
    assert "may not import" in summary.errors[0].message
    assert table_counts()["episodes"] == 0


def test_import_is_audited_once(organisation):
    from auditlog.models import LogEntry

    from vocrehab.audit.models import AccessEvent

    example_service(organisation)
    entries = LogEntry.objects.count()
    assert run_import(EXAMPLE).ok
    events = AccessEvent.objects.filter(action="import")
    assert events.count() == 1
    assert "episodes.csv +4" in events.get().detail
    # No per-row change history for bulk writes.
    assert LogEntry.objects.count() == entries


def test_parallel_validation_commits_only_a_valid_dataset(organisation, tmp_path):
    """Validating in a child process while writing: an error still leaves nothing."""
    example_service(organisation)
    files = read_example()
    files["measures.csv"][-1]["value"] = "99"
    files["contacts.csv"][0]["contact_date"] = "2024-02-30"
    summary = run_import(write_dataset(tmp_path / "bad", files), parallel=True)
    assert not summary.ok
    assert {(e.file, e.column) for e in summary.errors} == {
        ("contacts.csv", "contact_date"),
        ("measures.csv", "value"),
    }
    assert table_counts()["episodes"] == 0
    summary = run_import(EXAMPLE, parallel=True)
    assert summary.ok, summary
    assert summary.rows["episodes.csv"] == 4
    assert table_counts()["episodes"] == 4


def test_values_the_database_cannot_hold_are_named(organisation, tmp_path):
    example_service(organisation)
    files = read_example()
    files["episodes.csv"][3]["weeks_absent_at_referral"] = "40000"
    files["onward.csv"][1]["service_name"] = "x" * 201
    summary = run_import(write_dataset(tmp_path / "big", files))
    assert not summary.ok
    issue = summary.errors[0]
    assert (issue.file, issue.row, issue.column) == ("episodes.csv", 5, "weeks_absent_at_referral")
    assert table_counts()["episodes"] == 0
    files["episodes.csv"][3]["weeks_absent_at_referral"] = "4"
    summary = run_import(write_dataset(tmp_path / "long", files))
    issue = summary.errors[0]
    assert (issue.file, issue.row, issue.column) == ("onward.csv", 3, "service_name")
    assert table_counts()["episodes"] == 0


def test_a_contact_after_the_discharge_is_refused_and_nothing_written(organisation, tmp_path):
    """The episode's rule that its contacts fall within it holds for an import too."""
    example_service(organisation)
    files = read_example()
    files["contacts.csv"][2]["contact_date"] = "2024-05-04"  # EX-1 was discharged 2024-05-03
    summary = run_import(write_dataset(tmp_path / "late", files))
    assert not summary.ok
    (issue,) = summary.errors
    assert (issue.file, issue.row, issue.column) == ("contacts.csv", 4, "contact_date")
    assert "after the discharge_date of episode EX-1" in str(issue)
    assert not Episode.objects.exists()
