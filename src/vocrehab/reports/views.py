"""Evaluation report, benchmarking, downloads and the manager's dashboard.

Thin views: access and figures come from :mod:`vocrehab.reports.queries`. None of
these pages shows a person but one: only aggregates (and, on the dashboard for
managers, the names of staff holding caseloads). The exception is the list of episodes
behind a count of the data-quality page, for those who may see the service's people,
recorded in the access log.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from vocrehab.accounts.access import (
    Perm,
    has_perm,
    is_aggregate_only,
    requires,
    services_beneath,
)
from vocrehab.audit.services import record_export, record_listing
from vocrehab.codes import FOLLOWUP_WINDOW_CLOSES_DAYS

from . import exports, presentation, queries
from .evaluation import ReportError
from .forms import DashboardForm, DownloadForm, EvaluationForm
from .presentation import benchmark_sections


def _query_without(request, *names):
    params = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in names]
    return urlencode(params)


@requires(Perm.VIEW_REPORTS)
def evaluation(request):
    form = EvaluationForm(request.GET or None, user=request.user)
    context = {
        "form": form,
        "formats": exports.FORMATS,
        "may_see_data_quality": has_perm(request.user, Perm.VIEW_DATA_QUALITY),
    }
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
                query=_query_without(request, "format", "section", "table"),
                **presentation.report_page(
                    report, request.GET.get("section", ""), request.GET.get("table", "")
                ),
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
        panels = presentation.change_over_time(
            data["services"], data["date_from"], data["date_to"], suppressed=suppressed
        )
        body = exports.to_pdf(
            report,
            suppressed=suppressed,
            change_over_time=panels,
            summary=presentation.summary(report),
        )
    codes = [s.code for s in data["services"]]
    area = f"area={data['area'].code} " if data.get("area") else ""
    record_export(
        request,
        detail=(
            f"evaluation report {fmt} {area}services={','.join(codes)} "
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
            area=data["area"],
        )
        context.update(
            columns=[label for label, _r in columns],
            sections=benchmark_sections(columns),
            suppressed=suppressed,
        )
    return render(request, "reports/benchmark.html", context)


def _chosen_service(request, services, areas=()):
    """(form, area, service) for a page about the user's services: the node asked for
    (``area``, with service None); else the service asked for, else the one they are
    working in, else their first. Someone who sees only aggregates and was granted a
    node starts at the top node they may see."""
    form = DashboardForm(request.GET or None, services=services, areas=areas)
    chosen = area = None
    if form.is_bound and form.is_valid():
        area = form.cleaned_data.get("area")
        chosen = form.cleaned_data["service"]
    if area is None and chosen is None and areas and is_aggregate_only(request.user):
        area = areas[0]
        if "area" in form.fields and not form.is_bound:
            form.fields["area"].initial = area.pk
    if area is not None:
        return form, area, None
    if chosen is None:
        current = getattr(request, "service", None)
        chosen = current if current and services.filter(pk=current.pk).exists() else None
    chosen = chosen or services.first()
    if chosen is not None and not form.is_bound:
        form.fields["service"].initial = chosen.pk  # the select names what is shown
    return form, None, chosen


@requires(Perm.VIEW_DASHBOARD)
def dashboard(request):
    user = request.user
    services = queries.dashboard_services(user)
    form, area, chosen = _chosen_service(
        request, services, queries.areas_for(user, Perm.VIEW_DASHBOARD)
    )
    shown = list(services.filter(services_beneath(area))) if area else [chosen] if chosen else []
    figures, suppressed = queries.dashboard_for(user, shown, months=24) if shown else (None, False)
    panels = presentation.trend_panels(figures["trends"], suppressed=suppressed) if figures else []
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "area": area,
            "service": chosen,
            "services": shown,
            "figures": figures,
            "suppressed": suppressed,
            "may_see_data_quality": chosen is not None
            and has_perm(user, Perm.VIEW_DATA_QUALITY, chosen),
            "trend_panels": panels,
            "referrals_chart": panels[0] if panels else None,
            "title": _("Dashboard"),
        },
    )


@requires(Perm.VIEW_DATA_QUALITY)
def data_quality(request):
    form, _area, chosen = _chosen_service(request, queries.data_quality_services(request.user))
    figures = queries.data_quality(chosen) if chosen else None
    return render(
        request,
        "reports/data_quality.html",
        {
            "form": form,
            "service": chosen,
            "figures": figures,
            "may_list": bool(chosen) and queries.may_list_episodes(request.user, chosen),
            "followup_days": FOLLOWUP_WINDOW_CLOSES_DAYS,
        },
    )


@requires(Perm.VIEW_PERSON)
def data_quality_episodes(request, service_id):
    params = request.GET
    service, title, episodes = queries.data_quality_episodes(
        request.user,
        service_id,
        check=params.get("check", ""),
        instrument=params.get("instrument", ""),
        timepoint=params.get("timepoint", ""),
        measure=params.get("measure", ""),
    )
    page = Paginator(episodes, 100).get_page(params.get("page"))
    record_listing(
        request,
        page=f"data quality: {title}",
        client_ids=[e.client_id for e in page.object_list],
        service_id=service.pk,
    )
    return render(
        request,
        "reports/data_quality_episodes.html",
        {"service": service, "title": title, "page": page},
    )
