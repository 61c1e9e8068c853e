"""EQ-5D value sets: turn a five-digit health state into an index value.

Each value set is registered once under a stable code, so a stored or reported index
can always say which value set produced it (FACTS.md section 1d: "record which
produced each number"). Coefficients are facts taken from the published value sets
(sources on each definition); arithmetic is done in ``Decimal`` so that the three
decimal places the publications report come out exactly, without float drift at
the rounding boundary.

The NICE DSU 5L-to-3L mapping depends on age band and sex and is only available as a
31,250-row table, which the project does not ship. It is registered as
``dsu-5l-to-3l`` but stays empty until a service loads its copy with
:func:`load_dsu_5l_to_3l`; using it before then raises :class:`ValueSetNotLoaded`.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from django.db.models import Case, FloatField, Q, Value, When

__all__ = [
    "DEFAULT_VALUE_SETS",
    "DIMENSIONS",
    "DSU_AGE_BANDS",
    "DSU_SEXES",
    "VALUE_SETS",
    "AdditiveValueSet",
    "LookupValueSet",
    "ValueSet",
    "ValueSetError",
    "ValueSetNotLoaded",
    "default_value_set",
    "dsu_age_band",
    "eq5d_index",
    "get_value_set",
    "load_dsu_5l_to_3l",
    "parse_profile",
    "profile_string",
]

# Item codes of VRMDS measures.csv, in the order that makes up the profile string.
DIMENSIONS: tuple[str, ...] = (
    "mobility",
    "self_care",
    "usual_activities",
    "pain_discomfort",
    "anxiety_depression",
)

_THOUSANDTH = Decimal("0.001")


class ValueSetError(ValueError):
    """A health state cannot be valued with the chosen value set."""


class ValueSetNotLoaded(ValueSetError):
    """The value set is a lookup table that the service has not loaded yet."""


def _round3(value: Decimal) -> float:
    # Half up, as published tables are rounded; Python's round() would use banker's rounding.
    return float(value.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP))


def parse_profile(profile: str | Sequence[int], levels: int) -> tuple[int, ...]:
    """Return the five levels of ``profile`` ("12321" or a sequence of five ints).

    Raises ValueSetError when the profile is not five levels between 1 and ``levels``.
    """
    if isinstance(profile, str):
        text = profile.strip()
        if len(text) != 5 or not text.isdigit():
            raise ValueSetError(f"health state {profile!r} is not five digits")
        digits = tuple(int(ch) for ch in text)
    else:
        digits = tuple(int(level) for level in profile)
        if len(digits) != 5:
            raise ValueSetError(f"health state {profile!r} does not have five dimensions")
    for level in digits:
        if not 1 <= level <= levels:
            raise ValueSetError(
                f"health state {''.join(map(str, digits))} has a level outside 1–{levels}"
            )
    return digits


def profile_string(values: Mapping[str, float | int | None]) -> str | None:
    """Return the five-digit profile (e.g. "12321") from dimension item values.

    ``values`` is keyed by the VRMDS item codes of :data:`DIMENSIONS`. Returns None
    when any dimension is missing; levels are not range-checked here.
    """
    digits = []
    for dim in DIMENSIONS:
        level = values.get(dim)
        if level is None:
            return None
        if float(level) != int(level):
            raise ValueSetError(f"level {level} for {dim} is not a whole number")
        digits.append(str(int(level)))
    return "".join(digits)


@dataclass(frozen=True)
class ValueSet:
    """A way of valuing EQ-5D health states. Subclasses implement :meth:`index`."""

    code: str
    instrument: str  # "eq5d3l" or "eq5d5l": the responses this value set values
    name: str
    source: str
    needs_age_and_sex: bool = False

    @property
    def levels(self) -> int:
        return 3 if self.instrument == "eq5d3l" else 5

    def index(
        self, profile: str | Sequence[int], *, age: int | None = None, sex: str | None = None
    ) -> float:
        """Return the index value of ``profile``, rounded half up to 3 decimal places."""
        raise NotImplementedError


@dataclass(frozen=True)
class AdditiveValueSet(ValueSet):
    """index = 1 - constant - sum of decrements - N3, the form of the MVH and 5L sets.

    ``decrements`` maps each dimension to its decrements for levels 2, 3, ...;
    ``constant`` applies to every state except full health and ``n3`` whenever any
    dimension is at level 3 (both zero for the 5L sets).
    """

    decrements: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constant: str = "0"
    n3: str = "0"

    def index(
        self, profile: str | Sequence[int], *, age: int | None = None, sex: str | None = None
    ) -> float:
        levels = parse_profile(profile, self.levels)
        value = Decimal(1)
        if any(level != 1 for level in levels):
            value -= Decimal(self.constant)
        for dim, level in zip(DIMENSIONS, levels, strict=True):
            if level > 1:
                value -= Decimal(self.decrements[dim][level - 2])
        if 3 in levels:
            value -= Decimal(self.n3)
        return _round3(value)

    def index_expression(self, level_field: Callable[[str], str]):
        """The same formula as SQL (unrounded), for a query with one level column per
        dimension: ``level_field(dimension)`` names it. Reports value a million states
        with this instead of calling :meth:`index` per row."""
        expression = Value(1.0)
        not_full_health = Q()
        for dim in DIMENSIONS:
            not_full_health |= ~Q(**{level_field(dim): 1})
            expression = expression - Case(
                *[
                    When(**{level_field(dim): level + 2}, then=Value(float(decrement)))
                    for level, decrement in enumerate(self.decrements[dim])
                ],
                default=Value(0.0),
                output_field=FloatField(),
            )
        if float(self.constant):
            expression = expression - Case(
                When(not_full_health, then=Value(float(self.constant))),
                default=Value(0.0),
                output_field=FloatField(),
            )
        if float(self.n3):
            any_level_3 = Q()
            for dim in DIMENSIONS:
                any_level_3 |= Q(**{level_field(dim): 3})
            expression = expression - Case(
                When(any_level_3, then=Value(float(self.n3))),
                default=Value(0.0),
                output_field=FloatField(),
            )
        return expression


# DSU age bands (fragla/eq5d R/eq5dmap.R): lower bound inclusive, upper inclusive.
DSU_AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("18-34", 18, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
)
DSU_SEXES: tuple[str, ...] = ("female", "male")
_SEX_ALIASES = {"female": "female", "f": "female", "male": "male", "m": "male"}


def dsu_age_band(age: int) -> str:
    """Return the DSU age band ("18-34" ... "65+") for an age in whole years.

    Raises ValueSetError below 18, where the DSU mapping has no band.
    """
    for band, low, high in DSU_AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return band
    raise ValueSetError(f"the DSU mapping has no age band for age {age} (it starts at 18)")


def _normalise_band(text: str) -> str:
    band = text.strip().replace("–", "-").replace(" ", "")
    if band not in {b for b, _, _ in DSU_AGE_BANDS}:
        raise ValueSetError(
            f"age band {text!r} is not one of " + ", ".join(b for b, _, _ in DSU_AGE_BANDS)
        )
    return band


def _normalise_sex(text: str) -> str:
    sex = _SEX_ALIASES.get(str(text).strip().lower())
    if sex is None:
        raise ValueSetError(f"sex {text!r} is not female or male, which the DSU mapping needs")
    return sex


@dataclass(frozen=True)
class LookupValueSet(ValueSet):
    """A value set held as a table keyed by (state, age band, sex), loaded at run time.

    The table lives in a mutable holder so the registered, frozen definition can be
    loaded once per process without replacing it in :data:`VALUE_SETS`.
    """

    _table: dict[tuple[str, str, str], Decimal] = field(
        default_factory=dict, repr=False, compare=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def loaded(self) -> bool:
        return bool(self._table)

    def load(self, rows: Iterable[Mapping[str, str]]) -> int:
        """Replace the table with ``rows`` (dicts with state, age_band, sex, value).

        All rows are checked before anything is replaced, so a bad file leaves the
        previous table in place. Returns the number of rows loaded.
        """
        table: dict[tuple[str, str, str], Decimal] = {}
        for number, row in enumerate(rows, start=2):  # row 1 is the CSV header
            missing = [c for c in ("state", "age_band", "sex", "value") if not row.get(c)]
            if missing:
                raise ValueSetError(f"row {number}: missing {', '.join(missing)}")
            try:
                state = "".join(map(str, parse_profile(row["state"], 5)))
                key = (state, _normalise_band(row["age_band"]), _normalise_sex(row["sex"]))
            except ValueSetError as exc:
                raise ValueSetError(f"row {number}: {exc}") from None
            try:
                value = Decimal(str(row["value"]).strip())
            except InvalidOperation:
                value = Decimal("NaN")
            if not value.is_finite():
                raise ValueSetError(f"row {number}: value {row['value']!r} is not a number")
            if key in table:
                raise ValueSetError(f"row {number}: state {key[0]} {key[1]} {key[2]} repeated")
            table[key] = value
        if not table:
            raise ValueSetError("the table has no rows")
        with self._lock:
            self._table.clear()
            self._table.update(table)
        return len(table)

    def unload(self) -> None:
        """Forget the loaded table (for tests and reloads)."""
        with self._lock:
            self._table.clear()

    def index(
        self, profile: str | Sequence[int], *, age: int | None = None, sex: str | None = None
    ) -> float:
        if not self._table:
            raise ValueSetNotLoaded(
                f"value set {self.code} has not been loaded: load the service's copy of the "
                "NICE DSU table (CSV columns state, age_band, sex, value) with "
                "load_dsu_5l_to_3l() before using it"
            )
        state = "".join(map(str, parse_profile(profile, self.levels)))
        if age is None or sex is None:
            raise ValueSetError(f"value set {self.code} needs the age and sex at assessment")
        key = (state, dsu_age_band(int(age)), _normalise_sex(sex))
        try:
            return _round3(self._table[key])
        except KeyError:
            raise ValueSetError(
                f"state {state} for age band {key[1]}, {key[2]} is not in the loaded "
                f"{self.code} table"
            ) from None


UK_3L_1997 = AdditiveValueSet(
    code="uk-3l-1997",
    instrument="eq5d3l",
    name="UK EQ-5D-3L TTO value set (Dolan 1997)",
    source="Dolan P. Med Care 1997;35(11):1095-1108. doi:10.1097/00005650-199711000-00002",
    constant="0.081",
    n3="0.269",
    decrements={
        "mobility": ("0.069", "0.314"),
        "self_care": ("0.104", "0.214"),
        "usual_activities": ("0.036", "0.094"),
        "pain_discomfort": ("0.123", "0.386"),
        "anxiety_depression": ("0.071", "0.236"),
    },
)

ENGLAND_5L_2018 = AdditiveValueSet(
    code="england-5l-2018",
    instrument="eq5d5l",
    name="England EQ-5D-5L value set (Devlin 2018)",
    source="Devlin NJ et al. Health Econ 2018;27(1):7-22. doi:10.1002/hec.3564",
    decrements={
        "mobility": ("0.058", "0.076", "0.207", "0.274"),
        "self_care": ("0.050", "0.080", "0.164", "0.203"),
        "usual_activities": ("0.050", "0.063", "0.162", "0.184"),
        "pain_discomfort": ("0.063", "0.084", "0.276", "0.335"),
        "anxiety_depression": ("0.078", "0.104", "0.285", "0.289"),
    },
)

UK_5L_2026 = AdditiveValueSet(
    code="uk-5l-2026",
    instrument="eq5d5l",
    name="UK EQ-5D-5L value set (Rowen 2026)",
    source="Rowen D et al. Value Health 2026. doi:10.1016/j.jval.2026.03.008",
    decrements={
        "mobility": ("0.032", "0.058", "0.179", "0.279"),
        "self_care": ("0.038", "0.060", "0.162", "0.206"),
        "usual_activities": ("0.049", "0.086", "0.184", "0.212"),
        "pain_discomfort": ("0.056", "0.066", "0.371", "0.479"),
        "anxiety_depression": ("0.041", "0.126", "0.313", "0.391"),
    },
)

DSU_5L_TO_3L = LookupValueSet(
    code="dsu-5l-to-3l",
    instrument="eq5d5l",
    name="NICE DSU mapping of EQ-5D-5L onto the UK 3L value set",
    source=(
        "Hernández Alava M, Pudney S, Wailoo A. PharmacoEconomics 2023;41:199-207. "
        "doi:10.1007/s40273-022-01218-7"
    ),
    needs_age_and_sex=True,
)

VALUE_SETS: dict[str, ValueSet] = {
    vs.code: vs for vs in (UK_3L_1997, ENGLAND_5L_2018, UK_5L_2026, DSU_5L_TO_3L)
}

# VRMDS "eq5d_index": the value set a report uses unless an option chooses another.
DEFAULT_VALUE_SETS: dict[str, str] = {
    "eq5d5l": ENGLAND_5L_2018.code,
    "eq5d3l": UK_3L_1997.code,
}


def get_value_set(code: str) -> ValueSet:
    """Return the registered value set ``code``; KeyError naming the known codes if none."""
    try:
        return VALUE_SETS[code]
    except KeyError:
        raise KeyError(
            f"unknown EQ-5D value set {code!r}; known value sets: {', '.join(sorted(VALUE_SETS))}"
        ) from None


def default_value_set(instrument: str) -> ValueSet:
    """Return the default value set for ``eq5d5l`` or ``eq5d3l``."""
    try:
        return VALUE_SETS[DEFAULT_VALUE_SETS[instrument]]
    except KeyError:
        raise KeyError(f"{instrument!r} has no EQ-5D value set; use eq5d5l or eq5d3l") from None


def eq5d_index(
    profile: str | Sequence[int],
    value_set: str,
    *,
    age: int | None = None,
    sex: str | None = None,
) -> float:
    """Return the index of ``profile`` under value set ``value_set`` (3 dp, half up).

    Raises KeyError for an unknown value set, ValueSetNotLoaded for the DSU table
    before it is loaded, and ValueSetError for an invalid state or missing age/sex.
    """
    return get_value_set(value_set).index(profile, age=age, sex=sex)


def load_dsu_5l_to_3l(source: str | Path | TextIO | Iterable[Mapping[str, str]]) -> int:
    """Load the NICE DSU 5L-to-3L table into the ``dsu-5l-to-3l`` value set.

    ``source`` is a CSV path, an open text file, or an iterable of row dicts. The CSV
    has a header with columns ``state`` (five digits 1-5), ``age_band`` (``18-34``,
    ``35-44``, ``45-54``, ``55-64``, ``65+``), ``sex`` (``female`` or ``male``) and
    ``value`` (the 3L utility). The load is per process: call it at start-up in every
    worker. Returns the number of rows loaded; raises ValueSetError naming the first
    bad row, leaving any earlier table in place.
    """
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return _load_csv(handle)
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return _load_csv(source)  # type: ignore[arg-type]
    return DSU_5L_TO_3L.load(source)


def _load_csv(handle: TextIO) -> int:
    reader = csv.DictReader(handle)
    columns = {c.strip() for c in (reader.fieldnames or [])}
    missing = {"state", "age_band", "sex", "value"} - columns
    if missing:
        raise ValueSetError(f"the CSV lacks column(s) {', '.join(sorted(missing))}")
    rows = ({(k or "").strip(): v for k, v in row.items()} for row in reader)
    return DSU_5L_TO_3L.load(rows)
