"""The worker announces each new day; the retention check is queued and records what is due."""

import datetime

import pytest

from vocrehab.measures.management.commands import worker
from vocrehab.retention.models import Disposal, DisposalState
from vocrehab.retention.tasks import find_due_disposals_task

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_first_sweep_of_a_day_runs_the_retention_check(
    monkeypatch, service, old_episode, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(worker.timezone, "localdate", lambda: TODAY)
    with django_capture_on_commit_callbacks(execute=True):  # tasks are queued on commit
        assert worker.announce_new_day(TODAY - datetime.timedelta(days=1)) == TODAY
    disposal = Disposal.objects.get()
    assert disposal.client_id == old_episode.client_id
    assert disposal.state == DisposalState.AWAITING  # nothing anonymised without a manager
    assert old_episode.client.last_name == "Smith"


def test_later_sweeps_of_the_same_day_do_not(
    monkeypatch, service, old_episode, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(worker.timezone, "localdate", lambda: TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        worker.announce_new_day(TODAY)
    assert not Disposal.objects.exists()


def test_the_task_checks_every_service(
    service, other_service, old_episode, django_capture_on_commit_callbacks
):
    result = find_due_disposals_task.call(today=TODAY.isoformat())
    assert result[service.code]["added"] == 1 and result[other_service.code]["added"] == 0
