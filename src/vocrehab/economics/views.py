"""Cost-benefit analysis pages: run an analysis, see and copy presets.

Only aggregate counts are read; the services offered are those where the user may run
the cost-benefit analysis. Downloads are logged as exports.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, is_aggregate_only, requires, services_for
from vocrehab.audit.services import record_export

from . import files, queries, services
from .analysis import run_analysis
from .cost_benefit import PARAMETER_SPECS, ModelInputError
from .forms import AnalysisForm, PresetCopyForm
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
    context = {"form": form, "errors": []}
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
    upload = form.cleaned_data.get("costs_file")
    costs = files.parse_costs(upload.read(), upload.name) if upload else None
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
