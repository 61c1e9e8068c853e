"""Evaluation report, benchmarking, downloads and the manager's dashboard.

Thin views: access and figures come from :mod:`vocrehab.reports.queries`. None of
these pages shows a person: only aggregates (and, on the dashboard for managers, the
names of staff holding caseloads).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, requires
from vocrehab.audit.services import record_export

from . import exports, presentation, queries
from .evaluation import ReportError
from .forms import DashboardForm, DownloadForm, EvaluationForm
from .presentation import benchmark_sections, sections


def _query_without(request, *names):
    params = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in names]
    return urlencode(params)


@requires(Perm.VIEW_REPORTS)
def evaluation(request):
    form = EvaluationForm(request.GET or None, user=request.user)
    context = {"form": form, "formats": exports.FORMATS}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            report, suppressed = queries.evaluation_for(
                request.user,
                data["services"],
                data["date_from"],
                data["date_to"],
                publication=data["publication"],
                value_set=data["value_set"] or None,
            )
        except ReportError as exc:
            form.add_error("value_set", str(exc))
        else:
            context.update(
                report=report,
                suppressed=suppressed,
                sections=sections(report),
                query=_query_without(request, "format"),
            )
    return render(request, "reports/evaluation.html", context)


@requires(Perm.VIEW_REPORTS)
def download(request):
    form = DownloadForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "reports/evaluation.html",
            {"form": form, "formats": exports.FORMATS},
            status=400,
        )
    data = form.cleaned_data
    try:
        report, suppressed = queries.evaluation_for(
            request.user,
            data["services"],
            data["date_from"],
            data["date_to"],
            publication=data["publication"],
            value_set=data["value_set"] or None,
        )
    except ReportError as exc:
        form.add_error("value_set", str(exc))
        return render(
            request,
            "reports/evaluation.html",
            {"form": form, "formats": exports.FORMATS},
            status=400,
        )
    fmt = data["format"]
    if fmt == "json":
        body = exports.to_json(report)
    elif fmt == "csv":
        body = exports.to_csv_zip(report)
    elif fmt == "xlsx":
        body = exports.to_xlsx(report)
    else:
        body = exports.to_pdf(report, suppressed=suppressed)
    codes = [s.code for s in data["services"]]
    record_export(
        request,
        detail=(
            f"evaluation report {fmt} services={','.join(codes)} "
            f"from={data['date_from'] or ''} to={data['date_to'] or ''}"
            f"{' suppressed' if suppressed else ''}"
        ),
        service_id=data["services"][0].pk if len(codes) == 1 else None,
    )
    name = f"evaluation-{timezone.localdate().isoformat()}.{exports.EXTENSIONS[fmt]}"
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Perm.VIEW_REPORTS)
def benchmark(request):
    form = EvaluationForm(request.GET or None, user=request.user)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        columns, suppressed = queries.benchmark_for(
            request.user,
            data["services"],
            data["date_from"],
            data["date_to"],
            publication=data["publication"],
        )
        context.update(
            columns=[label for label, _r in columns],
            sections=benchmark_sections(columns),
            suppressed=suppressed,
        )
    return render(request, "reports/benchmark.html", context)


@requires(Perm.VIEW_DASHBOARD)
def dashboard(request):
    services = queries.dashboard_services(request.user)
    form = DashboardForm(request.GET or None, services=services)
    chosen = None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["service"]
    if chosen is None:
        current = getattr(request, "service", None)
        chosen = current if current and services.filter(pk=current.pk).exists() else None
    chosen = chosen or services.first()
    figures = queries.dashboard([chosen], months=24) if chosen else None
    referrals_chart = None
    if figures:
        referrals_chart = presentation.spc_panel(
            [m["referrals"] for m in figures["months"]],
            [date_format(m["month"], "M Y") for m in figures["months"]],
            title=_("Referrals per month"),
            slug="spc-referrals",
        )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "service": chosen,
            "figures": figures,
            "referrals_chart": referrals_chart,
            "title": _("Dashboard"),
        },
    )
