"""Costs in from a file; analyses out as JSON, XLSX or PDF.

Costs files are JSON (a list of cost rows, as in a preset's ``costs.value``) or CSV
with the columns ``year, service, role, fte, annual_cost, non_staff, overhead_pct``:
one row per staff line, and rows without a role for non-staff costs. Rows of the same
service and year make one year of costs; non-staff amounts add up.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from vocrehab.csvsafe import neutralise_cell
from vocrehab.economics.cost_benefit import PARAMETER_SPECS, Costs, ModelInputError, Result
from vocrehab.economics.presets import Preset

MAX_COSTS_FILE_BYTES = 1_000_000
CSV_COLUMNS = ("year", "service", "role", "fte", "annual_cost", "non_staff", "overhead_pct")


def parse_costs(content: bytes, filename: str) -> Costs:
    """Costs from the bytes of a JSON or CSV file; raises ``ModelInputError`` if bad."""
    if len(content) > MAX_COSTS_FILE_BYTES:
        raise ModelInputError(["The costs file is too large (1 MB at most)."])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelInputError(["The costs file must be UTF-8 text."]) from None
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelInputError([f"The costs file is not valid JSON ({exc.msg})."]) from None
        if isinstance(data, dict):
            data = data.get("value", data.get("costs"))
        if not isinstance(data, list):
            raise ModelInputError(["A JSON costs file must hold a list of cost rows."])
        return Costs.from_list(data)
    if filename.lower().endswith(".csv"):
        return Costs.from_list(_csv_rows(text))
    raise ModelInputError(["The costs file must be .json or .csv."])


def _csv_rows(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"year"} - set(reader.fieldnames or ())
    unknown = set(reader.fieldnames or ()) - set(CSV_COLUMNS)
    messages = [f"The costs file needs a '{c}' column." for c in sorted(missing)]
    messages += [f"The costs file has an unknown column '{c}'." for c in sorted(unknown)]
    if messages:
        raise ModelInputError(messages)
    years: dict[tuple[str, str], dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        key = (row.get("service") or "", row.get("year") or "")
        year = years.setdefault(
            key,
            {"year": row.get("year"), "service": key[0], "staff": [], "non_staff": 0.0},
        )
        try:
            if row.get("role"):
                year["staff"].append(
                    {
                        "role": row["role"],
                        "fte": float(row.get("fte") or 0),
                        "annual_cost": float(row.get("annual_cost") or 0),
                    }
                )
            year["non_staff"] += float(row.get("non_staff") or 0)
            if row.get("overhead_pct"):
                year["overhead_pct"] = float(row["overhead_pct"])
        except ValueError:
            raise ModelInputError(
                [f"Line {line} of the costs file has a value that is not a number."]
            ) from None
    return list(years.values())


def to_json(result: Result) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def to_xlsx(result: Result, preset: Preset | None = None) -> bytes:
    """The analysis as a workbook: summary, parameters with sources, years, costs and
    one sheet per sensitivity analysis."""
    # openpyxl is loaded only when a workbook is made.
    from openpyxl import Workbook

    data = result.to_dict()
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _rows(
        ws,
        [("Cost-benefit analysis", ""), ("Preset", data["preset"] or "")]
        + ([("Preset version", preset.version)] if preset else [])
        + [("", "")]
        + [(f"Benefit: {k}", v) for k, v in data["benefits"].items()]
        + [("Costs", data["costs"]), ("Benefit-cost ratio", data["ratio"]), ("NPV", data["npv"])]
        + [("", "")]
        + [(f"Attributable: {k}", v) for k, v in data["attributable"].items()]
        + [(f"Outcome count: {k}", v) for k, v in data["outcomes"].items()],
    )
    ws = wb.create_sheet("Parameters")
    sources = preset.sources if preset else {}
    ranges = preset.ranges if preset else {}
    _rows(ws, [("parameter", "meaning", "value", "low", "high", "source", "year")])
    for name, value in data["parameters"].items():
        low, high = ranges.get(name, (None, None))
        src = sources.get(name, {})
        _rows(
            ws,
            [
                (
                    name,
                    str(PARAMETER_SPECS[name].label),
                    json.dumps(value) if isinstance(value, list | dict) else value,
                    low,
                    high,
                    src.get("source", ""),
                    src.get("year", ""),
                )
            ],
        )
    _table(wb, "By year", data["by_year"])
    _table(wb, "Costs", [{k: v for k, v in c.items() if k != "staff"} for c in data["cost_items"]])
    sens = data.get("sensitivity") or {}
    if sens:
        _table(wb, "One-way", sens["one_way"]["rows"])
        mc = sens["monte_carlo"]
        ws = wb.create_sheet("Monte Carlo")
        rows = [("draws", mc["draws"]), ("seed", mc["seed"]), ("distribution", mc["distribution"])]
        for key in ("ratio", "npv"):
            for stat, value in (mc.get(key) or {}).items():
                rows.append((f"{key} {stat}", value))
        rows.append(("probability ratio below 1", mc.get("probability_ratio_below_1")))
        _rows(ws, rows)
        _table(wb, "Break-even", sens["break_even"])
        _table(wb, "Roll-out", sens["roll_out"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value):
    if isinstance(value, str):
        # Figures are ours but names and notes may be typed by users: no formulas.
        return neutralise_cell(value)
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _rows(ws, rows):
    for row in rows:
        ws.append([_cell(v) for v in row])


def _table(wb, title, rows):
    ws = wb.create_sheet(title)
    if not rows:
        return
    headers = list(rows[0])
    _rows(ws, [headers])
    _rows(ws, [[row.get(h) for h in headers] for row in rows])


def _no_fetching(url: str, *args, **kwargs):
    # The report needs no images or stylesheets from anywhere: refusing every fetch
    # means text typed into a preset can never make the server request a URL.
    raise ValueError(f"The PDF report does not load external resources ({url[:40]}).")


def to_pdf(html: str) -> bytes:
    """A PDF of the printable report HTML (``economics/report_print.html``)."""
    # WeasyPrint is heavy: loaded only when a PDF is made.
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()
