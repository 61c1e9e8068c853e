"""The evaluation report as JSON, CSV (a folder or a zip), XLSX and PDF.

Every format is produced from the report dictionary (already suppressed when it has
to be), so the formats always agree. Text that a spreadsheet could run as a formula
(for instance a free-text condition detail starting with "=") is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vocrehab.codes import FOLLOWUP_WINDOW_CLOSES_DAYS, FOLLOWUP_WINDOW_OPENS_DAYS
from vocrehab.csvsafe import neutralise_cell
from vocrehab.dates import human_date

from .charts import CHARTS, chart_alt, chart_svg
from .labels import has_label, header, label
from .tables import TABLES

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
EXTENSIONS = {"json": "json", "csv": "zip", "xlsx": "xlsx", "pdf": "pdf"}


def to_json(report: dict) -> bytes:
    return json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8")


def _extra_keys(table: dict) -> list[str]:
    return [k for k in table if k not in ("title", "n", "cells")]


def columns(table_id: str, table: dict, *, with_labels: bool = False) -> list[str]:
    """Column order of a table's CSV and sheet: dimensions, measures, suppressed.

    ``with_labels`` puts a ``<dimension>_label`` column after each coded dimension.
    """
    spec = TABLES[table_id]
    dims = [d for d in spec.dimensions if any(d in c for c in table["cells"])]
    if with_labels:
        dims = [name for d in dims for name in ((d, f"{d}{LABEL}") if has_label(d) else (d,))]
    return [*_extra_keys(table), *dims, *spec.measures, "suppressed"]


LABEL = "_label"


def _value(table_id: str, cell: dict, col: str):
    if col.endswith(LABEL) and col not in cell:
        code = col.removesuffix(LABEL)
        return label(code, cell.get(code), table_id=table_id, cell=cell)
    return cell.get(col)


def _safe(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return neutralise_cell(value)


def rows(table_id: str, table: dict) -> list[list]:
    """The table's cells as rows of ``columns(with_labels=True)``: codes and their labels."""
    cols = columns(table_id, table, with_labels=True)
    extra = {k: table[k] for k in _extra_keys(table)}
    return [
        [_safe(_value(table_id, {**extra, **cell}, col)) for col in cols] for cell in table["cells"]
    ]


def csv_files(report: dict) -> dict[str, str]:
    """{file name: CSV text}: ``tables.csv`` (id, title, n) and one file per table."""
    files = {}
    index = io.StringIO()
    writer = csv.writer(index, lineterminator="\r\n")
    writer.writerow(["table", "title", "n", "services", "from", "to"])
    filters = report["filters"]
    for table_id, table in report["tables"].items():
        writer.writerow(
            [
                table_id,
                neutralise_cell(table["title"]),
                _safe(table["n"]),
                " ".join(filters["services"]),
                filters["from"] or "",
                filters["to"] or "",
            ]
        )
        out = io.StringIO()
        table_writer = csv.writer(out, lineterminator="\r\n")
        table_writer.writerow(columns(table_id, table, with_labels=True))
        table_writer.writerows(rows(table_id, table))
        files[f"{table_id}.csv"] = out.getvalue()
    files = {"tables.csv": index.getvalue(), **files}
    return files


def to_csv_zip(report: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in csv_files(report).items():
            zf.writestr(f"evaluation/{name}", text.encode("utf-8"))
    return buffer.getvalue()


def write_csv(report: dict, path: Path) -> None:
    """A folder of CSV files, or a zip when ``path`` ends in .zip."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        path.write_bytes(to_csv_zip(report))
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, text in csv_files(report).items():
        (path / name).write_text(text, encoding="utf-8", newline="")


def to_xlsx(report: dict) -> bytes:
    # openpyxl is loaded only when a workbook is made.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    about = workbook.active
    about.title = "about"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EDEE")
    filters = report["filters"]
    about.append([_("Evaluation report (VRMDS version %s)") % report["vrmds_version"]])
    about["A1"].font = Font(bold=True, size=14)
    about.append([_("Services"), neutralise_cell(", ".join(filters["services"]))])
    about.append([_("From"), human_date(filters["from"])])
    about.append([_("To"), human_date(filters["to"])])
    about.append([])
    about.append([_("Table"), _("Title"), _("Population"), "n", _("Definition")])
    for cell in about[6]:
        cell.font = bold
    for table_id, table in report["tables"].items():
        spec = TABLES[table_id]
        about.append(
            [
                table_id,
                str(spec.title),
                str(spec.population),
                _safe(table["n"]),
                str(spec.definition),
            ]
        )
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 36
    about.column_dimensions["C"].width = 36
    about.column_dimensions["E"].width = 90
    for table_id, table in report["tables"].items():
        sheet = workbook.create_sheet(table_id[:31])
        sheet.append([neutralise_cell(table["title"])])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(["n", _safe(table["n"])])
        cols = columns(table_id, table, with_labels=True)
        # Headings in words; a code column says so, its label column beside it.
        sheet.append(
            [
                _("%(column)s (code)") % {"column": header(c)}
                if has_label(c)
                else header(c.removesuffix(LABEL))
                for c in cols
            ]
        )
        for cell in sheet[3]:
            cell.font = bold
            cell.fill = header_fill
        for values in rows(table_id, table):
            sheet.append(values)
        note = table_note(table_id, table)
        if note:
            sheet.append([])
            sheet.append([note])
        for index, col in enumerate(cols, start=1):
            letter = sheet.cell(row=3, column=index).column_letter
            sheet.column_dimensions[letter].width = (
                36 if col.endswith(LABEL) else max(12, len(col) + 2)
            )
            if col.startswith("percent") or col in ("mean", "median", "mean_per_client"):
                for row in sheet.iter_rows(min_row=4, min_col=index, max_col=index):
                    row[0].number_format = "0.0"
                    row[0].alignment = Alignment(horizontal="right")
        sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_note(table_id: str, table: dict) -> str:
    """A sentence under a table that its cells alone do not say, or ""."""
    if table_id != "followup" or not table["cells"]:
        return ""
    left_out = table["cells"][0].get("out_of_window")
    window = {"first": FOLLOWUP_WINDOW_OPENS_DAYS, "last": FOLLOWUP_WINDOW_CLOSES_DAYS}
    if left_out is None:
        return (
            _(
                "A few recorded follow-up statuses (too few to show) were left out because they "
                "were not collected %(first)s to %(last)s days after discharge."
            )
            % window
        )
    if left_out == 0:
        return (
            _(
                "Every follow-up status counted was collected %(first)s to %(last)s days after "
                "discharge; none was left out for its date."
            )
            % window
        )
    return ngettext(
        "%(n)s recorded follow-up status was left out because it was not collected "
        "%(first)s to %(last)s days after discharge.",
        "%(n)s recorded follow-up statuses were left out because they were not collected "
        "%(first)s to %(last)s days after discharge.",
        left_out,
    ) % {"n": left_out, **window}


def table_display(table_id: str, table: dict) -> dict:
    """Headers and rows for showing a table in HTML (web page and PDF), and its note."""
    cols = [c for c in columns(table_id, table) if c != "suppressed"]
    shown_rows = []
    for cell in table["cells"]:
        extra = {k: table[k] for k in _extra_keys(table)}
        merged = {**extra, **cell}
        shown_rows.append([_shown(table_id, merged, col) for col in cols])
    return {
        "headers": [header(c) for c in cols],
        "rows": shown_rows,
        "numeric": [c in TABLES[table_id].measures for c in cols],
        "note": table_note(table_id, table),
    }


def _shown(table_id: str, cell: dict, col: str) -> str:
    """A cell as a person reads it: a code as its label, a figure formatted."""
    value = cell.get(col)
    if has_label(col) and value is not None:
        return label(col, value, table_id=table_id, cell=cell)
    return _display(value, cell["suppressed"], col)


def _display(value, suppressed, col):
    if value is None:
        return _("suppressed") if suppressed and col in _measure_names() else "–"
    if isinstance(value, float):
        return (
            f"{value:.1f}"
            if not value.is_integer() or col.startswith("percent")
            else (f"{value:.0f}")
        )
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


def _measure_names() -> set[str]:
    return {m for spec in TABLES.values() for m in spec.measures}


def to_pdf(
    report: dict,
    *,
    suppressed: bool,
    change_over_time: list | None = None,
    summary: list[str] | None = None,
) -> bytes:
    """A readable PDF report: the summary in sentences (``presentation.summary``) if
    given, each table with its chart, the charts of change over time
    (``presentation.change_over_time``) if given, and an appendix of definitions."""
    # WeasyPrint is heavy: loaded only when a PDF is made.
    from weasyprint import HTML

    return HTML(string=pdf_html(report, suppressed, change_over_time, summary)).write_pdf()


def pdf_html(
    report: dict,
    suppressed: bool,
    change_over_time: list | None = None,
    summary: list[str] | None = None,
) -> str:
    """The HTML the PDF report is printed from."""
    sections = []
    for table_id, table in report["tables"].items():
        svg = chart_svg(table_id, table) if table_id in CHARTS else None
        sections.append(
            {
                "id": table_id,
                "title": table["title"],
                "n": table["n"],
                "spec": TABLES[table_id],
                "extra": {k: table[k] for k in _extra_keys(table)},
                "display": table_display(table_id, table),
                "chart": svg,
                "chart_alt": chart_alt(table_id, table) if svg else "",
            }
        )
    return render_to_string(
        "reports/pdf/evaluation.html",
        {
            "report": report,
            "sections": sections,
            "suppressed": suppressed,
            "generated": timezone.now(),
            "change_over_time": change_over_time or [],
            "summary": summary or [],
        },
    )
