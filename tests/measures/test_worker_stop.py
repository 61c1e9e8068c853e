"""Stopping `vocrehab worker` loses no task.

db_worker marks a task as running when it claims it. A stop signal that lands between
the claim and the start of the task ends the process with the task still "running",
where no worker would ever pick it up again. The worker puts such tasks back on the
queue as it stops.
"""

import pytest
from django.core.management import call_command
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.task import ResultStatus

from vocrehab.measures.management.commands import worker as worker_command
from vocrehab.measures.tasks import send_due_invitations_task

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


def stopped_after_claiming(monkeypatch, task_id):
    """db_worker as it behaves when SIGTERM arrives just after it claimed a task (the
    worker's other thread may queue the new day's work meanwhile)."""
    seen = {}

    def db_worker(name, *, worker_id, **options):
        assert name == "db_worker"
        seen["worker_id"] = worker_id
        DBTaskResult.objects.get(pk=task_id).claim(worker_id)
        raise SystemExit(0)

    monkeypatch.setattr(worker_command, "call_command", db_worker)
    return seen


def test_a_task_claimed_but_not_started_goes_back_on_the_queue(database_queue, monkeypatch):
    queued = send_due_invitations_task.enqueue()
    seen = stopped_after_claiming(monkeypatch, queued.id)

    with pytest.raises(SystemExit):
        call_command("worker", sweep_minutes=0)

    result = DBTaskResult.objects.get(pk=queued.id)
    assert result.status == ResultStatus.READY
    assert result.started_at is None
    assert result.worker_ids == [seen["worker_id"]]

    # The next worker runs it.
    monkeypatch.undo()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert DBTaskResult.objects.get(pk=queued.id).status == ResultStatus.SUCCEEDED


def test_another_workers_running_task_is_left_alone(database_queue, monkeypatch):
    theirs = send_due_invitations_task.enqueue()
    DBTaskResult.objects.get(pk=theirs.id).claim("another-worker")
    mine = send_due_invitations_task.enqueue()
    stopped_after_claiming(monkeypatch, mine.id)

    with pytest.raises(SystemExit):
        call_command("worker", sweep_minutes=0)

    assert DBTaskResult.objects.get(pk=theirs.id).status == ResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=mine.id).status == ResultStatus.READY
