"""Finding a client and reading their record (staff of their service only)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from vocrehab.accounts.access import Perm, requires, services_for
from vocrehab.audit.services import record_read

from . import queries


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, NHS or CHI number, date of birth or reference"),
        help_text=_("For example: Smith, Ann Smith, 943 476 5919, 14/05/1970 or VR-7K3M9Q"),
        max_length=100,
    )


def _service(request):
    allowed = services_for(request.user, Perm.VIEW_PERSON)
    current = getattr(request, "service", None)
    if current is not None and allowed.filter(pk=current.pk).exists():
        return current
    service = allowed.order_by("name").first()
    if service is None:
        raise PermissionDenied
    return service


@requires(Perm.VIEW_PERSON)
def search(request):
    """Search the current service's clients. Results name people, so the page is not cached."""
    service = _service(request)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = list(queries.search_clients(service, form.cleaned_data["q"]))
    return render(
        request,
        "clients/search.html",
        {"form": form, "results": results, "service": service},
    )


@requires(Perm.VIEW_PERSON)
def detail(request, pk):
    """One client's record, with their episodes; the read is logged."""
    client = queries.client_for(request.user, pk)
    record_read(request, client)
    episodes = list(
        client.episodes.select_related("case_manager", "referral", "previous_episode").order_by(
            "-referral_date", "-pk"
        )
    )
    return render(request, "clients/detail.html", {"client": client, "episodes": episodes})
