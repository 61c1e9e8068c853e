"""Background tasks (django-tasks): the nightly check of what is past retention."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import services


@task()
def find_due_disposals_task(today: str | None = None) -> dict:
    """Record, in every service, the people whose records are due for disposal.

    Nothing is anonymised here: a service manager confirms on the Retention page.
    """
    day = datetime.date.fromisoformat(today) if today else None
    return services.find_due_everywhere(today=day)


def enqueue_nightly_check(sender=None, *, today: datetime.date, **kwargs) -> None:
    """Receiver of :data:`vocrehab.scheduling.daily`."""
    find_due_disposals_task.enqueue(today=today.isoformat())
