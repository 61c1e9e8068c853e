"""Turning report tables into rows for HTML: one service, or several side by side."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vocrehab.codes import IN_WORK
from vocrehab.dates import human_date
from vocrehab.disclosure import is_small
from vocrehab.episodes.standards import TARGET_PERCENT

from .charts import chart_alt, chart_data_uri, spc_chart_data_uri, spc_chart_svg
from .exports import table_display
from .labels import header as column_header
from .labels import label as code_label
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


def sections(report: dict, *, charts: bool = True, only=None) -> list[dict]:
    """Each table of ``report`` ready for a template: title, n, chart, headers, rows.

    ``only``: the ids of the tables wanted (one page of the web report), else all."""
    out = []
    for table_id, table in report["tables"].items():
        if only is not None and table_id not in only:
            continue
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


# The web report's pages: one per section, the tables of each in the report's own order.
# A table named in none of them (a table added later) goes to a last "Other tables" page,
# so every table stays reachable.
REPORT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "referrals",
        gettext_lazy("Referrals and who was referred"),
        (
            "summary",
            "referral_sources",
            "conditions",
            "sex",
            "age",
            "ethnicity",
            "deprivation",
            "occupations",
            "diagnosis_to_referral",
            "reasons_by_tier",
        ),
    ),
    (
        "timeliness",
        gettext_lazy("Timeliness and service standards"),
        ("time_to_assessment", "service_standards", "length_of_stay"),
    ),
    (
        "casework",
        gettext_lazy("Casework and interventions"),
        (
            "engagement",
            "contacts_by_tier",
            "interventions",
            "contact_modes",
            "onward",
            "goals",
            "return_plans",
            "employer_liaison",
            "courses",
            "in_work_reviews",
            "awareness_sessions",
        ),
    ),
    (
        "work",
        gettext_lazy("Outcomes: work"),
        (
            "work_status",
            "work_status_transitions",
            "work_status_by_tier",
            "work_status_by_deprivation",
            "work_status_by_condition",
            "followup",
        ),
    ),
    (
        "questionnaires",
        gettext_lazy("Outcomes: questionnaires"),
        (
            "eq5d_no_problems",
            "eq_vas",
            "eq5d_index",
            "hads_bands",
            "phq9_bands",
            "gad7_bands",
            "who5",
            "copm",
            "work_confidence",
            "health_use",
            "satisfaction",
        ),
    ),
    (
        "completeness",
        gettext_lazy("Data completeness"),
        ("questionnaire_completion",),
    ),
)
OTHER_SECTION = ("other", gettext_lazy("Other tables"))


def contents(report: dict) -> list[dict]:
    """The sections of ``report`` in order, each with the id and title of its tables:
    the web report's contents. Sections with no table in this report are left out."""
    home = {t: slug for slug, _title, ids in REPORT_SECTIONS for t in ids}
    found: dict[str, list[dict]] = {}
    for table_id, table in report["tables"].items():
        slug = home.get(table_id, OTHER_SECTION[0])
        found.setdefault(slug, []).append({"id": table_id, "title": table["title"]})
    order = [(slug, title) for slug, title, _ids in REPORT_SECTIONS] + [OTHER_SECTION]
    return [
        {"slug": slug, "title": str(title), "tables": found[slug]}
        for slug, title in order
        if slug in found
    ]


# A table of more rows than this is folded away behind "Show the table" on its page,
# unless the link that led there named it; its chart and heading stay in view.
OPEN_TABLE_ROWS = 20


def report_page(report: dict, section: str | None, table: str = "") -> dict:
    """One page of the web report: the overview (``section`` empty) with the summary,
    or one section with its tables ready to show (charts drawn for those only; a long
    table folded away unless it is ``table``, the one a link asked for).

    Returns contents (every section and table), current (the section shown, or None),
    sections (its tables for the template), previous and next (neighbouring sections,
    the overview before the first) and unknown (a section asked for that is not there:
    the overview is shown instead)."""
    pages = contents(report)
    slugs = [p["slug"] for p in pages]
    unknown = bool(section) and section not in slugs
    current = None if unknown or not section else pages[slugs.index(section)]
    for page in pages:
        page["current"] = page is current
    if current is None:
        return {
            "contents": pages,
            "current": None,
            "sections": [],
            "summary": summary(report),
            "previous": None,
            "next": pages[0] if pages else None,
            "unknown": section if unknown else "",
        }
    at = pages.index(current)
    shown = sections(report, only={t["id"] for t in current["tables"]})
    for s in shown:
        s["open"] = len(s["rows"]) <= OPEN_TABLE_ROWS or s["id"] == table
    return {
        "contents": pages,
        "current": current,
        "sections": shown,
        "summary": [],
        "previous": pages[at - 1] if at else {"slug": "", "title": _("In brief")},
        "next": pages[at + 1] if at + 1 < len(pages) else None,
        "unknown": "",
    }


def _percent_text(value: float) -> str:
    return f"{value:.1f}%"


def _period(filters: dict) -> str:
    start, end = filters.get("from"), filters.get("to")
    if start and end:
        return _("from %(start)s to %(end)s") % {
            "start": human_date(start),
            "end": human_date(end),
        }
    if start:
        return _("since %(start)s") % {"start": human_date(start)}
    if end:
        return _("up to %(end)s") % {"end": human_date(end)}
    return _("in all")


def _cells(report: dict, table_id: str) -> tuple[dict | None, list[dict]]:
    table = report["tables"].get(table_id)
    return (table, table["cells"]) if table else (None, [])


def _referral_sentences(report: dict) -> list[str]:
    table, cells = _cells(report, "summary")
    if table is None:
        return []
    by_metric = {c["metric"]: c for c in cells}
    referred = by_metric.get("referred", {}).get("count")
    period = _period(report.get("filters", {}))
    if referred is None:
        return [
            _("The number of referrals %(period)s is suppressed because it is small.")
            % {"period": period}
        ]
    if referred == 0:
        return [_("There were no referrals %(period)s.") % {"period": period}]
    # Re-referrals make episodes outnumber people: say referrals, not people.
    out = [
        ngettext(
            "There was %(n)s referral %(period)s.",
            "There were %(n)s referrals %(period)s.",
            referred,
        )
        % {"period": period, "n": referred}
    ]
    discharged = by_metric.get("discharged", {}).get("count")
    still_open = by_metric.get("open", {}).get("count")
    if discharged is None or still_open is None:
        out.append(
            _(
                "How many of them have been discharged and how many are still open is "
                "suppressed because a number behind it is small."
            )
        )
    else:
        out.append(
            _("Of these, %(discharged)s and %(open)s.")
            % {
                "discharged": ngettext(
                    "%(n)s has been discharged", "%(n)s have been discharged", discharged
                )
                % {"n": discharged},
                "open": ngettext("%(n)s is still open", "%(n)s are still open", still_open)
                % {"n": still_open},
            }
        )
    return out


def _work_sentences(report: dict) -> list[str]:
    table, cells = _cells(report, "work_status")
    if table is None:
        return []
    cohort = table["n"]
    if cohort is None:
        return [
            _(
                "Work at discharge is suppressed because the outcome cohort (discharged, "
                "main reason not third party) is small."
            )
        ]
    if cohort == 0:
        return [
            _(
                "No one in the outcome cohort (discharged, main reason not third party) "
                "has been discharged yet, so there is no work outcome to report."
            )
        ]
    at_discharge = [
        c for c in cells if c.get("timepoint") == "discharge" and c["work_status"] in IN_WORK
    ]
    counts = [c.get("count") for c in at_discharge]
    statuses = _(" or ").join(
        code_label("work_status", s).lower() for s in sorted(str(s) for s in IN_WORK)
    )
    if any(c is None for c in counts):
        return [
            _(
                "Of the %(cohort)s discharged in the outcome cohort, the number in work at "
                "discharge is suppressed because a number behind it is small."
            )
            % {"cohort": cohort}
        ]
    in_work = sum(counts)
    return [
        ngettext(
            "Of the %(cohort)s discharged in the outcome cohort, %(n)s (%(percent)s) was "
            "in work at discharge: %(statuses)s.",
            "Of the %(cohort)s discharged in the outcome cohort, %(n)s (%(percent)s) were "
            "in work at discharge: %(statuses)s.",
            in_work,
        )
        % {
            "cohort": cohort,
            "n": in_work,
            "percent": _percent_text(100 * in_work / cohort),
            "statuses": statuses,
        }
    ]


def _standard_sentences(report: dict) -> list[str]:
    _table, cells = _cells(report, "service_standards")
    out = []
    # The national standards only (the cells without a service): the same for every service.
    for cell in (c for c in cells if not c.get("service")):
        name = code_label("standard", cell["standard"], table_id="service_standards", cell=cell)
        if cell["suppressed"] or cell.get("met") is None or cell.get("eligible") is None:
            out.append(
                _(
                    "%(standard)s: how many met the standard is suppressed because a number "
                    "behind it is small."
                )
                % {"standard": name}
            )
        elif not cell["eligible"]:
            out.append(_("%(standard)s: no episode was due yet.") % {"standard": name})
        else:
            out.append(
                ngettext(
                    "%(standard)s: %(percent)s met the standard (%(met)s of %(eligible)s "
                    "episode due).",
                    "%(standard)s: %(percent)s met the standard (%(met)s of %(eligible)s "
                    "episodes due).",
                    cell["eligible"],
                )
                % {
                    "percent": _percent_text(cell["percent"]),
                    "standard": name,
                    "met": cell["met"],
                    "eligible": cell["eligible"],
                }
            )
    return out


def summary(report: dict) -> list[str]:
    """The report in a few plain sentences, from its own figures: referrals, work at
    discharge (number and percent of the outcome cohort) and the national service
    standards met. A figure the report suppresses is said to be suppressed; nothing is
    worked out from the figures around it."""
    return [
        *_referral_sentences(report),
        *_work_sentences(report),
        *_standard_sentences(report),
    ]


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
            label = (
                " · ".join(
                    code_label(d, v, table_id=table_id) if v != "" else _("total") for d, v in key
                )
                or "–"
            )
            rows.append([label, *(values[key].get(lbl, "–") for lbl, _r in columns)])
        out.append(
            {
                "id": table_id,
                "title": first["tables"][table_id]["title"],
                "measure": column_header(measure),
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
    if date_from is not None and date_from > today:
        return []  # a period still to come has no months to show
    series = monthly_series(services, today=today, first=date_from)
    return trend_panels(series, suppressed=suppressed, inline=True)
