"""Reading the government's deprivation and postcode files into ``PostcodeArea``.

The published files differ by nation and edition, and their column headings change
between releases (with and without a bracketed suffix), so columns are found by the
start of their heading, ignoring case, rather than by exact name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import PostcodeArea
from .postcodes import decile_from_rank, normalise_postcode

# Heading starts, most specific first. SIMD's domain columns also end in "_Rank", so the
# overall rank is matched by its full prefix, never by "rank" alone.
POSTCODE_HEADINGS = ("postcode", "pcds", "pcd2", "pcd", "pc7", "pc8")
AREA_HEADINGS = (
    "dz",
    "datazone",
    "data zone",
    "lsoa code",
    "lsoa21",
    "lsoa11",
    "lsoa",
)
LA_HEADINGS = ("lacode", "local authority district code", "laua", "ca2019", "council area")
TERMINATED_HEADINGS = ("doterm",)
RANK_HEADINGS = {
    "simd2020": ("simd2020v2_rank", "simd2020v2rank", "simd2020_rank", "simd2020rank"),
    "imd2019": ("index of multiple deprivation (imd) rank", "imd rank", "imd_rank"),
    "imd2025": ("index of multiple deprivation (imd) rank", "imd rank", "imd_rank"),
}
DECILE_HEADINGS = {
    "simd2020": (
        "simd2020v2_decile",
        "simd2020v2countrydecile",
        "simd2020_decile",
        "simd2020decile",
    ),
    "imd2019": ("index of multiple deprivation (imd) decile", "imd decile", "imd_decile"),
    "imd2025": ("index of multiple deprivation (imd) decile", "imd decile", "imd_decile"),
}
SUPPORTED_INDICES = tuple(RANK_HEADINGS)
BATCH = 5000


class ImportProblem(Exception):
    """The file cannot be read as the named index; the message says why."""


def find_column(headers: list[str], starts: tuple[str, ...]) -> int | None:
    """Index of the first heading that starts with one of ``starts`` (in their order)."""
    cleaned = [h.strip().lower().lstrip("\ufeff") for h in headers]
    for start in starts:
        for position, heading in enumerate(cleaned):
            if heading == start or heading.startswith(start):
                return position
    return None


def _rows(path: Path) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """(sheet name, rows) for each sheet of a workbook, or once for a CSV."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        # openpyxl is loaded only for spreadsheet files.
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            yield sheet.title, (["" if v is None else str(v) for v in row] for row in rows)
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield path.name, csv.reader(handle)


@dataclass
class _Columns:
    postcode: int | None
    area: int | None
    la: int | None
    rank: int | None
    decile: int | None
    terminated: int | None


def _columns(headers: list[str], index: str) -> _Columns:
    return _Columns(
        postcode=find_column(headers, POSTCODE_HEADINGS),
        area=find_column(headers, AREA_HEADINGS),
        la=find_column(headers, LA_HEADINGS),
        rank=find_column(headers, RANK_HEADINGS[index]),
        decile=find_column(headers, DECILE_HEADINGS[index]),
        terminated=find_column(headers, TERMINATED_HEADINGS),
    )


def _int(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return (row[position] or "").strip()


def read_area_ranks(path: Path, index: str) -> dict[str, tuple[str, int | None, int | None]]:
    """Small area code → (local authority, rank, decile) from a ranks file."""
    for _sheet, rows in _rows(path):
        headers = next(rows, None)
        if not headers:
            continue
        cols = _columns(headers, index)
        if cols.area is None or cols.rank is None:
            continue
        ranks = {}
        for row in rows:
            area = _cell(row, cols.area)
            if area:
                rank = _int(_cell(row, cols.rank))
                decile = _int(_cell(row, cols.decile)) or decile_from_rank(index, rank)
                ranks[area] = (_cell(row, cols.la), rank, decile)
        return ranks
    raise ImportProblem(
        _("No sheet of %(file)s has a small-area column and a %(index)s rank column.")
        % {"file": path.name, "index": index}
    )


def import_file(
    path: Path,
    index: str,
    *,
    postcodes: Path | None = None,
    sample: bool = False,
) -> int:
    """Replace the look-up rows of ``index`` with those read from the files; returns a count.

    ``path`` either has a postcode column itself (a postcode look-up with ranks) or is an
    area ranks file, joined to the postcode → area file ``postcodes`` (the ONS NSPL, or
    the Scottish postcode look-up). Terminated postcodes are skipped. All or nothing.
    """
    if index not in SUPPORTED_INDICES:
        raise ImportProblem(_("Unknown index %(index)s.") % {"index": index})
    ranks = None
    source = path
    for _sheet, rows in _rows(path):
        headers = next(rows, None) or []
        if find_column(headers, POSTCODE_HEADINGS) is None:
            ranks = read_area_ranks(path, index)
            if postcodes is None:
                raise ImportProblem(
                    _(
                        "%(file)s has no postcode column: give the postcode look-up "
                        "file too (--postcodes)."
                    )
                    % {"file": path.name}
                )
            source = postcodes
        break
    count = 0
    with transaction.atomic():
        PostcodeArea.objects.filter(deprivation_index=index).delete()
        batch: list[PostcodeArea] = []
        for _sheet, rows in _rows(source):
            headers = next(rows, None)
            if not headers:
                continue
            cols = _columns(headers, index)
            if cols.postcode is None or cols.area is None:
                continue
            if ranks is None and cols.rank is None:
                raise ImportProblem(
                    _("%(file)s has postcodes but no %(index)s rank column.")
                    % {"file": source.name, "index": index}
                )
            for row in rows:
                postcode = normalise_postcode(_cell(row, cols.postcode))
                if not postcode or len(postcode) > 8 or _cell(row, cols.terminated):
                    continue
                area = _cell(row, cols.area)
                if ranks is not None:
                    if area not in ranks:
                        continue
                    la, rank, decile = ranks[area]
                    la = _cell(row, cols.la) or la
                else:
                    la = _cell(row, cols.la)
                    rank = _int(_cell(row, cols.rank))
                    decile = _int(_cell(row, cols.decile)) or decile_from_rank(index, rank)
                batch.append(
                    PostcodeArea(
                        postcode=postcode,
                        area_code=area[:9],
                        local_authority_code=la[:9],
                        deprivation_index=index,
                        rank=rank,
                        decile=decile,
                        sample=sample,
                    )
                )
                if len(batch) >= BATCH:
                    count += _flush(batch)
            break
        else:
            raise ImportProblem(
                _("%(file)s has no postcode and small-area columns.") % {"file": source.name}
            )
        count += _flush(batch)
    return count


def _flush(batch: list[PostcodeArea]) -> int:
    # A postcode can appear twice in a file (re-issued units); the first row wins.
    PostcodeArea.objects.bulk_create(batch, ignore_conflicts=True)
    n = len(batch)
    batch.clear()
    return n


SAMPLE_DIR = Path(__file__).parent / "data"
SAMPLE_FILES = {
    "simd2020": SAMPLE_DIR / "sample_simd2020_postcodes.csv",
    "imd2019": SAMPLE_DIR / "sample_imd2019_postcodes.csv",
}


def load_samples() -> int:
    """Load the invented sample rows shipped with vocrehab (demonstration only)."""
    return sum(import_file(p, i, sample=True) for i, p in SAMPLE_FILES.items())


__all__ = ["ImportProblem", "find_column", "import_file", "load_samples"]
