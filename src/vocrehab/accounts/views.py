from django.contrib import messages
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import access, tokens
from .context_processors import services_of
from .forms import ApiTokenForm
from .models import ApiToken
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


# --- API tokens ---------------------------------------------------------------------------


def _manageable_tokens(user):
    owners = [user.pk, *tokens.system_accounts_managed_by(user).values_list("pk", flat=True)]
    return (
        ApiToken.objects.filter(owner_id__in=owners)
        .select_related("owner", "revoked_by")
        .prefetch_related("services")
        .order_by("owner__is_system_account", "owner__last_name", "-created_at", "-pk")
    )


@access.signed_in
def token_list(request):
    """Your API tokens and, for an administrator, those of their system accounts."""
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": _manageable_tokens(request.user),
            "system_accounts": (
                tokens.system_accounts_managed_by(request.user).order_by("last_name")
                if access.has_perm(request.user, access.Perm.MANAGE_USERS)
                else []
            ),
            "today": timezone.localdate(),
        },
    )


def _create_token(request, owner):
    form = ApiTokenForm(request.POST or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        issued = tokens.issue_token(owner=owner, by=request.user, **form.cleaned_data)
        # Rendered, not redirected: this page is the only time the secret is shown.
        return render(
            request, "accounts/token_created.html", {"token": issued.token, "secret": issued.secret}
        )
    return render(request, "accounts/token_form.html", {"form": form, "owner": owner})


@access.signed_in
def token_create(request):
    """Make an API token of your own."""
    return _create_token(request, request.user)


@access.requires(access.Perm.MANAGE_USERS)
def system_token_create(request, owner_id: int):
    """An administrator makes a token for a system account of their organisation."""
    owner = get_object_or_404(tokens.system_accounts_managed_by(request.user), pk=owner_id)
    return _create_token(request, owner)


@access.signed_in
def token_revoke(request, pk: int):
    """Revoke a token (asks first). It stops working at once and cannot be restored."""
    token = get_object_or_404(_manageable_tokens(request.user), pk=pk)
    if request.method == "POST":
        tokens.revoke_token(token, by=request.user)
        messages.success(request, _("Token “%s” revoked.") % token.name)
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
