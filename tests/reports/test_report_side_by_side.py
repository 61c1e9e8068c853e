"""The report's (and the dashboard's) queries run side by side on connections that
share one snapshot (``reports/snapshot.py``) give exactly what one connection gives,
and every connection sees the same state of the database, whatever is committed
meanwhile.

The connections only share a snapshot when the report opens its own transaction on a
database other connections can open (PostgreSQL, or a SQLite file): so these tests
commit their data (``transaction=True``), and on SQLite run the report as a command on
a file copy of the test database.
"""

import datetime as dt
import json
import threading
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, transaction

from tests.database.helpers import database_url, environment, vocrehab
from vocrehab.accounts.models import Service
from vocrehab.episodes.models import Episode
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.synth import service_catalogue, write_synthetic_dataset
from vocrehab.reports import evaluation, snapshot
from vocrehab.reports.exports import to_json
from vocrehab.reports.queries import dashboard

pytestmark = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="in-process helpers need a database other connections can open",
)
AS_OF = dt.date(2025, 3, 3)


@pytest.fixture
def three_services(organisation, tmp_path):
    write_synthetic_dataset(tmp_path / "synth", episodes=300, seed=5, services=3)
    summary = import_dataset(tmp_path / "synth", create_services=True, today=dt.date(2026, 1, 1))
    assert not summary.errors, summary.errors[:10]
    codes = [s.code for s in service_catalogue(3)]
    return list(Service.objects.filter(code__in=codes).order_by("code"))


@pytest.fixture
def shared(monkeypatch):
    """The number of queries of each run side by side, as they happen."""
    calls = []
    run_all = snapshot.run_all

    def spy(tasks, prepare):
        calls.append(len(tasks))
        return run_all(tasks, prepare)

    monkeypatch.setattr(snapshot, "run_all", spy)
    return calls


def test_side_by_side_the_command_writes_the_same_report(three_services, tmp_path):
    url = database_url(tmp_path)
    env = environment(url, tmp_path)
    written = {}
    for workers in ("1", "3"):
        out = tmp_path / f"report-{workers}.json"
        run = vocrehab(
            ["report", "evaluation", "--format", "json", "--out", str(out)],
            {**env, "VOCREHAB_REPORT_WORKERS": workers},
        )
        assert run.returncode == 0, run.stderr
        written[workers] = json.loads(out.read_text())
    assert written["1"]["tables"]["summary"]["n"] == 300
    assert written["3"] == written["1"]


@on_postgresql
def test_side_by_side_in_process_gives_the_same_report(three_services, settings, shared):
    settings.REPORT_WORKERS = 1
    one = to_json(evaluation.build_evaluation(three_services, as_of=AS_OF))
    assert shared == []
    settings.REPORT_WORKERS = 3
    side_by_side = to_json(evaluation.build_evaluation(three_services, as_of=AS_OF))
    assert shared, "the report did not share its snapshot"
    assert side_by_side == one


@on_postgresql
def test_every_connection_reads_the_reports_snapshot(three_services, settings):
    """A row committed by someone else after the report began is seen by none of the
    report's connections."""
    settings.REPORT_WORKERS = 3
    template = Episode.objects.order_by("pk").first()

    def commit_another_episode():
        Episode.objects.create(
            client=template.client,
            service=template.service,
            reference="ANOTHER-1",
            referral_date=template.referral_date,
        )
        connection.close()

    with transaction.atomic():
        snapshot.begin()
        before = Episode.objects.count()
        writer = threading.Thread(target=commit_another_episode)
        writer.start()
        writer.join()
        seen = snapshot.run_all([Episode.objects.count] * 6, prepare=lambda: None)
    assert seen == [before] * 6
    assert Episode.objects.count() == before + 1


@on_postgresql
def test_a_failing_query_fails_the_report_after_every_connection_stops(three_services, settings):
    settings.REPORT_WORKERS = 3
    threads = threading.active_count()

    def fails():
        raise ValueError("this table cannot be made")

    with pytest.raises(ValueError, match="cannot be made"), transaction.atomic():
        snapshot.begin()
        snapshot.run_all([Episode.objects.count, fails, Episode.objects.count], lambda: None)
    assert threading.active_count() == threads


def test_inside_a_callers_transaction_the_queries_run_on_its_connection(settings):
    """What the caller has written and not committed is invisible to other connections,
    so inside its transaction the report does not share."""
    settings.REPORT_WORKERS = 3
    with transaction.atomic():
        assert snapshot.may_share() is False
    settings.REPORT_WORKERS = 1
    assert snapshot.may_share() is False


@on_postgresql
def test_a_connection_that_cannot_start_leaves_its_share_to_the_others(
    three_services, settings, monkeypatch
):
    """With no connection to spare, the report is made on the ones it has."""
    settings.REPORT_WORKERS = 3

    @contextmanager
    def refused(_snapshot):
        raise OperationalError("sorry, too many clients already")
        yield  # pragma: no cover

    monkeypatch.setattr(snapshot, "_reading", refused)
    settings.REPORT_WORKERS = 1
    one = to_json(evaluation.build_evaluation(three_services, as_of=AS_OF))
    settings.REPORT_WORKERS = 3
    assert to_json(evaluation.build_evaluation(three_services, as_of=AS_OF)) == one


@on_postgresql
def test_the_dashboard_side_by_side_gives_the_same_figures(three_services, settings, shared):
    today = dt.date(2025, 3, 3)
    settings.REPORT_WORKERS = 1
    one = dashboard(three_services, today=today, months=24)
    assert shared == []
    settings.REPORT_WORKERS = 3
    side_by_side = dashboard(three_services, today=today, months=24)
    assert shared, "the dashboard did not share its snapshot"
    assert repr(side_by_side) == repr(one)
    assert one["open_total"] > 0 and one["outcomes"]["discharged"] > 0
