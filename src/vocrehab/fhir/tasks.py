"""Background tasks (django-tasks): ``vocrehab worker`` runs the bulk exports."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_export_task(job_id: str) -> bool:
    """Write the files of one ``$export`` request (see :func:`services.run_export`)."""
    return services.run_export(job_id) is not None
