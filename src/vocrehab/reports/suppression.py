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

A hidden cell keeps its dimensions (except a hidden condition detail, which may be free
text and is dropped); all its measures become ``null`` and
``"suppressed": true``, as VRMDS requires. Zero is not suppressed: it identifies no one.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from vocrehab.disclosure import DEFAULT_THRESHOLD, is_small, threshold

from .tables import TABLES, TableSpec

__all__ = ["DEFAULT_THRESHOLD", "suppress", "threshold"]


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
