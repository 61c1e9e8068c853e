"""Background tasks (django-tasks): the scheduled reports, queued once a day."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import scheduled


@task()
def run_scheduled_reports_task(today: str | None = None) -> dict:
    """Produce every scheduled report due and not yet produced (see :func:`scheduled.run_due`).

    Harmless when queued twice, or run by two workers: each period is made once.
    """
    day = datetime.date.fromisoformat(today) if today else None
    return scheduled.run_due(day).as_dict()


def enqueue_scheduled_reports(sender=None, *, today: datetime.date, **kwargs) -> None:
    """Receiver of :data:`vocrehab.scheduling.daily`."""
    run_scheduled_reports_task.enqueue(today=today.isoformat())
