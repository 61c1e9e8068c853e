"""Background tasks (django-tasks): the daily run of submissions to hubs."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import submitting
from .models import Submission
from .periods import parse_period


@task()
def submit_to_hubs_task(today: str | None = None) -> dict:
    """Send last month's submissions that are due, and try again those not delivered."""
    day = datetime.date.fromisoformat(today) if today else datetime.date.today()
    return submitting.run_schedule(day)


def enqueue_daily_submissions(sender=None, *, today: datetime.date, **kwargs) -> None:
    """Receiver of :data:`vocrehab.scheduling.daily`."""
    submit_to_hubs_task.enqueue(today=today.isoformat())


@task()
def send_submission_task(submission_id: int) -> str:
    """Send one submission a manager asked for on the Submissions page."""
    submission = Submission.objects.select_related("hub__service", "requested_by").get(
        pk=submission_id
    )
    done = submitting.submit(
        submission.hub,
        parse_period(submission.period),
        user=submission.requested_by,
        submission=submission,
    )
    return done.status
