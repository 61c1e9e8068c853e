"""Cost-benefit analysis pages: run an analysis, see and copy presets.

Only aggregate counts are read; the services offered are those where the user may run
the cost-benefit analysis. Downloads are logged as exports.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vocrehab.accounts.access import Perm, has_perm, is_aggregate_only, requires, services_for
from vocrehab.audit.services import record_export

from . import files, queries, services
from .analysis import run_analysis
from .cost_benefit import PARAMETER_SPECS, ModelInputError
from .forms import AnalysisForm, CostYearForm, PresetCopyForm, StaffLinesFormSet
from .models import ServiceCostYear
from .report import _display_value, report_context

CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@requires(Perm.RUN_ECONOMICS)
def analysis(request):
    allowed = services_for(request.user, Perm.RUN_ECONOMICS)
    form = AnalysisForm(request.POST or None, request.FILES or None, services=allowed)
    context = {
        "form": form,
        "errors": [],
        "perms_manage_service": has_perm(request.user, Perm.MANAGE_SERVICE),
    }
    if request.method == "POST" and form.is_valid():
        try:
            result, preset = _run(form)
        except ModelInputError as exc:
            context["errors"] = exc.messages
        else:
            chosen = form.cleaned_data["services"]
            suppress = is_aggregate_only(request.user)
            context |= report_context(result, preset, suppress_small=suppress)
            context["services"] = chosen
            context["period"] = (form.cleaned_data["date_from"], form.cleaned_data["date_to"])
            output = form.cleaned_data["output"]
            if output != "html":
                return _download(request, output, result, preset, context)
    return render(request, "economics/analysis.html", context)


def _run(form):
    name, version = form.preset_name_version()
    preset = queries.get_preset(name, version)
    outcomes = queries.outcomes_for(
        services=form.cleaned_data["services"],
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    # An uploaded file first, then the costs entered on screen, then the preset's own.
    upload = form.cleaned_data.get("costs_file")
    if upload:
        costs = files.parse_costs(upload.read(), upload.name)
    else:
        costs = queries.stored_costs(form.cleaned_data["services"])
    result = run_analysis(
        preset,
        outcomes,
        costs,
        draws=form.cleaned_data["draws"],
        seed=form.cleaned_data["seed"],
    )
    return result, preset


def _download(request, output, result, preset, context):
    codes = ",".join(s.code for s in context["services"])
    record_export(request, detail=f"cost-benefit analysis {output} ({preset.name}; {codes})")
    if output == "json":
        body = files.to_json(result).encode()
    elif output == "xlsx":
        body = files.to_xlsx(result, preset)
    else:
        html = render_to_string("economics/report_print.html", context, request=request)
        body = files.to_pdf(html)
    response = HttpResponse(body, content_type=CONTENT_TYPES[output])
    response["Content-Disposition"] = f'attachment; filename="cost-benefit-{preset.name}.{output}"'
    return response


@requires(Perm.RUN_ECONOMICS)
def preset_list(request):
    return render(request, "economics/preset_list.html", {"presets": queries.preset_choices()})


@requires(Perm.RUN_ECONOMICS)
def preset_detail(request, name, version):
    preset = _preset_or_404(name, version)
    rows = report_context_rows(preset)
    return render(request, "economics/preset_detail.html", {"preset": preset, "rows": rows})


def report_context_rows(preset):
    values = preset.parameters.as_values()
    return [
        {
            "name": name,
            "label": spec.label,
            "value": _display_value(values[name]),
            "unit": spec.unit,
            "range": preset.ranges.get(name),
            "source": preset.sources.get(name, {}).get("source", ""),
            "year": preset.sources.get(name, {}).get("year", ""),
        }
        for name, spec in PARAMETER_SPECS.items()
    ]


@requires(Perm.RUN_ECONOMICS)
def preset_copy(request, name, version):
    preset = _preset_or_404(name, version)
    form = PresetCopyForm(request.POST or None, preset=preset)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            row = services.copy_preset(
                source=name,
                source_version=version,
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                changes=form.changes(),
                sources=form.sources(),
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ModelInputError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Saved %(name)s version %(version)s.")
                % {"name": row.name, "version": row.version},
            )
            return redirect(reverse("economics:preset_detail", args=[row.name, row.version]))
    return render(
        request,
        "economics/preset_copy.html",
        {"preset": preset, "form": form, "errors": errors},
    )


def _preset_or_404(name, version):
    try:
        return queries.get_preset(name, version)
    except ModelInputError:
        raise Http404(_("There is no such preset.")) from None


@requires(Perm.MANAGE_SERVICE)
def cost_list(request):
    """The costs entered for each service the user manages, year by year."""
    managed = services_for(request.user, Perm.MANAGE_SERVICE).order_by("name")
    return render(
        request,
        "economics/cost_list.html",
        {"services": [(service, queries.cost_years(service)) for service in managed]},
    )


def _managed_service(request, service_id):
    return get_object_or_404(services_for(request.user, Perm.MANAGE_SERVICE), pk=service_id)


@requires(Perm.MANAGE_SERVICE)
def cost_year_edit(request, service_id, year=None):
    """Enter or change one year of a service's costs and its staff lines."""
    service = _managed_service(request, service_id)
    cost_year = None
    if year is not None:
        cost_year = get_object_or_404(ServiceCostYear, service=service, year=year)
    lines = [
        {"role": s.role, "fte": s.fte, "annual_cost": s.annual_cost}
        for s in (cost_year.staff.all() if cost_year else [])
    ]
    if cost_year is None:
        taken = set(service.cost_years.values_list("year", flat=True))
        first_free = next(n for n in range(1, 12) if n not in taken)
        initial = {"year": first_free}
    else:
        initial = {}
    form = CostYearForm(request.POST or None, instance=cost_year, initial=initial)
    staff = StaffLinesFormSet(request.POST or None, initial=lines, prefix="staff")
    errors = []
    if request.method == "POST" and form.is_valid() and staff.is_valid():
        try:
            services.save_cost_year(
                service,
                year=form.cleaned_data["year"],
                label=form.cleaned_data["label"],
                non_staff=form.cleaned_data["non_staff"],
                overhead_pct=form.cleaned_data["overhead_pct"],
                staff=[line for f in staff.forms if (line := f.line())],
                by=request.user,
                replacing=cost_year,
            )
        except ModelInputError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _("Saved the costs of %(service)s, year %(year)s.")
                % {"service": service.name, "year": form.cleaned_data["year"]},
            )
            return redirect("economics:cost_list")
    return render(
        request,
        "economics/cost_year_form.html",
        {
            "service": service,
            "cost_year": cost_year,
            "form": form,
            "staff": staff,
            "errors": errors,
        },
    )


@requires(Perm.MANAGE_SERVICE)
@require_POST
def cost_year_delete(request, service_id, year):
    service = _managed_service(request, service_id)
    get_object_or_404(ServiceCostYear, service=service, year=year).delete()
    messages.success(
        request,
        _("Removed year %(year)s of the costs of %(service)s.")
        % {"service": service.name, "year": year},
    )
    return redirect("economics:cost_list")
