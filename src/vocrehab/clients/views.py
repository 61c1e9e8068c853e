"""Finding a client and reading their record (staff of their service only)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.access import Perm, has_perm, requires, services_for
from vocrehab.audit.services import record_listing, record_read
from vocrehab.versioning import StaleEditError

from . import queries, services
from .forms import ClientForm, RightsForm


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, NHS or CHI number, date of birth or reference"),
        help_text=_("For example: Smith, Ann Smith, 943 476 5919, 14/05/1970 or VR-7K3M9Q"),
        max_length=100,
    )


def _service(request):
    allowed = services_for(request.user, Perm.VIEW_CONTACTS)
    current = getattr(request, "service", None)
    if current is not None and allowed.filter(pk=current.pk).exists():
        return current
    service = allowed.order_by("name").first()
    if service is None:
        raise PermissionDenied
    return service


@requires(Perm.VIEW_CONTACTS)
def search(request):
    """Search the current service's clients. Results name people, so the page is not cached."""
    service = _service(request)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = list(queries.search_clients(service, form.cleaned_data["q"]))
        record_listing(
            request,
            page="client search",
            client_ids=[c.pk for c in results],
            service_id=service.pk,
        )
    return render(
        request,
        "clients/search.html",
        {
            "form": form,
            "results": results,
            "service": service,
            "contact_only": not has_perm(request.user, Perm.VIEW_PERSON, service),
        },
    )


@requires(Perm.VIEW_CONTACTS)
def detail(request, pk):
    """One client's record, with their episodes; the read is logged.

    Roles with contact details only see how to reach the client and who works with
    them, nothing of their health, casework or identifiers.
    """
    client = queries.client_for(request.user, pk, Perm.VIEW_CONTACTS)
    contact_only = not has_perm(request.user, Perm.VIEW_PERSON, client.service)
    record_read(request, client, fields=queries.CONTACT_FIELDS if contact_only else ())
    episodes = list(
        client.episodes.select_related("case_manager", "referral", "previous_episode").order_by(
            "-referral_date", "-pk"
        )
    )
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "episodes": episodes,
            "can_edit": services.may_edit(request.user, client),
            "contact_only": contact_only,
            # Each episode links to the page the reader may open: the episode record, or
            # for contact details only, the referral's triage page.
            "can_triage": has_perm(request.user, Perm.TRIAGE, client.service),
            "can_export": has_perm(request.user, Perm.SUBJECT_ACCESS, client.service),
        },
    )


@requires(Perm.EDIT_PERSON)
def edit(request, pk):
    """Change a client's details; a change made on a stale page is refused, not merged."""
    client = queries.client_for(request.user, pk, Perm.EDIT_PERSON)
    services.check_may_edit(request.user, client)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.update_client(client, values=values, version=form.cleaned_data["version"])
        except StaleEditError:
            messages.error(
                request,
                _("Someone else changed this record after you opened it. Check it and try again."),
            )
            return redirect("clients:edit", pk=pk)
        except ValidationError as error:
            form.add_error("nhs_number", error)
        else:
            messages.success(request, _("Record updated."))
            return redirect("clients:detail", pk=pk)
    else:
        record_read(request, client)
    return render(request, "clients/edit.html", {"client": client, "form": form})


@requires(Perm.SUBJECT_ACCESS)
def subject_access(request, pk):
    """Everything held about a client, for a subject access request: one zip (JSON, PDF
    and their documents), recorded in the access log. GET explains; POST makes it."""
    client = queries.client_for(request.user, pk, Perm.SUBJECT_ACCESS)
    if request.method != "POST":
        return render(request, "clients/subject_access_confirm.html", {"client": client})
    result = services.subject_access(client, by=request.user, request=request)
    response = HttpResponse(result.zip_bytes(), content_type="application/zip")
    name = f"subject-access-{client.reference}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Perm.SUBJECT_ACCESS)
def rights(request, pk):
    """Restrict processing of a client's record, or mark it disputed (service managers)."""
    client = queries.client_for(request.user, pk, Perm.SUBJECT_ACCESS)
    initial = {name: getattr(client, name) for name in services.RIGHTS_FIELDS}
    form = RightsForm(request.POST or None, initial={**initial, "version": client.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.RIGHTS_FIELDS}
        try:
            services.set_rights_flags(client, values=values, version=form.cleaned_data["version"])
        except StaleEditError:
            messages.error(
                request,
                _("Someone else changed this record after you opened it. Check it and try again."),
            )
            return redirect("clients:rights", pk=pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Record updated."))
            return redirect("clients:detail", pk=pk)
    else:
        record_read(request, client, fields=services.RIGHTS_FIELDS)
    return render(request, "clients/rights.html", {"client": client, "form": form})
