"""What the web page and the PDF show of an analysis: tables and a tornado chart.

The chart is drawn as SVG geometry computed here (no scripts, no inline styles), so
it works under the Content Security Policy and prints in the PDF.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from vocrehab.disclosure import is_small, threshold
from vocrehab.economics.cost_benefit import OUTCOME_KINDS, PARAMETER_SPECS, Result
from vocrehab.economics.presets import Preset

BENEFIT_LABELS = {
    "welfare": (_("Savings in welfare payments"), _("DWP")),
    "tax_ni": (_("Tax and National Insurance"), _("HM Treasury")),
    "nhs": (_("Reduced health service use"), _("NHS")),
    "employers": (_("Reduced sickness absence"), _("Employers")),
}
OUTCOME_LABELS = {
    "stayed_in_work": (_("Stayed in work"), "in_work_at_entry", _("in work at entry")),
    "returned_to_work": (_("Returned to work"), "off_sick_at_entry", _("off sick at entry")),
    "moved_into_work": (_("Moved into work"), "not_in_work_at_entry", _("not in work at entry")),
}

_CHART_WIDTH = 860
_LABEL_WIDTH = 360
_BAR_HEIGHT = 22
_GAP = 8


def _shown(count, suppress: bool):
    if suppress and is_small(count):
        return _("fewer than %(n)s") % {"n": threshold()}
    return count


def report_context(result: Result, preset: Preset | None, *, suppress_small: bool) -> dict:
    """Template context for ``economics/_result.html``."""
    data = result.to_dict()
    outcomes = data["outcomes"]
    outcome_rows = [
        {
            "label": OUTCOME_LABELS[kind][0],
            "observed": _shown(outcomes[kind], suppress_small),
            "at_risk": _shown(outcomes[OUTCOME_LABELS[kind][1]], suppress_small),
            "at_risk_label": OUTCOME_LABELS[kind][2],
            "attributable": data["attributable"][kind],
        }
        for kind in OUTCOME_KINDS
    ]
    benefit_rows = [
        {"label": label, "beneficiary": who, "amount": data["benefits"][key]}
        for key, (label, who) in BENEFIT_LABELS.items()
    ]
    sources = preset.sources if preset else {}
    ranges = preset.ranges if preset else {}
    parameter_rows = [
        {
            "name": name,
            "label": PARAMETER_SPECS[name].label,
            "value": _display_value(value),
            "unit": PARAMETER_SPECS[name].unit,
            "range": ranges.get(name),
            "source": sources.get(name, {}).get("source", ""),
            "year": sources.get(name, {}).get("year", ""),
        }
        for name, value in data["parameters"].items()
    ]
    sensitivity = data.get("sensitivity") or {}
    return {
        "data": data,
        "preset_obj": preset,
        "outcome_rows": outcome_rows,
        "health": {
            "respondents": _shown(outcomes["respondents"], suppress_small),
            "cohort_size": _shown(outcomes["cohort_size"], suppress_small),
        },
        "suppressed": suppress_small,
        "benefit_rows": benefit_rows,
        "parameter_rows": parameter_rows,
        "sensitivity": sensitivity,
        "tornado": tornado(sensitivity.get("one_way")) if sensitivity else None,
    }


def _display_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes")) if value else str(_("no"))
    if isinstance(value, list):
        parts = []
        for band in value:
            width = "rest" if band["width"] is None else f"£{band['width']:,.0f}"
            parts.append(f"{width} at {band['rate']:g}%")
        return "; ".join(parts)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def tornado(one_way: dict | None) -> dict | None:
    """Bar geometry of a tornado chart of the ratio from one-way sensitivity rows."""
    if not one_way or one_way.get("base_ratio") is None or not one_way["rows"]:
        return None
    rows = [r for r in one_way["rows"] if r["ratio_low"] is not None]
    values = [one_way["base_ratio"]]
    for r in rows:
        values += [r["ratio_low"], r["ratio_high"]]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    plot = _CHART_WIDTH - _LABEL_WIDTH - 20

    def x(v):
        return _LABEL_WIDTH + (v - lo) / span * plot

    base_x = x(one_way["base_ratio"])
    bars = []
    for i, r in enumerate(rows):
        y = 30 + i * (_BAR_HEIGHT + _GAP)
        left, right = sorted((r["ratio_low"], r["ratio_high"]))
        bars.append(
            {
                "label": r["label"],
                "y": y,
                "text_y": y + _BAR_HEIGHT * 0.7,
                "x": round(x(left), 1),
                "width": round(max(x(right) - x(left), 1), 1),
                "low": r["ratio_low"],
                "high": r["ratio_high"],
                "low_value": r["low"],
                "high_value": r["high"],
            }
        )
    return {
        "width": _CHART_WIDTH,
        "height": 40 + len(rows) * (_BAR_HEIGHT + _GAP),
        "bar_height": _BAR_HEIGHT,
        "base_x": round(base_x, 1),
        "base": one_way["base_ratio"],
        "label_x": _LABEL_WIDTH - 8,
        "axis_min": round(lo, 2),
        "axis_max": round(hi, 2),
        "axis_min_x": _LABEL_WIDTH,
        "axis_max_x": _LABEL_WIDTH + plot,
        "bars": bars,
    }
