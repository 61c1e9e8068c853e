"""Turning report tables into rows for HTML: one service, or several side by side."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .charts import chart_alt, chart_data_uri, spc_chart_data_uri
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
) -> dict | None:
    """An XmR chart ready for a template: the picture, the icons in words, and the
    points that show special cause (so the chart's message is there without the picture).
    None when the series is too short for process limits to mean anything."""
    if len(values) < MINIMUM_POINTS:
        return None
    chart = xmr(values, better=better, target=target)
    return {
        "title": title,
        "slug": slug,
        "chart": spc_chart_data_uri(chart, labels, title=title, slug=slug),
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
