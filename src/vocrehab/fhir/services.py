"""Bulk export: start one, run it (in the worker), cancel it. Every export is audited."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vocrehab.audit.services import record_export

from .export import ExportCancelled, write_ndjson
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


def export_dir(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "fhir-exports" / str(job.id)


def start_export(request, *, services, types, since=None) -> ExportJob:
    """Record the request, log it as an export of each service, and queue it for the worker."""
    # Here, not at the top: the task module imports this one to run the export.
    from .tasks import run_export_task

    job = ExportJob.objects.create(
        requested_by=request.user,
        request_url=request.build_absolute_uri()[:1000],
        types=list(types),
        since=since,
    )
    job.services.set(services)
    for service in services:
        record_export(
            request,
            detail=f"FHIR bulk export {job.id}: {', '.join(types)}",
            service_id=service.pk,
        )
    transaction.on_commit(lambda: run_export_task.enqueue(str(job.id)))
    return job


def _is_cancelled(job_id) -> bool:
    return ExportJob.objects.filter(pk=job_id, status=ExportStatus.CANCELLED).exists()


def run_export(job_id) -> ExportJob | None:
    """Write the job's files. Run twice, it does nothing the second time."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, transaction_time=timezone.now()
    )
    if not claimed:
        return None
    job = ExportJob.objects.get(pk=job_id)
    folder = export_dir(job)

    def progress(type_name: str, written: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(
            progress=f"{type_name}: {written} resources written"
        )

    try:
        counts = write_ndjson(
            folder,
            list(job.services.all()),
            types=job.types,
            since=job.since,
            progress=progress,
            cancelled=lambda: _is_cancelled(job_id),
        )
    except ExportCancelled:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    except Exception as exc:
        logger.exception("FHIR export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # A cancel that came after the last check still wins: its files go.
    finished = ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        output=[{"type": t, "count": n} for t, n in counts.items()],
        progress="",
        finished_at=timezone.now(),
    )
    if not finished:
        shutil.rmtree(folder, ignore_errors=True)
    return ExportJob.objects.get(pk=job_id)


def cancel_export(job: ExportJob) -> None:
    """Stop a queued or running export, or remove a finished one's files."""
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.CANCELLED, finished_at=timezone.now()
    )
    shutil.rmtree(export_dir(job), ignore_errors=True)


def expires_at(job: ExportJob) -> dt.datetime | None:
    """When a finished export's files are removed."""
    if job.finished_at is None:
        return None
    return job.finished_at + dt.timedelta(days=settings.FHIR_EXPORT_KEEP_DAYS)


def remove_expired_exports(now: dt.datetime | None = None) -> int:
    """Remove the files of exports finished more than ``FHIR_EXPORT_KEEP_DAYS`` ago, so
    that copies of people's records do not pile up on the server; the number removed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.FHIR_EXPORT_KEEP_DAYS)
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff)
    removed = 0
    for job in expired:
        shutil.rmtree(export_dir(job), ignore_errors=True)
        removed += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED
        )
    return removed
