"""Postcodes: normalising, the deprivation look-up and the service that covers them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vocrehab.accounts.models import Service
from vocrehab.codes import DEPRIVATION_AREAS, DeprivationIndex, Nation

from .models import PostcodeArea

# Outward code (area + district) then inward code (sector digit + unit letters).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")

# The index a service of each nation reads deprivation from, newest first.
NATION_INDICES = {
    Nation.SCOTLAND: (DeprivationIndex.SIMD2020,),
    Nation.ENGLAND: (DeprivationIndex.IMD2025, DeprivationIndex.IMD2019),
    Nation.WALES: (DeprivationIndex.WIMD2019,),
    Nation.NORTHERN_IRELAND: (DeprivationIndex.NIMDM2017,),
}


def normalise_postcode(text: str) -> str:
    """Upper case without spaces (``g31 2er`` → ``G312ER``): the form look-ups use."""
    return re.sub(r"\s+", "", text or "").upper()


def is_valid_postcode(text: str) -> bool:
    """True when ``text`` has the shape of a UK postcode (it may still not exist)."""
    return bool(_POSTCODE.match(normalise_postcode(text)))


def format_postcode(text: str) -> str:
    """The usual written form, with one space before the inward code (``G31 2ER``)."""
    compact = normalise_postcode(text)
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact


def postcode_district(text: str) -> str:
    """The outward code (``G31`` of ``G31 2ER``), or empty if the postcode is malformed."""
    match = _POSTCODE.match(normalise_postcode(text))
    return match.group(1) if match else ""


@dataclass(frozen=True)
class Deprivation:
    index: str
    area_code: str
    local_authority_code: str
    rank: int | None
    decile: int | None


def decile_from_rank(index: str, rank: int | None) -> int | None:
    """⌈10 × rank ÷ areas⌉ (VRMDS), or None when there is no rank."""
    if not rank or index not in DEPRIVATION_AREAS:
        return None
    areas = DEPRIVATION_AREAS[index]
    return min(10, max(1, -(-10 * rank // areas)))


# The most deprived areas, as the evaluation reports them: the first 15% of ranks.
MOST_DEPRIVED_PERCENT = 15


def most_deprived_cutoff(index: str) -> int:
    """The largest rank in the most deprived 15% of ``index``'s areas (integers only)."""
    return DEPRIVATION_AREAS[index] * MOST_DEPRIVED_PERCENT // 100


def coarsened_rank(index: str, rank: int | None) -> int | None:
    """A rank that no longer names the small area but keeps what reports read of it.

    The smallest rank with the same decile and on the same side of the most deprived
    15%: the decile and the "most deprived" flag computed from it are unchanged, while
    thousands of areas share it. Used when a person's records are anonymised.
    """
    if not rank or index not in DEPRIVATION_AREAS:
        return rank
    areas = DEPRIVATION_AREAS[index]
    decile = decile_from_rank(index, rank)
    first_of_decile = (decile - 1) * areas // 10 + 1
    while decile_from_rank(index, first_of_decile) < decile:  # integer rounding at the edge
        first_of_decile += 1
    cutoff = most_deprived_cutoff(index)
    if rank <= cutoff:
        return first_of_decile
    return max(first_of_decile, cutoff + 1)


def deprivation_for(postcode: str, nation: str | None = None) -> Deprivation | None:
    """The small area and deprivation of ``postcode`` from the imported look-up.

    With ``nation``, only that nation's indices are read (ranks are not comparable
    across nations), preferring the newest. None when the postcode is not in the table.
    """
    compact = normalise_postcode(postcode)
    if not compact:
        return None
    rows = list(PostcodeArea.objects.filter(postcode=compact))
    if nation is not None:
        order = NATION_INDICES.get(nation, ())
        rows = sorted(
            (r for r in rows if r.deprivation_index in order),
            key=lambda r: order.index(r.deprivation_index),
        )
    if not rows:
        return None
    row = rows[0]
    return Deprivation(
        index=row.deprivation_index,
        area_code=row.area_code,
        local_authority_code=row.local_authority_code,
        rank=row.rank,
        decile=row.decile or decile_from_rank(row.deprivation_index, row.rank),
    )


def services_covering(postcode: str):
    """Active services whose ``covered_areas`` include the postcode.

    Matched first on the look-up's area and local authority codes, then on the
    postcode district (``G31``) and area letters (``G``); a list, possibly empty, of
    the services that matched at the most specific level.
    """
    compact = normalise_postcode(postcode)
    district = postcode_district(compact)
    if not district:
        return []
    codes: set[str] = set()
    for row in PostcodeArea.objects.filter(postcode=compact):
        codes.update(c for c in (row.area_code, row.local_authority_code) if c)
    letters = re.match(r"[A-Z]+", district).group(0)
    services = list(Service.objects.filter(active=True).order_by("name"))
    for candidates in (codes, {district}, {letters}):
        if not candidates:
            continue
        found = [
            s
            for s in services
            if candidates & {str(a).strip().upper() for a in (s.covered_areas or [])}
        ]
        if found:
            return found
    return []
