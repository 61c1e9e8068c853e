"""``vocrehab worker``: run background tasks and the questionnaire sweep.

Runs django-tasks' database worker (``db_worker``) in this process, and from a
background thread enqueues the questionnaire sweep (invite what is due, send, retry
failed sends, remind, expire) every ``--sweep-minutes`` (never when 0), and once a day
announces the new day (``vocrehab.scheduling.daily``) for nightly work such as the
retention check, the scheduled reports and the hub submissions (every worker does,
sweeping or not).
Several workers may run: the sweep claims each send, so nothing goes twice, and nightly
work is written to be harmless when queued more than once. A task this worker claimed
but had not started when it was stopped goes back to the queue for the next worker.
"""

import logging
import threading
import uuid

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.task import ResultStatus

from vocrehab import scheduling

logger = logging.getLogger(__name__)

# How long the worker waits, when stopping, for a sweep under way to finish.
SWEEP_FINISH_SECONDS = 30


# How often a worker that does not sweep looks at the calendar for a new day.
DAY_CHECK_SECONDS = 60


def _background_loop(stop: threading.Event, sweep_minutes: float) -> None:
    """Enqueue the questionnaire sweep every ``sweep_minutes`` (none when 0) and announce
    each new day, whether or not this worker sweeps: nightly work must not depend on
    which workers were started with sweeps."""
    # Imported in the thread that runs the sweep, once Django is set up.
    from vocrehab.measures.tasks import send_due_invitations_task

    last_day = None
    while not stop.is_set():
        try:
            if sweep_minutes > 0:
                send_due_invitations_task.enqueue()
            last_day = announce_new_day(last_day)
        except Exception:  # noqa: BLE001 - keep going; the worker logs task failures
            logger.exception("could not enqueue the questionnaire sweep or the new day's work")
        finally:
            close_old_connections()
        stop.wait(sweep_minutes * 60 if sweep_minutes > 0 else DAY_CHECK_SECONDS)


def announce_new_day(last_day):
    """Send :data:`vocrehab.scheduling.daily` at the first sweep of a calendar day, so
    that nightly work (the retention check) is queued once a day; the day it was sent."""
    today = timezone.localdate()
    if today != last_day:
        scheduling.daily.send(sender=Command, today=today)
    return today


def release_unstarted_tasks(worker_id: str) -> int:
    """Put back on the queue the tasks this worker claimed and never started.

    db_worker marks a task as running when it claims it; a stop signal that arrives
    before the task begins ends the process with the task still "running", and no
    worker would ever pick it up. A task that did begin is always finished or marked
    failed before the worker returns, so what is still running here never ran.
    """
    claimed = [
        result.pk
        for result in DBTaskResult.objects.filter(status=ResultStatus.RUNNING).only("worker_ids")
        if result.worker_ids and result.worker_ids[-1] == worker_id
    ]
    return DBTaskResult.objects.filter(pk__in=claimed, status=ResultStatus.RUNNING).update(
        status=ResultStatus.READY, started_at=None
    )


def database_unreachable(error: Exception) -> str:
    """One line for an operator: what failed and what to check (no traceback)."""
    detail = " ".join(str(error).split())[:300]
    return (
        f"cannot reach the database ({detail}); check DATABASE_URL and that the database "
        "server is running, then start the worker again"
    )


class Command(BaseCommand):
    group = "operations"  # where `vocrehab --help` lists it
    help = "Run the background worker (django-tasks db_worker) and the questionnaire sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sweep-minutes",
            type=float,
            default=5.0,
            help=(
                "Minutes between questionnaire sweeps (default 5); 0 to never sweep (the "
                "new day's work is queued either way)."
            ),
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run one sweep now in this process and exit (for cron or a check).",
        )
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, **options):
        try:
            connection.ensure_connection()
            self._run(**options)
        except DatabaseError as error:
            raise CommandError(database_unreachable(error)) from None

    def _run(self, *, sweep_minutes, once, queue_name, interval, **options):
        if once:
            # Only the one-off sweep needs the services.
            from vocrehab.measures.services import send_due_invitations

            self.stdout.write(str(send_due_invitations()))
            return
        stop = threading.Event()
        background = threading.Thread(
            target=_background_loop, args=(stop, sweep_minutes), daemon=True, name="sweep-and-day"
        )
        background.start()
        worker_id = f"vocrehab-{uuid.uuid4().hex}"
        try:
            call_command(
                "db_worker",
                queue_name=queue_name,
                interval=interval,
                reload=False,
                worker_id=worker_id,
                verbosity=options.get("verbosity", 1),
            )
        finally:
            stop.set()
            release_unstarted_tasks(worker_id)
            # Let a sweep under way finish (and close its connection) before returning.
            background.join(timeout=SWEEP_FINISH_SECONDS)
