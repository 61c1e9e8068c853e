"""Small-number suppression of an evaluation report.

Counts from 1 to threshold-1 (default 1–4) could identify people, so a commissioner's
view and any export marked for publication hide them. Primary suppression hides each
such cell; secondary suppression then hides enough other cells that the published
totals cannot give the hidden ones back by subtraction:

* cells that add up to a published total (one group, e.g. the work statuses at
  discharge of one tier): when exactly one cell of a group is hidden, the next
  smallest non-zero cell of the group is hidden too;
* cumulative tables ("within 7 days" includes "same day"): a cell is hidden when it,
  or its difference from the previous shown cell, or what remains of the population
  after the last shown cell, is small;
* means and other statistics of fewer than threshold people are hidden;
* the table's population ``n`` is hidden when it is itself small;
* a count kept beside a cell's own (the follow-ups left out for their date) is hidden
  alone, as ``null``, when small: it adds up to nothing published.

Side by side (benchmarking, a node of the commissioning hierarchy and its parts), each
report is first suppressed on its own terms; then :func:`suppress_across` hides more in
the parts, because a part's cell and the total's cell of the same row add up too:

* when the total's cell is shown and exactly one part's cell is hidden, the smallest
  other non-zero part's cell is hidden as well (or, if there is none, the total's);
* when the total's cell is hidden but every part's is shown, the smallest non-zero
  part's cell is hidden, so the parts do not add up to what the total hid;
* the same for each table's ``n``;
* each part's groups are then checked again (a cell hidden across may leave one hidden
  cell in a group), and the whole repeated until nothing more needs hiding.

A hidden cell keeps its dimensions (except a hidden condition detail, which may be free
text and is dropped); all its measures become ``null`` and
``"suppressed": true``, as VRMDS requires. Zero is not suppressed: it identifies no one.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from vocrehab.disclosure import DEFAULT_THRESHOLD, is_small, threshold

from .tables import TABLES, TableSpec

__all__ = [
    "DEFAULT_THRESHOLD",
    "suppress",
    "suppress_across",
    "suppress_dashboard",
    "threshold",
]


def suppress(report: dict, limit: int | None = None) -> dict:
    """A copy of ``report`` with small numbers suppressed (the original is unchanged)."""
    limit = threshold() if limit is None else limit
    result = copy.deepcopy(report)
    for table_id, table in result["tables"].items():
        spec = TABLES.get(table_id)
        if spec is not None:
            _suppress_table(spec, table, limit)
    return result


def _hide(spec: TableSpec, cell: dict) -> None:
    for measure in spec.measures:
        if measure in cell:
            cell[measure] = None
    cell["suppressed"] = True


def _suppress_table(spec: TableSpec, table: dict, limit: int) -> None:
    cells = table["cells"]
    small_population = is_small(table.get("n"), limit)
    for cell in cells:
        if (
            any(is_small(cell.get(m), limit) for m in spec.counts)
            or spec.statistic
            and not spec.counts
            and small_population
        ):
            _hide(spec, cell)
        for measure in spec.side_counts:
            if is_small(cell.get(measure), limit):
                cell[measure] = None
    if spec.cumulative:
        _cumulative(spec, cells, table.get("n"), limit)
    elif spec.counts:
        _secondary(spec, cells)
    if small_population:
        table["n"] = None
    if spec.id == "conditions":
        # A condition detail may be free text; hidden ones go, text and all, since the
        # text alone could point to the person.
        table["cells"] = [c for c in cells if not (c["condition_detail"] and c["suppressed"])]


def _group_key(spec: TableSpec, cell: dict):
    if spec.id == "summary":
        # Referred = discharged + open: those two form a group; the others stand alone.
        return "status" if cell["metric"] in ("discharged", "open") else cell["metric"]
    if spec.id == "conditions":
        # Condition totals add up to n; each condition's details add up to its total.
        return ("total",) if cell["condition_detail"] == "" else ("detail", cell["condition"])
    present = tuple(d for d in spec.dimensions if d in cell)
    return (present, *(cell.get(g) for g in spec.groups if g in spec.dimensions))


def _secondary(spec: TableSpec, cells: list[dict]) -> None:
    measure = spec.counts[0]
    groups: dict = defaultdict(list)
    for cell in cells:
        groups[_group_key(spec, cell)].append(cell)
    for members in groups.values():
        hidden = [c for c in members if c["suppressed"]]
        if len(hidden) != 1:
            continue
        candidates = [c for c in members if not c["suppressed"] and (c.get(measure) or 0) > 0]
        if candidates:
            _hide(spec, min(candidates, key=lambda c: c[measure]))


def _cumulative(spec: TableSpec, cells: list[dict], n, limit: int) -> None:
    within = [c for c in cells if not str(c["within"]).startswith("over_")]
    rest = [c for c in cells if str(c["within"]).startswith("over_")]
    original = {id(c): c["count"] for c in within}
    shown = 0
    for cell in within:
        if cell["suppressed"]:
            continue
        count = original[id(cell)]
        if is_small(count - shown, limit):
            _hide(spec, cell)
        else:
            shown = count
    published = [c for c in within if not c["suppressed"]]
    if n is None:
        return
    # What is left after the last shown cell is n minus it: hide back until that is safe
    # (or the remainder row itself is hidden when small).
    for cell in rest:
        if is_small(n - shown, limit) and not cell["suppressed"]:
            _hide(spec, cell)
    while published and is_small(n - original[id(published[-1])], limit):
        _hide(spec, published.pop())


# -- across reports side by side -----------------------------------------------------


def _cell_key(spec: TableSpec, cell: dict) -> tuple:
    return tuple((d, cell.get(d)) for d in spec.dimensions if d in cell)


def suppress_across(parts: list[dict], total: dict) -> None:
    """Hide, in place, enough more cells of ``parts`` (and, when nothing else will do,
    of ``total``) that no hidden cell can be had back by subtraction between the parts
    and their total. ``parts`` must not overlap and must make up ``total``; every report
    must already be suppressed on its own terms (:func:`suppress`)."""
    changed = True
    while changed:
        changed = False
        for table_id, total_table in total["tables"].items():
            spec = TABLES.get(table_id)
            if spec is None or not spec.counts:
                continue
            tables = [part["tables"][table_id] for part in parts if table_id in part["tables"]]
            changed |= _across_cells(spec, tables, total_table)
            changed |= _across_n(tables, total_table)
            if changed and not spec.cumulative:
                for table in (*tables, total_table):
                    _secondary(spec, table["cells"])


def _across_cells(spec: TableSpec, tables: list[dict], total_table: dict) -> bool:
    measure = spec.counts[0]
    changed = False
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for table in tables:
        for cell in table["cells"]:
            by_key[_cell_key(spec, cell)].append(cell)
    for total_cell in total_table["cells"]:
        cells = by_key.get(_cell_key(spec, total_cell), [])
        hidden = [c for c in cells if c["suppressed"]]
        shown = [c for c in cells if not c["suppressed"] and (c.get(measure) or 0) > 0]
        if total_cell["suppressed"]:
            if not hidden and shown:
                _hide(spec, min(shown, key=lambda c: c[measure]))
                changed = True
        elif len(hidden) == 1:
            if shown:
                _hide(spec, min(shown, key=lambda c: c[measure]))
            else:
                _hide(spec, total_cell)
            changed = True
    return changed


def _across_n(tables: list[dict], total_table: dict) -> bool:
    hidden = [t for t in tables if t.get("n") is None]
    shown = [t for t in tables if (t.get("n") or 0) > 0]
    if total_table.get("n") is None:
        if hidden or not shown:
            return False
    elif len(hidden) != 1:
        return False
    if shown:
        min(shown, key=lambda t: t["n"])["n"] = None
    else:
        total_table["n"] = None
    return True


# -- the dashboard -------------------------------------------------------------------


def _hide_small(values: dict, keys, limit: int) -> None:
    for key in keys:
        if is_small(values.get(key), limit):
            values[key] = None


def _part_of(values: dict, part: str, whole: str, limit: int) -> None:
    """Hide ``part`` of ``whole`` when it, or what is left of the whole, is small; hide
    both when the whole is small."""
    if is_small(values.get(whole), limit):
        values[whole] = values[part] = None
        return
    if values.get(part) is None or values.get(whole) is None:
        values[part] = None
        return
    if is_small(values[part], limit) or is_small(values[whole] - values[part], limit):
        values[part] = None


def suppress_dashboard(figures: dict, limit: int | None = None) -> dict:
    """A copy of the dashboard's ``figures`` for someone who sees aggregates only.

    Counts from 1 to threshold-1 become ``None``, and so do the counts that would give
    them back: the tiers of the open caseload add up to the total (one hidden tier hides
    the next smallest); a count out of another (standards met of eligible, returned to
    work of off sick) is hidden when it or the rest is small. The open caseload by case
    manager names staff: it is left out. The monthly series stay; their charts leave
    out a month whose value rests on a small number (``presentation.trend_panels``).
    """
    limit = threshold() if limit is None else limit
    out = copy.deepcopy(figures)
    for month in out["months"]:
        _hide_small(month, ["referrals"], limit)
    tiers = out["open_by_tier"]
    if is_small(out["open_total"], limit):
        out["open_total"] = None
    for tier in tiers:
        _hide_small(tier, ["n"], limit)
    hidden = [t for t in tiers if t["n"] is None]
    if len(hidden) == 1 and out["open_total"] is not None:
        shown = [t for t in tiers if t["n"]]
        if shown:
            min(shown, key=lambda t: t["n"])["n"] = None
    out["open_by_case_manager"] = []
    standards = out["standards"]
    _part_of(standards, "contact_met", "contact_eligible", limit)
    _part_of(standards, "assess_met", "assess_eligible", limit)
    outcomes = out["outcomes"]
    for part in ("in_work_at_entry", "in_work_at_discharge", "off_sick_at_entry"):
        _part_of(outcomes, part, "discharged", limit)
    _part_of(outcomes, "off_sick_returned", "off_sick_at_entry", limit)
    _part_of(out["outstanding"], "overdue", "total", limit)
    if is_small(out["no_recent_contact"], limit):
        out["no_recent_contact"] = None
    return out
