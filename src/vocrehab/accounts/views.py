from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access
from .context_processors import services_of
from .navigation import entries_for


@access.public
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@access.signed_in
def home(request):
    """Each role's home page: the things this person can do, as cards."""
    cards = [
        {"title": entry.label, "url": url, "description": entry.description}
        for entry, url in entries_for(request.user)
        if entry.url_name != "home"
    ]
    return render(
        request,
        "accounts/home.html",
        {
            "cards": cards,
            "role_names": sorted(access.Role(role).label for role in access.roles(request.user)),
        },
    )


@access.signed_in
@require_POST
def switch_service(request):
    try:
        service_id = int(request.POST.get("service", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose a service.")
    if not services_of(request.user).filter(pk=service_id).exists():
        return HttpResponseBadRequest("You do not work in that service.")
    request.session["service_id"] = service_id
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
