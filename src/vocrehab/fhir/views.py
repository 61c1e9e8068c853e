"""The FHIR R4 interface at /fhir/r4/: metadata, read, search, $everything, bulk $export.

Thin adapters over :mod:`.queries` (who sees what) and :mod:`.services` (exports).
DRF's default authentication and permissions apply, plus the view's declared permission
(as everywhere on the site); ``required_scope`` names what an API token needs. Every
error is an OperationOutcome, never an HTML page; every read, search and export of a
person's record is in the access log.
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from vocrehab.accounts.access import Perm, has_perm, services_for
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event, record_export, record_listing

from . import queries, systems
from .export import check_types
from .models import ExportJob, ExportStatus
from .services import cancel_export, expires_at, export_dir, start_export

FHIR_JSON = "application/fhir+json"
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
EXPORT_PARAMETERS = {"_type", "_since", "_outputFormat"}
RETRY_AFTER_SECONDS = 5


class FhirRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "json"


class FhirJsonOnly(BaseContentNegotiation):
    """JSON whatever the Accept header says (``application/fhir+json`` or ``*/*``)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DeclaredPermission(BasePermission):
    """The view's declared permission (``access_permission``), as the web pages have it."""

    def has_permission(self, request, view) -> bool:
        perm = getattr(view, "access_permission", None)
        return perm is None or has_perm(request.user, perm)


def operation_outcome(status: int, code: str, message: str, severity: str = "error") -> Response:
    return Response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": str(message)}],
        },
        status=status,
    )


class SearchParameterError(exceptions.ParseError):
    """A search or export parameter the server cannot use (400)."""


class FhirView(APIView):
    """What every FHIR endpoint shares: JSON, the declared permission, OperationOutcomes."""

    required_scope = "fhir:read"
    access_permission = Perm.VIEW_PERSON
    renderer_classes = [FhirRenderer]
    content_negotiation_class = FhirJsonOnly
    # FHIR describes itself with its CapabilityStatement (/metadata), not in the OpenAPI.
    schema = None

    def get_permissions(self):
        # DRF's defaults (from settings) first, then the view's declared permission.
        return [*super().get_permissions(), DeclaredPermission()]

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = operation_outcome(
                401, "login", _("Sign in, or send an API token, to use the FHIR interface.")
            )
            response["WWW-Authenticate"] = (
                self.get_authenticate_header(self.request) or 'Session realm="vocrehab"'
            )
            return response
        if isinstance(exc, exceptions.PermissionDenied | PermissionDenied):
            return operation_outcome(
                403, "forbidden", getattr(exc, "detail", None) or _("You may not read this.")
            )
        if isinstance(exc, Http404 | exceptions.NotFound):
            return operation_outcome(
                404, "not-found", str(exc) if str(exc) else _("No such resource.")
            )
        if isinstance(exc, exceptions.MethodNotAllowed):
            return operation_outcome(405, "not-supported", exc.detail)
        if isinstance(exc, queries.SearchError):
            return operation_outcome(400, "invalid", str(exc))
        if isinstance(exc, exceptions.Throttled):
            response = operation_outcome(429, "throttled", exc.detail)
            if exc.wait:
                response["Retry-After"] = str(int(exc.wait))
            return response
        if isinstance(exc, exceptions.APIException):
            return operation_outcome(exc.status_code, "invalid", exc.detail)
        return super().handle_exception(exc)

    # --- shared helpers -------------------------------------------------------------

    def base_url(self) -> str:
        return self.request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")

    def bundle(self, resources, *, next_offset: int | None = None, kind="searchset") -> dict:
        base = self.base_url()
        request = self.request
        links = [{"relation": "self", "url": request.build_absolute_uri()}]
        if next_offset is not None:
            params = request.query_params.copy()
            params["_offset"] = str(next_offset)
            links.append(
                {
                    "relation": "next",
                    "url": f"{request.build_absolute_uri(request.path)}?{params.urlencode()}",
                }
            )
        return {
            "resourceType": "Bundle",
            "type": kind,
            "link": links,
            "entry": [
                {
                    "fullUrl": f"{base}{res['resourceType']}/{res['id']}",
                    "resource": res,
                    "search": {"mode": "match"},
                }
                for res in resources
            ],
        }


def _resource_type(name: str) -> str:
    if name != queries.QUESTIONNAIRE and name not in queries.TYPES:
        raise Http404(
            _("This server has no resource type %(name)s; it serves %(known)s.")
            % {"name": name, "known": ", ".join(queries.ALL_TYPES)}
        )
    return name


def _audit_read(request, row, source, resource: dict) -> None:
    record_event(
        action=Action.READ,
        request=request,
        obj=row,
        client_id=queries.client_id(row, source),
        service_id=queries.service_id(row, source),
        detail=f"FHIR {resource['resourceType']}/{resource['id']}",
    )


# --- capability statement -----------------------------------------------------------


_PARAMETER_TYPES = {
    "_id": "token",
    "identifier": "token",
    "patient": "reference",
    "date": "date",
    "code": "token",
}


def _software_version() -> str:
    try:
        return version("vocrehab")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class Metadata(FhirView):
    """The server's CapabilityStatement: what it serves and how to search it.

    Open to anyone, as FHIR clients expect: it describes the interface, never a record,
    and a client reads it to learn how to sign in before it has a token.
    """

    access_permission = None
    access_public = True
    permission_classes = [AllowAny]

    def get(self, request):
        resources = []
        for name in queries.ALL_TYPES:
            kind = queries.TYPES.get(name)
            entry = {
                "type": name,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "searchParam": [
                    {"name": p, "type": _PARAMETER_TYPES[p]}
                    for p in sorted(kind.parameters if kind else ())
                ],
            }
            if name in systems.PROFILES:
                entry["profile"] = systems.PROFILES[name]
            if name == "Patient":
                entry["operation"] = [
                    {
                        "name": "everything",
                        "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                    }
                ]
            resources.append({k: v for k, v in entry.items() if v != []})
        export = {
            "name": "export",
            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
        }
        return Response(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": timezone.localdate().isoformat(),
                "publisher": "vocrehab",
                "kind": "instance",
                "instantiates": ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
                "software": {"name": "vocrehab", "version": _software_version()},
                "implementation": {
                    "description": "vocrehab FHIR R4 (UK Core) read interface",
                    "url": self.base_url(),
                },
                "fhirVersion": systems.FHIR_VERSION,
                "format": ["json"],
                "rest": [
                    {
                        "mode": "server",
                        "security": {
                            "description": "A signed-in staff session, or an API token with "
                            "the fhir:read scope. Each user sees the services they may see "
                            "people in; bulk export needs the export permission."
                        },
                        "resource": resources,
                        "operation": [export],
                    }
                ],
            }
        )


# --- read and search ------------------------------------------------------------------


class Search(FhirView):
    """Search one resource type; a Bundle of one page, with a ``next`` link if there is more."""

    def get(self, request, resource_type):
        name = _resource_type(resource_type)
        if name == queries.QUESTIONNAIRE:
            return Response(self.bundle(queries.questionnaires()))
        search = queries.parse_search(name, request.query_params)
        page, more = queries.run_search(request.user, search)
        record_listing(
            request,
            page=f"FHIR {name} search",
            client_ids=[queries.client_id(row, source) for row, source, _res in page],
        )
        next_offset = search.offset + search.count if more else None
        return Response(self.bundle([res for _r, _s, res in page], next_offset=next_offset))


class Read(FhirView):
    """One resource by its id; 404 if there is none, or it is in a service you may not see."""

    def get(self, request, resource_type, resource_id):
        name = _resource_type(resource_type)
        if name == queries.QUESTIONNAIRE:
            found = queries.questionnaire(resource_id)
            if found is None:
                raise Http404(_("No questionnaire %(id)s.") % {"id": resource_id})
            return Response(found)
        result = queries.read(request.user, name, resource_id)
        if result is None:
            raise Http404(
                _("No %(type)s %(id)s among your services.") % {"type": name, "id": resource_id}
            )
        row, source, resource = result
        _audit_read(request, row, source, resource)
        return Response(resource)


class Everything(FhirView):
    """``Patient/{id}/$everything``: the patient and every resource about them, as a Bundle."""

    def get(self, request, resource_id):
        client = queries.patient_for(request.user, resource_id)
        if client is None:
            raise Http404(_("No Patient %(id)s among your services.") % {"id": resource_id})
        record_event(
            action=Action.READ,
            request=request,
            obj=client,
            detail=f"FHIR Patient/{client.pk}/$everything",
        )
        return Response(self.bundle(list(queries.everything(client))))


# --- bulk export ------------------------------------------------------------------------


def _since(request) -> dt.datetime | None:
    values = request.query_params.getlist("_since")
    if not values:
        return None
    text = values[-1]
    moment = parse_datetime(text)
    if moment is None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise SearchParameterError(
                _("_since=%(value)s is not a FHIR instant (for example 2025-01-31T00:00:00Z).")
                % {"value": text}
            ) from None
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _export_types(request) -> list[str]:
    names = [n for value in request.query_params.getlist("_type") for n in value.split(",")]
    try:
        return check_types(names)
    except ValueError as exc:
        raise SearchParameterError(str(exc)) from None


class ExportKickOff(FhirView):
    """``$export`` (every service you may export) and ``Group/{service}/$export``."""

    access_permission = Perm.EXPORT_DATA

    def get(self, request, group=None):
        if "respond-async" not in request.headers.get("Prefer", ""):
            raise SearchParameterError(_("Bulk export needs the header Prefer: respond-async."))
        unknown = sorted(set(request.query_params) - EXPORT_PARAMETERS)
        if unknown:
            raise SearchParameterError(
                _("This server's $export does not support %(names)s; it takes %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(sorted(EXPORT_PARAMETERS))}
            )
        output_format = request.query_params.get("_outputFormat")
        if output_format and output_format not in NDJSON_FORMATS:
            raise SearchParameterError(
                _("_outputFormat=%(value)s: this server writes application/fhir+ndjson only.")
                % {"value": output_format}
            )
        types, since = _export_types(request), _since(request)
        services = services_for(request.user, Perm.EXPORT_DATA).order_by("code")
        if group is not None:
            services = services.filter(code=group)
            if not services:
                raise Http404(
                    _("No Group %(id)s among the services you may export.") % {"id": group}
                )
        job = start_export(request, services=list(services), types=types, since=since)
        response = operation_outcome(
            202, "informational", _("Export queued."), severity="information"
        )
        response["Content-Location"] = request.build_absolute_uri(
            reverse("fhir:export_status", args=[job.id])
        )
        return response


def _own_job(request, job_id) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, requested_by=request.user).first()
    if job is None or job.status == ExportStatus.CANCELLED:
        raise Http404(_("No export %(id)s of yours.") % {"id": job_id})
    return job


class ExportStatusView(FhirView):
    """Poll an export (202 while it runs, then the manifest), or cancel it with DELETE."""

    access_permission = Perm.EXPORT_DATA

    def get(self, request, job_id):
        job = _own_job(request, job_id)
        if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            response = Response(status=202)
            response["X-Progress"] = job.progress or str(job.get_status_display())
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if job.status == ExportStatus.FAILED:
            return operation_outcome(
                500, "exception", _("The export failed: %(e)s") % {"e": job.error}
            )
        if job.status == ExportStatus.EXPIRED:
            return operation_outcome(
                410,
                "not-found",
                _("The files of this export were removed after %(days)d days; export again.")
                % {"days": settings.FHIR_EXPORT_KEEP_DAYS},
            )
        manifest = {
            "transactionTime": job.transaction_time.isoformat(),
            "request": job.request_url,
            "requiresAccessToken": True,
            "output": [
                {
                    "type": entry["type"],
                    "url": request.build_absolute_uri(
                        reverse("fhir:export_file", args=[job.id, f"{entry['type']}.ndjson"])
                    ),
                    "count": entry["count"],
                }
                for entry in job.output
            ],
            "error": [],
        }
        response = JsonResponse(manifest)
        response["Expires"] = http_date(expires_at(job).timestamp())
        return response

    def delete(self, request, job_id):
        cancel_export(_own_job(request, job_id))
        return operation_outcome(
            202, "informational", _("Export cancelled."), severity="information"
        )


class ExportFile(FhirView):
    """One NDJSON file of a finished export, for the person who asked for it only."""

    access_permission = Perm.EXPORT_DATA

    def get(self, request, job_id, filename):
        job = _own_job(request, job_id)
        type_name = filename.removesuffix(".ndjson")
        if job.status == ExportStatus.EXPIRED:
            raise Http404(_("The files of this export have been removed."))
        if job.status != ExportStatus.DONE or not any(e["type"] == type_name for e in job.output):
            raise Http404(_("No file %(name)s in this export.") % {"name": filename})
        path = export_dir(job) / f"{type_name}.ndjson"
        if not path.is_file():
            raise Http404(_("The files of this export have been removed."))
        record_export(request, detail=f"FHIR bulk export {job.id}: {filename} downloaded")
        return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
