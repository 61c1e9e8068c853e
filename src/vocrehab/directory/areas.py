"""Areas a directory service covers, and which of them cover a client.

A service lists GSS codes (local authorities, health boards, a nation or the UK) and
postcode districts (``G12``) or areas (``G``). A client is described by the GSS code
recorded on their episode and, when known, their postcode. A service covers the client
when it lists the client's own code, the client's nation, the UK, or the district or
area of the client's postcode. Local authorities are not rolled up into health boards:
there is no look-up table here, so a service covering a whole health board should list
the board and its councils (see docs/directory.md).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UK_CODE = "K02000001"
NATION_CODES = {
    "E": "E92000001",  # England
    "S": "S92000003",  # Scotland
    "W": "W92000004",  # Wales
    "N": "N92000002",  # Northern Ireland
}

GSS_RE = re.compile(r"^[EJKLMNSW]\d{8}$")
DISTRICT_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
POSTCODE_AREA_RE = re.compile(r"^[A-Z]{1,2}$")
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")


def normalise_area(text: str) -> str:
    """An area code in canonical form (upper case, no spaces); raises ValidationError."""
    value = re.sub(r"\s+", "", str(text or "")).upper()
    if GSS_RE.match(value) or DISTRICT_RE.match(value) or POSTCODE_AREA_RE.match(value):
        return value
    raise ValidationError(
        _(
            "%(value)s is not a GSS code (like S12000049), a postcode district (like G12) "
            "or a postcode area (like G)."
        ),
        params={"value": text},
        code="bad_area",
    )


def parse_areas(text: str) -> list[str]:
    """Areas from text separated by commas, semicolons, spaces or new lines, de-duplicated."""
    found: list[str] = []
    errors = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        try:
            value = normalise_area(token)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if value not in found:
            found.append(value)
    if errors:
        raise ValidationError(errors)
    return found


def postcode_parts(postcode: str) -> tuple[str, str] | None:
    """The (district, area) of a full UK postcode, or None if it is not one."""
    value = re.sub(r"\s+", "", str(postcode or "")).upper()
    if not POSTCODE_RE.match(value):
        return None
    district = value[:-3]
    area = re.match(r"[A-Z]+", district).group(0)
    return district, area


def matching_areas(area_code: str | None = None, postcode: str | None = None) -> set[str]:
    """Every coverage entry that would cover a client with this area code and postcode."""
    tokens: set[str] = set()
    code = re.sub(r"\s+", "", str(area_code or "")).upper()
    if code:
        tokens.add(code)
        nation = NATION_CODES.get(code[0])
        if nation:
            tokens.add(nation)
        tokens.add(UK_CODE)
    parts = postcode_parts(postcode) if postcode else None
    if parts:
        tokens.update(parts)
        tokens.add(UK_CODE)
    return tokens
