"""Turning report tables into rows for HTML: one service, or several side by side."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vocrehab.disclosure import is_small
from vocrehab.episodes.standards import TARGET_PERCENT

from .charts import chart_alt, chart_data_uri, spc_chart_data_uri, spc_chart_svg
from .exports import table_display
from .spc import (
    ASSURANCE_LABELS,
    MINIMUM_POINTS,
    RULE_LABELS,
    VARIATION_LABELS,
    Better,
    xmr,
)
from .tables import TABLES
from .trends import monthly_series

# The measure shown side by side when benchmarking, per table.
_HEADLINE = ("percent", "mean", "count", "met", "clients", "respondents", "total")


def sections(report: dict, *, charts: bool = True) -> list[dict]:
    """Each table of ``report`` ready for a template: title, n, chart, headers, rows."""
    out = []
    for table_id, table in report["tables"].items():
        display = table_display(table_id, table)
        out.append(
            {
                "id": table_id,
                "title": table["title"],
                "n": table["n"],
                "spec": TABLES[table_id],
                "value_set": table.get("value_set"),
                "headers": [
                    {"text": h, "numeric": numeric}
                    for h, numeric in zip(display["headers"], display["numeric"], strict=True)
                ],
                "rows": display["rows"],
                "note": display["note"],
                "chart": chart_data_uri(table_id, table) if charts else None,
                "chart_alt": chart_alt(table_id, table) if charts else "",
            }
        )
    return out


def _format(value, suppressed, measure):
    if value is None:
        return _("suppressed") if suppressed else "–"
    if isinstance(value, float):
        return f"{value:.1f}{'%' if measure.startswith('percent') else ''}"
    return str(value)


def _n(n):
    return _("suppressed") if n is None else n


def benchmark_sections(columns: list[tuple[str, dict]]) -> list[dict]:
    """Tables with one column per service (and 'all'), a headline measure per cell.

    Cells are matched on their dimensions, so a code present in one service only still
    gets a row, with a dash elsewhere.
    """
    out = []
    first = columns[0][1]
    for table_id in first["tables"]:
        spec = TABLES[table_id]
        measure = next((m for m in _HEADLINE if m in spec.measures), spec.measures[0])
        keys: list[tuple] = []
        values: dict[tuple, dict[str, str]] = {}
        for label, report in columns:
            for cell in report["tables"][table_id]["cells"]:
                key = tuple((d, cell[d]) for d in spec.dimensions if d in cell)
                if key not in values:
                    keys.append(key)
                    values[key] = {}
                values[key][label] = _format(cell.get(measure), cell["suppressed"], measure)
        rows = []
        for key in keys:
            label = " · ".join(str(v).replace("_", " ") or _("total") for _d, v in key) or "–"
            rows.append([label, *(values[key].get(lbl, "–") for lbl, _r in columns)])
        out.append(
            {
                "id": table_id,
                "title": first["tables"][table_id]["title"],
                "measure": measure.replace("_", " "),
                "headers": [{"text": ""}]
                + [
                    {"text": f"{lbl} (n={_n(r['tables'][table_id]['n'])})", "numeric": True}
                    for lbl, r in columns
                ],
                "rows": rows,
            }
        )
    return out


def spc_panel(
    values: list[float],
    labels: list[str],
    *,
    title: str,
    slug: str,
    better: Better = Better.NEITHER,
    target: float | None = None,
    inline: bool = False,
) -> dict | None:
    """An XmR chart ready for a template: the picture, the icons in words, and the
    points that show special cause (so the chart's message is there without the picture).
    None when the series is too short for process limits to mean anything. ``inline``
    gives the picture as SVG markup (for the PDF) rather than a ``data:`` address."""
    if len(values) < MINIMUM_POINTS:
        return None
    chart = xmr(values, better=better, target=target)
    draw = spc_chart_svg if inline else spc_chart_data_uri
    return {
        "title": title,
        "slug": slug,
        "better": better,
        "target": target,
        "chart": draw(chart, labels, title=title, slug=slug),
        "mean": chart.mean,
        "upper_limit": chart.upper_limit,
        "lower_limit": max(chart.lower_limit, 0) if min(values) >= 0 else chart.lower_limit,
        "variation": chart.variation,
        "variation_label": VARIATION_LABELS[chart.variation],
        "assurance_label": ASSURANCE_LABELS[chart.assurance] if chart.assurance else "",
        "special": [
            {
                "label": label,
                "value": point.value,
                "rules": [RULE_LABELS[r] for r in sorted(point.rules)],
            }
            for label, point in zip(labels, chart.points, strict=True)
            if point.special_cause
        ],
    }


# The charts of change over time, in the order shown: title, which way is better, target.
TREND_CHARTS = {
    "referrals": (gettext_lazy("Referrals per month"), Better.NEITHER, None),
    "days_to_first_contact": (
        gettext_lazy("Median days from referral to first contact, by month of referral"),
        Better.LOWER,
        None,
    ),
    "days_to_assessment": (
        gettext_lazy("Median days from referral to assessment, by month of referral"),
        Better.LOWER,
        None,
    ),
    "standard_first_contact": (
        gettext_lazy("Percent meeting the first contact standard, by month of referral"),
        Better.HIGHER,
        TARGET_PERCENT,
    ),
    "standard_assessment": (
        gettext_lazy("Percent meeting the assessment standard, by month of referral"),
        Better.HIGHER,
        TARGET_PERCENT,
    ),
    "in_work_at_discharge": (
        gettext_lazy("Percent in work at discharge, by month of discharge"),
        Better.HIGHER,
        None,
    ),
    "questionnaire_completion": (
        gettext_lazy("Percent of assessed episodes with an entry questionnaire, by month"),
        Better.HIGHER,
        None,
    ),
}
BETTER_LABELS = {
    Better.HIGHER: gettext_lazy("Higher is better"),
    Better.LOWER: gettext_lazy("Lower is better"),
    Better.NEITHER: gettext_lazy("Neither higher nor lower is better"),
}


def _shown(value, kind: str) -> str:
    if kind == "count":
        return str(int(value))
    return f"{value:.1f}{'%' if kind == 'percent' else ''}"


def trend_panels(series: dict, *, suppressed: bool = False, inline: bool = False) -> list[dict]:
    """Every chart of change over time (``trends.monthly_series``), each with its data
    as a table. A month with nothing to measure is left out of the chart; when the
    figures are suppressed, so is a month whose value rests on a small number. With
    fewer months left than an XmR chart needs, the panel says so instead of drawing; nor
    is a chart drawn when a month was suppressed (``withheld``: the months hidden), since
    process limits over the months left would paint the series wrongly."""
    panels = []
    for slug, (title, better, target) in TREND_CHARTS.items():
        found = series[slug]
        rows, values, labels = [], [], []
        withheld = 0
        for month in found.months:
            label = date_format(month["month"], "M Y")
            hidden = suppressed and is_small(month["n"])
            if month["value"] is None:
                shown = "–"
            elif hidden:
                shown = _("suppressed")
                withheld += 1
            else:
                shown = _shown(month["value"], found.kind)
                values.append(month["value"])
                labels.append(label)
            rows.append(
                {
                    "label": label,
                    "value": shown,
                    "n": _("suppressed") if hidden else month["n"],
                }
            )
        slug_id = f"spc-{slug.replace('_', '-')}"
        panel = None
        if not withheld:
            panel = spc_panel(
                values,
                labels,
                title=str(title),
                slug=slug_id,
                better=better,
                target=target,
                inline=inline,
            )
        panel = panel or {"title": str(title), "slug": slug_id, "chart": None}
        panel.update(
            rows=rows,
            points=len(values),
            minimum=MINIMUM_POINTS,
            withheld=withheld,
            better_label=BETTER_LABELS[better],
            kind=found.kind,
        )
        panels.append(panel)
    return panels


def change_over_time(services, date_from=None, date_to=None, *, suppressed: bool) -> list[dict]:
    """The charts of change over time for the PDF report of ``services`` and a period:
    from the period's first month (or two years back) to its end (or today), as SVG."""
    today = min(filter(None, (date_to, dt.date.today())))
    series = monthly_series(services, today=today, first=date_from)
    return trend_panels(series, suppressed=suppressed, inline=True)
