"""The Scheduled reports pages: a person's subscriptions and runs, subscribing from the
evaluation page, cancelling, and downloading a run's files.

Thin views: the rules are in :mod:`vocrehab.reports.scheduled`. A person sees and
downloads only their own runs, and only while they may still report on the services
a run covers; every download is logged as an export.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vocrehab.accounts.access import Perm, requires
from vocrehab.accounts.models import Service
from vocrehab.audit.services import record_export

from . import exports, scheduled
from .forms import EvaluationForm, SubscriptionForm
from .models import ReportSubscription, RunStatus, ScheduledRun


def _choice_labels(user):
    """{field name: {value: label}} for the evaluation form's single-choice fields."""
    form = EvaluationForm(user=user)
    labels = {}
    for name, field in form.fields.items():
        if name in ("services", *scheduled.PERIOD_PARAMETERS):
            continue
        choices = getattr(field, "choices", None)
        if choices is not None:
            labels[name] = {str(value): str(label) for value, label in choices if value != ""}
    return form, labels


def _describe(subscriptions, user) -> None:
    """Set ``covers`` on each subscription: its report's choices in words."""
    ids = {
        int(pk) for s in subscriptions for pk in s.parameters.get("services", []) if pk.isdigit()
    }
    names = dict(Service.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    form, labels = _choice_labels(user) if subscriptions else (None, {})
    for subscription in subscriptions:
        lines = []
        for name, values in subscription.parameters.items():
            if name == "services":
                services = [
                    names.get(int(v) if v.isdigit() else v, _("a service that no longer exists"))
                    for v in values
                ]
                lines.append(_("Services: %(names)s") % {"names": ", ".join(services)})
            elif name == "publication":
                if values and values[0] not in ("", "0", "false", "off"):
                    lines.append(_("For publication: small numbers suppressed"))
            elif name in form.fields:
                shown = [labels.get(name, {}).get(v, v) for v in values if v]
                if shown:
                    lines.append(f"{form.fields[name].label}: {', '.join(shown)}")
        subscription.covers = lines


@requires(Perm.VIEW_REPORTS)
def scheduled_list(request):
    runs = ScheduledRun.objects.order_by("-period_start", "-pk")
    subscriptions = list(
        ReportSubscription.objects.filter(owner=request.user).prefetch_related(
            Prefetch("runs", queryset=runs)
        )
    )
    _describe(subscriptions, request.user)
    today = timezone.localdate()
    for subscription in subscriptions:
        runs = subscription.runs.all()
        for run in runs:
            run.period = scheduled.period_words(run.period_start, run.period_end)
        start, end, made_on = scheduled.next_report(
            subscription.frequency, today, [run.period_start for run in runs]
        )
        subscription.next_period = scheduled.period_words(start, end)
        subscription.next_made_on = made_on
    return render(
        request,
        "reports/scheduled.html",
        {"subscriptions": subscriptions, "DONE": RunStatus.DONE, "FAILED": RunStatus.FAILED},
    )


@requires(Perm.VIEW_REPORTS)
@require_http_methods(["GET", "POST"])
def subscribe(request):
    report_form, parameters = scheduled.report_parameters(request.GET, request.user)
    if not report_form.is_valid():
        return render(
            request,
            "reports/subscribe.html",
            {"report_form": report_form, "report_url": _evaluation_url(request)},
            status=400,
        )
    chosen = report_form.cleaned_data["services"]
    if len(chosen) == 1:
        suggested = _("Evaluation report: %(service)s") % {"service": chosen[0].name}
    else:
        suggested = _("Evaluation report: %(n)s services") % {"n": len(chosen)}
    form = SubscriptionForm(request.POST or None, initial={"name": suggested})
    if request.method == "POST" and form.is_valid():
        scheduled.subscribe(
            request.user,
            name=form.cleaned_data["name"],
            frequency=form.cleaned_data["frequency"],
            parameters=parameters,
        )
        start, end, _made_on = scheduled.next_report(
            form.cleaned_data["frequency"], timezone.localdate()
        )
        messages.success(
            request,
            _(
                "Subscribed. The first report, for %(period)s, is made overnight; you get an "
                "email when it is ready."
            )
            % {"period": scheduled.period_words(start, end)},
        )
        return redirect("reports:scheduled")
    pending = ReportSubscription(parameters=parameters)
    _describe([pending], request.user)
    return render(
        request,
        "reports/subscribe.html",
        {
            "form": form,
            "report_form": report_form,
            "covers": pending.covers,
            "period_ignored": any(request.GET.get(p) for p in scheduled.PERIOD_PARAMETERS),
            "report_url": _evaluation_url(request),
        },
        status=400 if form.is_bound else 200,
    )


def _evaluation_url(request) -> str:
    query = urlencode([(k, v) for k in request.GET for v in request.GET.getlist(k)])
    return reverse("reports:evaluation") + (f"?{query}" if query else "")


@requires(Perm.VIEW_REPORTS)
@require_http_methods(["GET", "POST"])
def cancel(request, subscription_id):
    subscription = get_object_or_404(
        ReportSubscription, pk=subscription_id, owner=request.user, active=True
    )
    if request.method == "POST":
        scheduled.cancel(subscription)
        messages.success(
            request,
            _("“%(name)s” cancelled. Its reports made so far stay here to download.")
            % {"name": subscription.name},
        )
        return redirect("reports:scheduled")
    return render(request, "reports/scheduled_cancel.html", {"subscription": subscription})


@requires(Perm.VIEW_REPORTS)
def download(request, run_id, fmt):
    run = get_object_or_404(scheduled.runs_of(request.user), pk=run_id)
    entry = run.file(fmt)
    if entry is None or fmt not in scheduled.RUN_FORMATS:
        raise Http404(_("This report has no %(format)s file.") % {"format": fmt.upper()})
    if not scheduled.may_download(request.user, run):
        raise PermissionDenied(
            _("You may no longer see this report: your access to its services has changed.")
        )
    path = scheduled.run_dir(run) / entry["name"]
    if not path.is_file():
        raise Http404(_("The files of this report have been removed."))
    record_export(
        request,
        detail=(
            f"scheduled evaluation report {run.pk} {fmt} downloaded "
            f"from={run.period_start} to={run.period_end}"
            f"{' suppressed' if run.suppressed else ''}"
        ),
        service_id=run.service_ids[0] if len(run.service_ids) == 1 else None,
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=entry["name"],
        content_type=exports.CONTENT_TYPES[fmt],
    )
