"""Background tasks (django-tasks): ``vocrehab worker`` runs the bulk exports and,
once a day, removes the files of old ones."""

from __future__ import annotations

import datetime

from django_tasks import task

from . import services


@task()
def run_export_task(job_id: str) -> bool:
    """Write the files of one ``$export`` request (see :func:`services.run_export`)."""
    return services.run_export(job_id) is not None


@task()
def remove_expired_exports_task() -> int:
    """Remove the files of exports past their keeping time (see the service)."""
    return services.remove_expired_exports()


def enqueue_daily_cleanup(sender=None, *, today: datetime.date, **kwargs) -> None:
    """Receiver of :data:`vocrehab.scheduling.daily`."""
    remove_expired_exports_task.enqueue()
