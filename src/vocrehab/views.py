"""Error pages in plain English, without personal data."""

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Seconds a client is asked to wait before trying again when the database is busy.
RETRY_AFTER_SECONDS = 10
# Fields never written back into the "try again" form: secrets, and the old CSRF token
# (a fresh one is added).
_NOT_REPLAYED = {"csrfmiddlewaretoken", "code", "otp"}
_NOT_REPLAYED_PARTS = ("password", "secret", "token")


def permission_denied(request, exception=None):
    if _is_fhir(request):
        return _operation_outcome(403, "forbidden", _("You may not read this."))
    return render(request, "errors/403.html", status=403)


def _operation_outcome(status: int, code: str, message: str) -> JsonResponse:
    """A FHIR client's error body (the FHIR views make their own; this is for the rest)."""
    return JsonResponse(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}],
        },
        status=status,
        content_type="application/fhir+json",
    )


def _is_fhir(request) -> bool:
    return request.path.startswith("/fhir/")


def page_not_found(request, exception=None):
    if _is_fhir(request):
        return _operation_outcome(404, "not-found", _("This FHIR server has no such address."))
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _is_fhir(request):
        message = f"{_('Sorry, there is a problem with the service')}. {_('Try again later.')}"
        return _operation_outcome(500, "exception", message)
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    """A form was sent without its security token (often an expired page): say so plainly."""
    return render(request, "errors/403_csrf.html", status=403)


def _replayable(name: str) -> bool:
    lowered = name.lower()
    return lowered not in _NOT_REPLAYED and not any(p in lowered for p in _NOT_REPLAYED_PARTS)


def service_busy(request) -> HttpResponse:
    """The database was too busy to save (or load) this request: try again shortly.

    HTTP 503 with Retry-After. After a form, the page holds what was sent, in a form
    that sends it again to the same address (secrets and files excepted, which must be
    entered again). Rendered without the request's context (like the server error
    page), so it needs nothing from the database.
    """
    if request.headers.get("HX-Request"):
        # htmx leaves the form as it was; app.js shows this message in it.
        response = HttpResponse(render_to_string("errors/_busy.html"))
    elif _is_fhir(request):
        response = _operation_outcome(
            503, "transient", _("The service is busy. Try again in a few seconds.")
        )
    elif request.resolver_match is not None and "api" in request.resolver_match.namespaces:
        response = JsonResponse(
            {"detail": _("The service is busy. Try again in a few seconds.")}, status=503
        )
    else:
        sent = request.method == "POST"
        fields = [
            (name, value)
            for name, values in (request.POST.lists() if sent else ())
            if _replayable(name)
            for value in values
        ]
        dropped = sent and (
            bool(request.FILES)
            or any(not _replayable(name) for name in request.POST if name != "csrfmiddlewaretoken")
        )
        response = HttpResponse(
            render_to_string(
                "errors/503.html",
                {
                    "sent": sent,
                    "fields": fields,
                    "dropped": dropped,
                    "action": request.get_full_path(),
                    "csrf_token": get_token(request),
                },
            )
        )
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # It may hold what the person typed: never kept by the browser or a proxy.
    response["Cache-Control"] = "no-store, private"
    response.service_busy = True
    return response


def is_busy_answer(response) -> bool:
    return getattr(response, "service_busy", False)
