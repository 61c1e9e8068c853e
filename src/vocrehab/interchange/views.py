"""Web pages for importing and exporting VRMDS datasets.

Import is in three steps: upload (the file is kept in a server-side folder under a
random name; the session holds which uploads belong to this user), check (every error
by file, row and column, or what the import would create and update) and confirm.
Nothing in a request names a file path: the server finds the upload from the random
id only if that id is in the user's own session.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, requires, services_for
from vocrehab.interchange import receiving
from vocrehab.interchange.exporter import ExportError, export_dataset
from vocrehab.interchange.forms import ExportForm, HubForm, ImportForm, SendForm
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.models import Hub, Submission
from vocrehab.interchange.tasks import send_submission_task
from vocrehab.interchange.vrmds.reader import Limits

SESSION_KEY = "interchange_uploads"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
ERRORS_PER_PAGE = 50
STALE_SECONDS = 24 * 3600


def upload_dir() -> Path:
    """Where uploads wait for confirmation: a folder only the server reads."""
    folder = Path(
        getattr(settings, "VOCREHAB_IMPORT_DIR", "")
        or os.environ.get("VOCREHAB_IMPORT_DIR", "")
        or Path(tempfile.gettempdir()) / "vocrehab-imports"
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def web_limits() -> Limits:
    """The reader's limits for an upload: the upload limit, and ten times it unpacked."""
    size = settings.VOCREHAB_IMPORT_MAX_BYTES
    return Limits(
        max_container_bytes=size,
        max_file_bytes=size * 10,
        max_total_bytes=size * 10,
    )


def _clear_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _upload(request, token: str) -> tuple[dict, Path]:
    """The upload ``token`` of this session, or 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not _TOKEN.fullmatch(token) or entry is None or entry.get("user") != request.user.pk:
        raise Http404
    path = upload_dir() / f"{token}{entry['suffix']}"
    if not path.is_file():
        raise Http404
    return entry, path


def _service(request, entry):
    service = services_for(request.user, Perm.IMPORT_DATA).filter(pk=entry["service"]).first()
    if service is None:
        raise Http404
    return service


def _forget(request, token: str) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if entry is not None:
        for path in (
            upload_dir() / f"{token}{entry['suffix']}",
            upload_dir() / f"{token}.json",
        ):
            path.unlink(missing_ok=True)


@requires(Perm.IMPORT_DATA)
def import_upload(request):
    services = services_for(request.user, Perm.IMPORT_DATA).order_by("code")
    initial = {}
    current = getattr(request, "service", None)
    if current is not None and services.filter(pk=current.pk).exists():
        initial["service"] = current.pk
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        services=services,
        max_bytes=settings.VOCREHAB_IMPORT_MAX_BYTES,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        service = form.cleaned_data["service"]
        folder = upload_dir()
        _clear_stale(folder)
        token = secrets.token_urlsafe(24)
        suffix = ".zip" if upload.name.lower().endswith(".zip") else ".xlsx"
        path = folder / f"{token}{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        summary = import_dataset(
            path,
            service_code=service.code,
            dry_run=True,
            user=request.user,
            allowed_services=services,
            limits=web_limits(),
            # No forking inside a web worker.
            parallel=False,
        )
        (folder / f"{token}.json").write_text(
            json.dumps(
                {
                    "errors": [[e.file, e.row, e.column, e.message] for e in summary.errors],
                    "error_count": summary.error_count,
                    "lines": summary.lines(),
                    "rows": summary.rows,
                }
            )
        )
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {
            "user": request.user.pk,
            "service": service.pk,
            "suffix": suffix,
            "name": upload.name[:200],
        }
        request.session[SESSION_KEY] = uploads
        return redirect("interchange:import_check", token=token)
    return render(
        request,
        "interchange/import.html",
        {"form": form, "max_mb": settings.VOCREHAB_IMPORT_MAX_BYTES // (1024 * 1024)},
    )


@requires(Perm.IMPORT_DATA)
def import_check(request, token):
    entry, _path = _upload(request, token)
    service = _service(request, entry)
    try:
        result = json.loads((upload_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise Http404 from None
    page = Paginator(result["errors"], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [[f, r or "", c or "", m] for f, r, c, m in page.object_list]
    return render(
        request,
        "interchange/import_check.html",
        {
            "token": token,
            "name": entry["name"],
            "service": service,
            "error_count": result["error_count"],
            "shown": len(result["errors"]),
            "page": page,
            "error_rows": rows,
            "error_headers": [_("File"), _("Row"), _("Column"), _("Problem")],
            "lines": result["lines"],
        },
    )


@requires(Perm.IMPORT_DATA)
@require_POST
def import_confirm(request, token):
    entry, path = _upload(request, token)
    service = _service(request, entry)
    summary = import_dataset(
        path,
        service_code=service.code,
        user=request.user,
        allowed_services=services_for(request.user, Perm.IMPORT_DATA),
        limits=web_limits(),
        request=request,
        parallel=False,
    )
    if not summary.ok:
        # The data changed under us (another import, a new episode): check again.
        (upload_dir() / f"{token}.json").write_text(
            json.dumps(
                {
                    "errors": [[e.file, e.row, e.column, e.message] for e in summary.errors],
                    "error_count": summary.error_count,
                    "lines": summary.lines(),
                    "rows": summary.rows,
                }
            )
        )
        return redirect("interchange:import_check", token=token)
    _forget(request, token)
    request.session["interchange_last_import"] = {
        "name": entry["name"],
        "service": service.code,
        "lines": summary.lines(),
    }
    return redirect("interchange:import_done")


@requires(Perm.IMPORT_DATA)
def import_done(request):
    last = request.session.get("interchange_last_import")
    if last is None:
        return redirect("interchange:import")
    return render(request, "interchange/import_done.html", {"last": last})


@requires(Perm.IMPORT_DATA)
@require_POST
def import_cancel(request, token):
    _upload(request, token)
    _forget(request, token)
    return redirect("interchange:import")


@requires(Perm.EXPORT_DATA)
def export(request):
    services = services_for(request.user, Perm.EXPORT_DATA).order_by("code")
    form = ExportForm(request.POST or None, services=services)
    error = ""
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        codes = [s.code for s in form.cleaned_data["services"]]
        handle, name = tempfile.mkstemp(suffix=f".{fmt}", dir=upload_dir())
        os.close(handle)
        path = Path(name)
        pseudonymise = form.cleaned_data["pseudonymise"]
        try:
            summary = export_dataset(
                path,
                services=codes,
                fmt=fmt,
                pseudonymise=pseudonymise,
                dates=form.cleaned_data["dates"],
                min_k=form.cleaned_data["min_k"] if pseudonymise else None,
                user=request.user,
                request=request,
            )
        except ExportError as exc:
            path.unlink(missing_ok=True)
            error = str(exc)
        else:
            stream = path.open("rb")
            # The open handle keeps the data readable; the name goes at once.
            path.unlink()
            # A pseudonymised file names its k, so whoever receives it sees it.
            k = f"-pseudonymised-k{summary.profile.k}" if summary.profile else ""
            filename = f"vrmds-{'-'.join(codes).lower()}{k}.{fmt}"
            response = FileResponse(stream, as_attachment=True, filename=filename)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "interchange/export.html", {"form": form, "error": error})


__all__ = [
    "export",
    "import_cancel",
    "import_check",
    "import_confirm",
    "import_done",
    "import_upload",
]


@requires(Perm.VIEW_REPORTS)
def hub_submissions(request):
    """A hub's page: which service sent what and when, versions, late or missing months."""
    if not receiving.hub_enabled():
        raise Http404
    services = services_for(request.user, Perm.VIEW_REPORTS)
    overview = receiving.submissions_overview(services, timezone.localdate())
    return render(
        request,
        "interchange/hub_submissions.html",
        {
            "overview": overview,
            "late_day": settings.VOCREHAB_HUB_LATE_DAY,
        },
    )


@requires(Perm.EXPORT_DATA)
def submissions(request):
    """A service's hubs and what was sent to each: period, when, status, counts, reasons."""
    services = services_for(request.user, Perm.EXPORT_DATA).order_by("code")
    hub_form = HubForm(services=services, prefix="hub")
    send_form = SendForm(prefix="send")
    if request.method == "POST" and "hub-name" in request.POST:
        hub_form = HubForm(request.POST, services=services, prefix="hub")
        if hub_form.is_valid():
            data = hub_form.cleaned_data
            hub = Hub.objects.filter(service=data["service"], name=data["name"]).first()
            if hub is None:
                hub = Hub(service=data["service"], name=data["name"], created_by=request.user)
            hub.url, hub.token = data["url"], data["token"]
            hub.monthly, hub.active = data["monthly"], True
            hub.save()
            return redirect("interchange:submissions")
    elif request.method == "POST":
        send_form = SendForm(request.POST, prefix="send")
        if send_form.is_valid():
            hub = Hub.objects.filter(
                pk=send_form.cleaned_data["hub"], service__in=services, active=True
            ).first()
            if hub is None:
                raise Http404
            period = send_form.cleaned_data["period"]
            with transaction.atomic():
                submission = Submission.objects.create(
                    hub=hub,
                    period=period.code,
                    period_start=period.start,
                    period_end=period.end,
                    requested_by=request.user,
                )
                transaction.on_commit(
                    lambda: send_submission_task.enqueue(submission_id=submission.pk)
                )
            return redirect("interchange:submissions")
    recent = Submission.objects.order_by("-created_at", "-pk")
    hubs = (
        Hub.objects.filter(service__in=services)
        .select_related("service")
        .prefetch_related(Prefetch("submissions", queryset=recent))
        .order_by("service__code", "name")
    )
    return render(
        request,
        "interchange/submissions.html",
        {
            "hubs": hubs,
            "hub_form": hub_form,
            "services": services,
            # A period refused: shown at the form of the hub it was for.
            "send_errors": send_form.errors.get("period", []) if send_form.is_bound else [],
            "send_hub": str(send_form.data.get("send-hub", "")) if send_form.is_bound else "",
            "send_value": send_form.data.get("send-period", "") if send_form.is_bound else "",
        },
    )
