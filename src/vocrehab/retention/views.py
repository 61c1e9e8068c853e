"""The retention pages: what is due for disposal (service managers), and the schedule."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vocrehab.accounts.access import Perm, requires, services_for
from vocrehab.audit.services import record_listing
from vocrehab.episodes.models import Episode

from . import queries, services
from .forms import ConfirmForm, ScheduleForm

PAGE_SIZE = 50


def _service(request, perm):
    """The current service if the user may do ``perm`` there, else their first such."""
    allowed = services_for(request.user, perm)
    current = getattr(request, "service", None)
    if current is not None and allowed.filter(pk=current.pk).exists():
        return current
    service = allowed.order_by("name").first()
    if service is None:
        raise PermissionDenied
    return service


def _fingerprint(awaiting) -> str:
    """What the manager was shown: the number waiting and the newest found."""
    summary = awaiting.aggregate(newest=Max("pk"))
    return f"{awaiting.count()}:{summary['newest'] or 0}"


@requires(Perm.DISPOSE_RECORDS)
@require_http_methods(["GET", "POST"])
def due(request):
    """People past their retention period, and the manager's confirmation to dispose."""
    service = _service(request, Perm.DISPOSE_RECORDS)
    awaiting = queries.awaiting(service)
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if not form.is_valid() or form.cleaned_data["shown"] != _fingerprint(awaiting):
            messages.error(
                request,
                _("The list changed after you opened it. Check it again before confirming."),
            )
            return redirect("retention:due")
        done = services.dispose(
            service, by=request.user, today=timezone.localdate(), request=request
        )
        messages.success(
            request,
            _("%(people)s people's records (%(episodes)s episodes) anonymised.")
            % {"people": done.clients, "episodes": done.episodes},
        )
        return redirect("retention:due")
    page = Paginator(awaiting.select_related("client"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    episode_ids = [pk for row in rows for pk in row.episode_ids]
    episodes = Episode.objects.filter(pk__in=episode_ids).only(
        "pk", "reference", "referral_date", "discharge_date"
    )
    by_id = {episode.pk: episode for episode in episodes}
    for row in rows:
        row.episodes = [by_id[pk] for pk in row.episode_ids if pk in by_id]
    record_listing(
        request,
        page="retention due",
        client_ids=[row.client_id for row in rows],
        service_id=service.pk,
    )
    totals = {
        "people": page.paginator.count,
        "episodes": sum(len(ids) for ids in awaiting.values_list("episode_ids", flat=True)),
    }
    return render(
        request,
        "retention/due.html",
        {
            "service": service,
            "page": page,
            "rows": rows,
            "totals": totals,
            "schedule": queries.schedule_for(service),
            "confirm_form": ConfirmForm(initial={"shown": _fingerprint(awaiting)}),
        },
    )


@requires(Perm.MANAGE_SERVICE)
def schedule(request):
    """The service's retention periods (service managers and administrators)."""
    service = request.service
    if (
        service is None
        or not services_for(request.user, Perm.MANAGE_SERVICE).filter(pk=service.pk).exists()
    ):
        raise Http404
    form = ScheduleForm(request.POST or None, instance=queries.schedule_for(service))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Retention schedule saved."))
        return redirect("retention:schedule")
    return render(request, "retention/schedule.html", {"form": form, "service": service})
