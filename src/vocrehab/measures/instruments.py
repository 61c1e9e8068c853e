"""Outcome measures and client questionnaires, each defined once as data, and their scoring.

An :class:`Instrument` lists its items (code, neutral label, range, precision), the
timepoints it is given at, how it is scored, its bands and its missing-data rule.
Everything that touches measures (forms, the VRMDS importer and exporter, reports)
reads these definitions, so a range or a band exists in exactly one place.

Pure Python: no database, no request. Scoring takes a dict of item values keyed by
item code and returns a :class:`Score`.

Item wording of EQ-5D and HADS is copyrighted, so items carry codes and neutral short
labels only. A service holding a licence attaches wording at start-up with
:func:`load_item_wording`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Case, F, FloatField, Q, When
from django.db.models.functions import Floor
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vocrehab.codes import IN_WORK, Timepoint, WorkStatus
from vocrehab.measures.valuesets import (
    DIMENSIONS,
    ValueSetError,
    ValueSetNotLoaded,
    default_value_set,
    get_value_set,
    profile_string,
)

__all__ = [
    "GAD7",
    "INSTRUMENTS",
    "PHQ9",
    "SUMMED",
    "WHO5",
    "WHO5_POOR_WELLBEING_AT_MOST",
    "VRMDS_INSTRUMENTS",
    "Band",
    "Flag",
    "Instrument",
    "InvalidValues",
    "Item",
    "ItemKind",
    "Score",
    "Translation",
    "Wording",
    "clear_item_wording",
    "get_instrument",
    "item_wording",
    "load_item_wording",
    "prorate_total",
    "prorated_total_expression",
    "round_half_up",
    "vrmds_items",
]

Value = float | int | str | None

# The group of the items a prorated-total instrument (PHQ-9, GAD-7, WHO-5) adds up.
SUMMED = "summed"


class ItemKind(StrEnum):
    NUMBER = "number"
    YES_NO = "yes_no"  # stored 1 = yes, 0 = no
    CODE = "code"  # a code from ``Item.choices``
    TEXT = "text"  # free text; never scored, never in VRMDS


class Flag(StrEnum):
    """Why a score needs a second look; set per named score in ``Score.flags``."""

    PRORATED = "prorated"  # a missing item was imputed (HADS: mean of six x 7)
    FROM_TOTAL = "from_total"  # taken from a recorded total, not from the items
    CHANGE_2_OR_MORE = "change_2_or_more"  # COPM change >= 2: clinically important
    DECLINE_2_OR_MORE = "decline_2_or_more"  # COPM change <= -2
    REFER = "refer"  # distress at or above the referral cut-off


class InvalidValues(ValueError):
    """Item values failed validation; ``errors`` maps item code to message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


def round_half_up(value: float | Decimal, places: int = 0) -> float:
    """Round half away from zero for positives (2.5 -> 3), unlike Python's round()."""
    exponent = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP))


def gettext_noop(message: str) -> str:
    # Django's own gettext_noop reads settings; this one only marks the message for
    # makemessages (which matches the name), so validation works without Django set up.
    return message


@dataclass(frozen=True)
class ValueProblem:
    """Why a value does not fit an item (``reason``), with the numbers a message needs."""

    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


# The file validator's and the API's wording of each ValueProblem: by item code, as the
# people who read them work from the VRMDS files.
_FILE_MESSAGES = {
    "not_text": gettext_noop("%(instrument)s item %(item)s must be text"),
    "too_long": gettext_noop(
        "text for %(instrument)s item %(item)s is longer than %(max)s characters"
    ),
    "not_a_choice": gettext_noop(
        "value %(value)s is not one of %(choices)s for %(instrument)s item %(item)s"
    ),
    "not_a_number": gettext_noop(
        "value %(value)s is not a number for %(instrument)s item %(item)s"
    ),
    "not_whole": gettext_noop(
        "value %(value)s is not a whole number for %(instrument)s item %(item)s"
    ),
    "too_many_decimals": gettext_noop(
        "value %(value)s has more than %(decimals)s decimal place(s) "
        "for %(instrument)s item %(item)s"
    ),
    "below_min": gettext_noop("value %(value)s is below %(min)s for %(instrument)s item %(item)s"),
    "out_of_range": gettext_noop(
        "value %(value)s is outside %(min)s–%(max)s for %(instrument)s item %(item)s"
    ),
}


def _tr(message: str) -> str:
    # Messages feed both the web UI and the file validator, which may run with no
    # Django set-up at all (scripts, workers before apps load): translate when we can.
    if settings.configured and apps.ready:
        return gettext(message)
    return message


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    finite = (isinstance(value, float) and math.isfinite(value)) or (
        isinstance(value, Decimal) and value.is_finite()
    )
    if finite and value == int(value):
        return str(int(value))
    if isinstance(value, str):
        number = _to_decimal(value)
        return _fmt(number) if number is not None else repr(value.strip())
    return str(value)


@dataclass(frozen=True)
class Item:
    """One question or rating. ``decimals`` is 0 for whole numbers, 1 for one decimal."""

    code: str
    label: str
    min: float | None = None
    max: float | None = None
    decimals: int = 0
    kind: ItemKind = ItemKind.NUMBER
    vrmds: bool = True
    group: str | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 0

    @property
    def integer(self) -> bool:
        return self.decimals == 0


@dataclass(frozen=True)
class Band:
    """A named range of a score, inclusive at both ends; ``high`` None = no upper limit."""

    code: str
    label: str
    low: float
    high: float | None

    def contains(self, value: float) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


def band_limits(bands: tuple[Band, ...]) -> tuple[tuple[str, float | None], ...]:
    """Each band's code with the lowest score of the band after it (None for the last),
    for SQL that counts scores per band: a band holds scores from the previous limit up
    to, not including, its own."""
    return tuple(
        (band.code, bands[i + 1].low if i + 1 < len(bands) else None)
        for i, band in enumerate(bands)
    )


def band_for(bands: tuple[Band, ...], value: Value) -> str | None:
    """Return the code of the band holding ``value``, or None if none does or no value."""
    if value is None or isinstance(value, str):
        return None
    for band in bands:
        if band.contains(value):
            return band.code
    return None


@dataclass(frozen=True)
class Score:
    """What scoring produced.

    ``scores`` maps score names (e.g. "anxiety", "index") to values, None where the
    missing-data rule says not to score. ``bands`` maps score names to band codes.
    ``flags`` maps score names to :class:`Flag` values. ``rule`` names the missing-data
    rule applied and ``value_set`` the EQ-5D value set, so a stored number can always
    say what produced it. ``notes`` explain, in plain English, anything not scored.
    """

    instrument: str
    version: str
    scores: Mapping[str, Value]
    rule: str
    bands: Mapping[str, str | None] = field(default_factory=dict)
    flags: Mapping[str, frozenset[Flag]] = field(default_factory=dict)
    value_set: str | None = None
    profile: str | None = None
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Value:
        return self.scores[name]

    def get(self, name: str, default: Value = None) -> Value:
        return self.scores.get(name, default)

    def flagged(self, name: str, flag: Flag | str) -> bool:
        return flag in self.flags.get(name, frozenset())


Scorer = Callable[..., Score]


class Translation(StrEnum):
    """Where a shipped instrument's wording stands in a language."""

    PUBLISHED = "published"  # the copyright holder's own translation is shipped
    AWAITING = "awaiting translation"  # none shipped yet: people read the English


@dataclass(frozen=True)
class Wording:
    """The published wording of an openly licensed instrument in one language.

    ``instructions`` is what the form says before its items (the recall period);
    ``items`` maps item code to its text and ``answers`` maps item code to
    {value as text: answer label}. Never reworded: WHO-5's licence asks that altered
    wording be marked as such, and a validated questionnaire is only valid as published.
    """

    instructions: str
    items: Mapping[str, str]
    answers: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, eq=False)
class Instrument:
    """An instrument's definition. Build one per instrument, in :data:`INSTRUMENTS`.

    ``higher_is_better`` gives, per score name, the direction of improvement (HADS:
    lower is better); ``mcid`` the minimal clinically important change where one is
    established (COPM: 2).
    """

    code: str
    name: str
    version: str
    items: tuple[Item, ...]
    scorer: Scorer
    timepoints: tuple[str, ...]
    missing_rule: str
    missing_rule_text: str
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)
    higher_is_better: Mapping[str, bool] = field(default_factory=dict)
    mcid: Mapping[str, float] = field(default_factory=dict)
    vrmds: bool = True
    source: str = ""
    # Copyrighted wording (EQ-5D, HADS, COPM): none ships; a licensed service loads it.
    licensed_wording: bool = False
    # Openly licensed wording shipped with the instrument, by language ("en-gb").
    wording: Mapping[str, Wording] = field(default_factory=dict)
    welsh: Translation | None = None
    licence: str = ""
    # Item -> the lowest answer that alerts the case manager the same day.
    safety_items: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{self.code} defines an item code twice")
        for language in self.wording.values():
            unknown = (set(language.items) | set(language.answers)) - set(codes)
            if unknown:
                raise ValueError(f"{self.code} wording names unknown items {sorted(unknown)}")

    @property
    def total_items(self) -> tuple[str, ...]:
        """The items added up into the total of a prorated-total instrument."""
        return tuple(item.code for item in self.items if item.group == SUMMED)

    def safety_answers(self, values: Mapping[str, Any]) -> dict[str, float]:
        """The answers in ``values`` that must alert the case manager (item -> value)."""
        found = {}
        for code, threshold in self.safety_items.items():
            number = _to_decimal(values.get(code))
            if number is not None and number >= Decimal(str(threshold)):
                found[code] = float(number)
        return found

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def item(self, code: str) -> Item:
        """Return the item ``code``; KeyError naming the instrument if it has none."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(
            f"{self.code} has no item {code!r}; its items are {', '.join(self.item_codes)}"
        )

    def band(self, score_name: str, value: Value) -> str | None:
        """Return the band code of ``value`` for score ``score_name``, or None."""
        return band_for(self.bands.get(score_name, ()), value)

    def validate_value(self, item: str | Item, value: Any, *, vrmds: bool = False) -> str | None:
        """Return a plain-English error for ``value`` of ``item``, or None if it is valid.

        ``value`` may be a number, a bool (yes/no items), a numeric string as read from
        a file, or a code/text string for code and text items. None and "" are valid
        (not recorded). With ``vrmds=True`` an item that VRMDS measures.csv does not
        carry is an error too.
        """
        if isinstance(item, Item):
            definition = item
        else:
            try:
                definition = self.item(item)
            except KeyError:
                return _tr(gettext_noop("%(instrument)s has no item %(item)s")) % {
                    "instrument": self.code,
                    "item": _fmt(str(item)),
                }
        names = {"instrument": self.code, "item": definition.code, "value": _fmt(value)}
        if vrmds and not definition.vrmds:
            return (
                _tr(gettext_noop("%(instrument)s item %(item)s is not part of VRMDS measures.csv"))
                % names
            )
        problem = self.value_problem(definition, value)
        if problem is None:
            return None
        return _tr(_FILE_MESSAGES[problem.reason]) % {**names, **problem.params}

    def value_problem(self, item: Item, value: Any) -> ValueProblem | None:
        """What is wrong with ``value`` for ``item`` (None if nothing): the one rule that
        the file validator's messages (:meth:`validate_value`, naming codes) and the
        forms' (naming the question) both word."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if item.kind is ItemKind.TEXT:
            if not isinstance(value, str):
                return ValueProblem("not_text")
            if item.max_length and len(value) > item.max_length:
                return ValueProblem("too_long", {"max": item.max_length})
            return None
        if item.kind is ItemKind.CODE:
            if str(value).strip() not in item.choices:
                return ValueProblem("not_a_choice", {"choices": ", ".join(item.choices)})
            return None
        number = _to_decimal(value)
        if number is None:
            return ValueProblem("not_a_number")
        # The exponent test cannot overflow the way quantize() does on huge values.
        if number.normalize().as_tuple().exponent < -item.decimals:
            if item.integer:
                return ValueProblem("not_whole")
            return ValueProblem("too_many_decimals", {"decimals": item.decimals})
        low, high = item.min, item.max
        if (low is not None and number < Decimal(str(low))) or (
            high is not None and number > Decimal(str(high))
        ):
            if high is None:
                return ValueProblem("below_min", {"min": _fmt(low)})
            return ValueProblem("out_of_range", {"min": _fmt(low), "max": _fmt(high)})
        return None

    def validate(self, values: Mapping[str, Any], *, vrmds: bool = False) -> dict[str, str]:
        """Return {item code: error} for every invalid value in ``values`` (empty if none)."""
        errors = {}
        for code, value in values.items():
            message = self.validate_value(code, value, vrmds=vrmds)
            if message:
                errors[code] = message
        return errors

    def clean(self, values: Mapping[str, Any]) -> dict[str, Value]:
        """Return ``values`` validated and typed (int, float or str); raise InvalidValues.

        Empty strings become None; items not given are absent from the result.
        """
        errors = self.validate(values)
        if errors:
            raise InvalidValues(errors)
        cleaned: dict[str, Value] = {}
        for code, value in values.items():
            definition = self.item(code)
            if value is None or (isinstance(value, str) and not value.strip()):
                cleaned[code] = None
            elif definition.kind in (ItemKind.TEXT, ItemKind.CODE):
                cleaned[code] = str(value).strip()
            else:
                number = _to_decimal(value)
                assert number is not None  # validated above
                cleaned[code] = int(number) if definition.integer else float(number)
        return cleaned

    def score(self, values: Mapping[str, Any], **options: Any) -> Score:
        """Validate ``values`` (item code -> value) and score them.

        Raises InvalidValues if any value is invalid. Options depend on the instrument:
        EQ-5D takes ``value_set``, ``age``, ``sex``; COPM takes ``baseline`` (a Score or
        item values of the earlier administration); HNA takes ``distress_cutoff``.
        An unknown option raises TypeError.
        """
        return self.scorer(self, self.clean(values), **options)


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


# --------------------------------------------------------------------------- scoring


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _make_score(instrument: Instrument, scores: Mapping[str, Value], **kwargs: Any) -> Score:
    bands = {name: instrument.band(name, scores.get(name)) for name in instrument.bands}
    bands.update(kwargs.pop("bands", {}))
    flags = {name: frozenset(f) for name, f in kwargs.pop("flags", {}).items() if f}
    return Score(
        instrument=instrument.code,
        version=instrument.version,
        scores=_freeze(scores),
        rule=instrument.missing_rule,
        bands=_freeze(bands),
        flags=_freeze(flags),
        notes=tuple(kwargs.pop("notes", ())),
        **kwargs,
    )


def _score_items_as_is(instrument: Instrument, values: Mapping[str, Value]) -> Score:
    scores = {
        item.code: values.get(item.code)
        for item in instrument.items
        if item.kind is not ItemKind.TEXT
    }
    return _make_score(instrument, scores)


def _score_eq5d(
    instrument: Instrument,
    values: Mapping[str, Value],
    *,
    value_set: str | None = None,
    age: int | None = None,
    sex: str | None = None,
) -> Score:
    chosen = get_value_set(value_set) if value_set else default_value_set(instrument.code)
    if chosen.instrument != instrument.code:
        raise ValueError(
            f"value set {chosen.code} values {chosen.instrument} responses, not {instrument.code}"
        )
    notes = []
    index = None
    profile = profile_string(values)  # type: ignore[arg-type]
    if profile is None:
        missing = [d for d in DIMENSIONS if values.get(d) is None]
        notes.append(f"index not computed: {', '.join(missing)} not recorded")
    else:
        try:
            index = chosen.index(profile, age=age, sex=sex)
        except ValueSetNotLoaded:
            raise
        except ValueSetError as exc:
            notes.append(f"index not computed: {exc}")
    return _make_score(
        instrument,
        {"index": index, "vas": values.get("vas")},
        value_set=chosen.code,
        profile=profile,
        notes=notes,
    )


_HADS_SUBSCALES = {"anxiety": "a", "depression": "d"}


# A subscale with one of its seven items missing: the mean of the six answered x 7,
# rounded half up; in integers, floor(7s/6 + 1/2) == (14s + 6) // 12.
_PRORATE_TIMES, _PRORATE_PLUS, _PRORATE_OVER = 14, 6, 12


def _prorate_hads(total_of_six: int) -> int:
    return (_PRORATE_TIMES * total_of_six + _PRORATE_PLUS) // _PRORATE_OVER


def hads_subscale_expression(*, item_sum: str, items_answered: str, recorded_total: str):
    """A HADS subscale score in SQL, by the rule of :func:`_score_hads`, over columns
    holding the sum and count of its answered items and the recorded total.

    Seven items: their sum; six: prorated, left unfloored because it is only compared
    with whole-number band limits (:func:`band_limits`), where it falls as its floor
    would; otherwise the recorded total.
    """
    prorated = (F(item_sum) * _PRORATE_TIMES + _PRORATE_PLUS) / float(_PRORATE_OVER)
    return Case(
        When(**{items_answered: 7}, then=F(item_sum)),
        When(**{items_answered: 6}, then=prorated),
        default=F(recorded_total),
        output_field=FloatField(),
    )


def _score_hads(instrument: Instrument, values: Mapping[str, Value]) -> Score:
    scores: dict[str, Value] = {}
    flags: dict[str, set[Flag]] = {}
    notes = []
    for subscale, prefix in _HADS_SUBSCALES.items():
        answered = [
            values[f"{prefix}{n}"] for n in range(1, 8) if values.get(f"{prefix}{n}") is not None
        ]
        recorded_total = values.get(subscale)
        total: Value = None
        if len(answered) == 7:
            total = sum(answered)  # type: ignore[arg-type]
            if recorded_total is not None and recorded_total != total:
                notes.append(
                    f"{subscale}: recorded total {recorded_total} differs from the item sum "
                    f"{total}; the item sum is used"
                )
        elif len(answered) == 6:
            total = _prorate_hads(sum(answered))  # type: ignore[arg-type]
            flags[subscale] = {Flag.PRORATED}
        elif recorded_total is not None:
            total = recorded_total
            flags[subscale] = {Flag.FROM_TOTAL}
        elif answered:
            notes.append(f"{subscale} not scored: {7 - len(answered)} of 7 items missing")
        scores[subscale] = total
    return _make_score(instrument, scores, flags=flags, notes=notes)


# PHQ-9, GAD-7 and WHO-5: the total of n items, prorated when one is missing (the mean
# of the n - 1 answered x n, rounded half up, VRMDS v1.1); with more missing, not scored.
# In integers: floor(n s / (n - 1) + 1/2) == (2 n s + n - 1) // (2 (n - 1)).


def prorate_total(total_answered: int, items: int) -> int:
    """The total of ``items`` items from the sum of all but one of them."""
    return (2 * items * total_answered + items - 1) // (2 * (items - 1))


def prorated_total_expression(instrument: Instrument, *, item_sum: str, items_answered: str):
    """The total of a prorated-total instrument in SQL, by the rule of
    :func:`_score_prorated_total`, over columns holding the sum and number of its
    answered items: whole (floored), so that means and band counts match Python."""
    n = len(instrument.total_items)
    prorated = Floor((F(item_sum) * (2 * n) + (n - 1)) / float(2 * (n - 1)))
    return Case(
        When(**{items_answered: n}, then=F(item_sum)),
        When(**{items_answered: n - 1}, then=prorated),
        output_field=FloatField(),
    )


def prorated_total_scored(instrument: Instrument, *, items_answered: str) -> Q:
    """Where :func:`prorated_total_expression` gives a total: all items, or all but one."""
    return Q(**{f"{items_answered}__gte": len(instrument.total_items) - 1})


# WHO-5 reports its raw total (0-25) as a percentage: raw x 4.
WHO5_PERCENT_PER_POINT = 4


def _score_prorated_total(instrument: Instrument, values: Mapping[str, Value]) -> Score:
    codes = instrument.total_items
    answered = [values[code] for code in codes if values.get(code) is not None]
    flags: dict[str, set[Flag]] = {}
    notes = []
    total: Value = None
    if len(answered) == len(codes):
        total = sum(answered)  # type: ignore[arg-type]
    elif len(answered) == len(codes) - 1:
        total = prorate_total(sum(answered), len(codes))  # type: ignore[arg-type]
        flags["total"] = {Flag.PRORATED}
    elif answered:
        notes.append(
            f"total not scored: {len(codes) - len(answered)} of {len(codes)} items missing"
        )
    scores: dict[str, Value] = {"total": total}
    if instrument.code == "who5":
        scores["percent"] = None if total is None else total * WHO5_PERCENT_PER_POINT
        if total is not None:
            flags["percent"] = set(flags.get("total", ()))
    for item in instrument.items:
        if item.group != SUMMED and item.kind is not ItemKind.TEXT:
            scores[item.code] = values.get(item.code)
    return _make_score(instrument, scores, flags=flags, notes=notes)


COPM_PROBLEMS = 5


def _copm_problem_ratings(values: Mapping[str, Value]) -> dict[int, dict[str, Value]]:
    problems = {}
    for n in range(1, COPM_PROBLEMS + 1):
        ratings = {
            part: values.get(f"p{n}_{part}")
            for part in ("importance", "performance", "satisfaction")
        }
        if ratings["performance"] is not None or ratings["satisfaction"] is not None:
            problems[n] = ratings
    return problems


def _mean_1dp(numbers: list[Value]) -> float | None:
    present = [Decimal(str(x)) for x in numbers if x is not None]
    if not present:
        return None
    return round_half_up(sum(present) / len(present), 1)


def _change_1dp(after: Value, before: Value) -> float | None:
    if after is None or before is None:
        return None
    return round_half_up(Decimal(str(after)) - Decimal(str(before)), 1)


def _score_copm(
    instrument: Instrument,
    values: Mapping[str, Value],
    *,
    baseline: Score | Mapping[str, Any] | None = None,
) -> Score:
    problems = _copm_problem_ratings(values)
    scores: dict[str, Value] = {}
    flags: dict[str, set[Flag]] = {}
    notes = []
    if problems:
        for name in ("performance", "satisfaction"):
            ratings = [p[name] for p in problems.values()]
            scores[name] = _mean_1dp(ratings)
            if any(r is None for r in ratings):
                notes.append(f"{name}: mean of the problems rated for {name} only")
            recorded = values.get(name)
            if recorded is not None and recorded != scores[name]:
                notes.append(
                    f"{name}: recorded score {recorded} differs from the mean of the problems "
                    f"{scores[name]}; the mean is used"
                )
        scores["problems"] = len(problems)
        for n, ratings in problems.items():
            scores[f"p{n}_performance"] = ratings["performance"]
            scores[f"p{n}_satisfaction"] = ratings["satisfaction"]
    else:
        for name in ("performance", "satisfaction"):
            scores[name] = values.get(name)
            if scores[name] is not None:
                flags[name] = {Flag.FROM_TOTAL}
        scores["problems"] = None

    if baseline is not None:
        before = baseline if isinstance(baseline, Score) else instrument.score(baseline)
        if before.instrument != instrument.code:
            raise ValueError(f"baseline is a {before.instrument} score, not {instrument.code}")
        for name in ("performance", "satisfaction"):
            threshold = instrument.mcid[name]
            change = _change_1dp(scores[name], before.get(name))
            scores[f"{name}_change"] = change
            if change is not None and change >= threshold:
                flags[f"{name}_change"] = {Flag.CHANGE_2_OR_MORE}
            elif change is not None and change <= -threshold:
                flags[f"{name}_change"] = {Flag.DECLINE_2_OR_MORE}
        # Averages can hide one problem improving while another worsens (COPM FAQ),
        # so keep the change of each problem that was rated both times.
        for n in range(1, COPM_PROBLEMS + 1):
            for name in ("performance", "satisfaction"):
                key = f"p{n}_{name}"
                change = _change_1dp(scores.get(key), before.get(key))
                if change is not None:
                    scores[f"{key}_change"] = change
    return _make_score(instrument, scores, flags=flags, notes=notes)


def _score_followup(instrument: Instrument, values: Mapping[str, Value]) -> Score:
    status = values.get("work_status")
    in_work = None if status in (None, WorkStatus.NOT_KNOWN) else int(status in IN_WORK)
    scores = {
        "work_status": status,
        "in_work": in_work,
        "hours_per_week": values.get("hours_per_week"),
        "more_support_needed": values.get("more_support_needed"),
    }
    return _make_score(instrument, scores)


HNA_CONCERN_AREAS = (
    "physical",
    "emotional",
    "practical",
    "financial",
    "family",
    "spiritual",
    "work",
)
DISTRESS_REFERRAL_CUTOFF = 4  # NCCN; Cutillo et al. (ONF 2017) suggest 3


def _score_hna(
    instrument: Instrument,
    values: Mapping[str, Value],
    *,
    distress_cutoff: int = DISTRESS_REFERRAL_CUTOFF,
) -> Score:
    distress = values.get("distress")
    answered = [values[a] for a in HNA_CONCERN_AREAS if values.get(a) is not None]
    scores: dict[str, Value] = {
        "distress": distress,
        "concerns": sum(answered) if answered else None,  # type: ignore[arg-type]
    }
    band = None
    flags: dict[str, set[Flag]] = {}
    if distress is not None:
        band = "at_or_above_cutoff" if distress >= distress_cutoff else "below_cutoff"
        if band == "at_or_above_cutoff":
            flags["distress"] = {Flag.REFER}
    notes = []
    if distress_cutoff != DISTRESS_REFERRAL_CUTOFF:
        notes.append(f"distress referral cut-off {distress_cutoff} used, not the NCCN 4")
    return _make_score(instrument, scores, bands={"distress": band}, flags=flags, notes=notes)


# ---------------------------------------------------------------------- definitions

_ROUTINE = (Timepoint.ENTRY, Timepoint.DISCHARGE, Timepoint.FOLLOWUP, Timepoint.AD_HOC)

_EQ5D_LABELS = {
    "mobility": _("Mobility"),
    "self_care": _("Self-care"),
    "usual_activities": _("Usual activities"),
    "pain_discomfort": _("Pain/discomfort"),
    "anxiety_depression": _("Anxiety/depression"),
}


def _eq5d(code: str, name: str, levels: int) -> Instrument:
    items = tuple(Item(dim, _EQ5D_LABELS[dim], 1, levels) for dim in DIMENSIONS) + (
        Item("vas", _("EQ VAS (0 = worst, 100 = best imaginable health)"), 0, 100),
    )
    return Instrument(
        code=code,
        name=name,
        version="1",
        items=items,
        scorer=_score_eq5d,
        timepoints=_ROUTINE,
        missing_rule="eq5d-complete-profile",
        missing_rule_text=_(
            "The index needs all five dimensions; with any missing it is not computed. "
            "The VAS is reported on its own and never mixed with the index."
        ),
        higher_is_better={"index": True, "vas": True},
        source="EuroQol; value sets in vocrehab.measures.valuesets",
        licensed_wording=True,
    )


_HADS_BANDS = (
    Band("normal", _("Normal"), 0, 7),
    Band("mild", _("Mild"), 8, 10),
    Band("moderate", _("Moderate"), 11, 14),
    Band("severe", _("Severe"), 15, 21),
)

HADS = Instrument(
    code="hads",
    name=_("Hospital Anxiety and Depression Scale (HADS)"),
    version="1",
    items=tuple(
        Item(f"{prefix}{n}", f"HADS item {prefix.upper()}{n}", 0, 3, group=subscale)
        for subscale, prefix in _HADS_SUBSCALES.items()
        for n in range(1, 8)
    )
    + (
        Item("anxiety", _("Anxiety total"), 0, 21, group="total"),
        Item("depression", _("Depression total"), 0, 21, group="total"),
    ),
    scorer=_score_hads,
    timepoints=_ROUTINE,
    missing_rule="hads-prorate-one-missing",
    missing_rule_text=_(
        "A subscale with one item missing is prorated (mean of the six answered items x 7, "
        "rounded half up) and flagged; with two or more missing it is not scored. Items are "
        "stored already keyed so that 3 is worst."
    ),
    bands={"anxiety": _HADS_BANDS, "depression": _HADS_BANDS},
    higher_is_better={"anxiety": False, "depression": False},
    source="Zigmond & Snaith, Acta Psychiatr Scand 1983;67:361-370; bands: HADS manual 1994",
    licensed_wording=True,
)

# PHQ-9, GAD-7 and WHO-5: openly licensed, so their published English wording ships
# (FACTS: no permission needed to reproduce, translate or display them). The wording is
# data, not interface text: it is not marked for translation, because only the
# copyright holders' published translations may replace it.
_OPEN_LICENCE_PFIZER = (
    "Developed by Drs Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
_OVER_2_WEEKS = {
    "0": "Not at all",
    "1": "Several days",
    "2": "More than half the days",
    "3": "Nearly every day",
}

_PHQ9_ITEMS = (
    ("q1", _("Interest or pleasure"), "Little interest or pleasure in doing things"),
    ("q2", _("Feeling down"), "Feeling down, depressed, or hopeless"),
    ("q3", _("Sleep"), "Trouble falling or staying asleep, or sleeping too much"),
    ("q4", _("Tiredness"), "Feeling tired or having little energy"),
    ("q5", _("Appetite"), "Poor appetite or overeating"),
    (
        "q6",
        _("Feeling bad about yourself"),
        "Feeling bad about yourself — or that you are a failure or have let yourself or "
        "your family down",
    ),
    (
        "q7",
        _("Concentration"),
        "Trouble concentrating on things, such as reading the newspaper or watching television",
    ),
    (
        "q8",
        _("Moving or speaking slowly, or restless"),
        "Moving or speaking so slowly that other people could have noticed? Or the "
        "opposite — being so fidgety or restless that you have been moving around a lot "
        "more than usual",
    ),
    (
        "q9",
        _("Thoughts of being better off dead or of self-harm"),
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
)
_PHQ9_DIFFICULTY = (
    "If you checked off any problems, how difficult have these problems made it for you "
    "to do your work, take care of things at home, or get along with other people?"
)

PHQ9 = Instrument(
    code="phq9",
    name=_("Patient Health Questionnaire (PHQ-9)"),
    version="1",
    items=tuple(Item(code, label, 0, 3, group=SUMMED) for code, label, _text in _PHQ9_ITEMS)
    + (Item("difficulty", _("Difficulty the problems caused"), 0, 3),),
    scorer=_score_prorated_total,
    timepoints=_ROUTINE,
    missing_rule="prorate-one-missing",
    missing_rule_text=_(
        "The total of items 1 to 9 (0 to 27); with one item missing it is prorated (mean "
        "of the eight answered x 9, rounded half up) and flagged; with two or more missing "
        "it is not scored. The difficulty question is not part of the total."
    ),
    bands={
        "total": (
            Band("minimal", _("Minimal"), 0, 4),
            Band("mild", _("Mild"), 5, 9),
            Band("moderate", _("Moderate"), 10, 14),
            Band("moderately_severe", _("Moderately severe"), 15, 19),
            Band("severe", _("Severe"), 20, 27),
        )
    },
    higher_is_better={"total": False},
    source="Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613",
    wording={
        "en-gb": Wording(
            instructions=(
                "Over the last 2 weeks, how often have you been bothered by any of the "
                "following problems?"
            ),
            items={code: text for code, _label, text in _PHQ9_ITEMS}
            | {"difficulty": _PHQ9_DIFFICULTY},
            answers={code: _OVER_2_WEEKS for code, _label, _text in _PHQ9_ITEMS}
            | {
                "difficulty": {
                    "0": "Not difficult at all",
                    "1": "Somewhat difficult",
                    "2": "Very difficult",
                    "3": "Extremely difficult",
                }
            },
        )
    },
    welsh=Translation.AWAITING,
    licence=_OPEN_LICENCE_PFIZER,
    # Thoughts of being better off dead or of self-harm, on any day: same-day contact.
    safety_items={"q9": 1},
)

_GAD7_ITEMS = (
    ("q1", _("Nervous, anxious or on edge"), "Feeling nervous, anxious or on edge"),
    ("q2", _("Cannot stop worrying"), "Not being able to stop or control worrying"),
    ("q3", _("Worrying too much"), "Worrying too much about different things"),
    ("q4", _("Trouble relaxing"), "Trouble relaxing"),
    ("q5", _("Restless"), "Being so restless that it is hard to sit still"),
    ("q6", _("Easily annoyed or irritable"), "Becoming easily annoyed or irritable"),
    (
        "q7",
        _("Afraid something awful might happen"),
        "Feeling afraid as if something awful might happen",
    ),
)

GAD7 = Instrument(
    code="gad7",
    name=_("Generalised Anxiety Disorder assessment (GAD-7)"),
    version="1",
    items=tuple(Item(code, label, 0, 3, group=SUMMED) for code, label, _text in _GAD7_ITEMS),
    scorer=_score_prorated_total,
    timepoints=_ROUTINE,
    missing_rule="prorate-one-missing",
    missing_rule_text=_(
        "The total of the seven items (0 to 21); with one item missing it is prorated (mean "
        "of the six answered x 7, rounded half up) and flagged; with two or more missing it "
        "is not scored."
    ),
    bands={
        "total": (
            Band("minimal", _("Minimal"), 0, 4),
            Band("mild", _("Mild"), 5, 9),
            Band("moderate", _("Moderate"), 10, 14),
            Band("severe", _("Severe"), 15, 21),
        )
    },
    higher_is_better={"total": False},
    source="Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-1097",
    wording={
        "en-gb": Wording(
            instructions=(
                "Over the last 2 weeks, how often have you been bothered by the following problems?"
            ),
            items={code: text for code, _label, text in _GAD7_ITEMS},
            answers={code: _OVER_2_WEEKS for code, _label, _text in _GAD7_ITEMS},
        )
    },
    welsh=Translation.AWAITING,
    licence=_OPEN_LICENCE_PFIZER,
)

_WHO5_ITEMS = (
    ("q1", _("Cheerful and in good spirits"), "I have felt cheerful and in good spirits"),
    ("q2", _("Calm and relaxed"), "I have felt calm and relaxed"),
    ("q3", _("Active and vigorous"), "I have felt active and vigorous"),
    ("q4", _("Woke up fresh and rested"), "I woke up feeling fresh and rested"),
    (
        "q5",
        _("Daily life filled with things of interest"),
        "My daily life has been filled with things that interest me",
    ),
)
# Listed as the published form lists them: the best answer first.
_WHO5_ANSWERS = {
    "5": "All of the time",
    "4": "Most of the time",
    "3": "More than half of the time",
    "2": "Less than half of the time",
    "1": "Some of the time",
    "0": "At no time",
}

WHO5 = Instrument(
    code="who5",
    name=_("WHO-5 Well-Being Index"),
    version="1",
    items=tuple(Item(code, label, 0, 5, group=SUMMED) for code, label, _text in _WHO5_ITEMS),
    scorer=_score_prorated_total,
    timepoints=_ROUTINE,
    missing_rule="prorate-one-missing",
    missing_rule_text=_(
        "The raw total of the five items (0 to 25), reported as a percentage (raw x 4, 0 "
        "to 100); with one item missing the raw total is prorated (mean of the four "
        "answered x 5, rounded half up) and flagged; with two or more missing it is not "
        "scored. 50 or less suggests poor wellbeing, 28 or less likely depression."
    ),
    bands={
        "percent": (
            Band("likely_depression", _("Likely depression: consider a PHQ-9"), 0, 28),
            Band("poor_wellbeing", _("Poor wellbeing"), 29, 50),
            Band("not_poor", _("Not poor"), 51, 100),
        )
    },
    higher_is_better={"total": True, "percent": True},
    source="Topp, Østergaard, Søndergaard & Bech, Psychother Psychosom 2015;84:167-176",
    wording={
        "en-gb": Wording(
            instructions=(
                "Please indicate for each of the five statements which is closest to how "
                "you have been feeling over the last two weeks."
            ),
            items={code: text for code, _label, text in _WHO5_ITEMS},
            answers={code: _WHO5_ANSWERS for code, _label, _text in _WHO5_ITEMS},
        )
    },
    welsh=Translation.AWAITING,
    licence=(
        "Psychiatric Research Unit, WHO Collaborating Centre in Mental Health, Hillerød. "
        "Free to use without permission; altered wording must be marked as such."
    ),
)
# WHO-5 percentage scores at or below this suggest poor wellbeing (the report counts them).
WHO5_POOR_WELLBEING_AT_MOST = 50

COPM = Instrument(
    code="copm",
    name=_("Canadian Occupational Performance Measure (COPM)"),
    version="1",
    items=(
        Item("performance", _("Performance score (mean over problems)"), 1, 10, decimals=1),
        Item("satisfaction", _("Satisfaction score (mean over problems)"), 1, 10, decimals=1),
    )
    + tuple(
        Item(f"p{n}_{part}", label, 1, 10, vrmds=False, group=f"problem_{n}")
        for n in range(1, COPM_PROBLEMS + 1)
        for part, label in (
            ("importance", format_lazy(_("Problem {n} importance"), n=n)),
            ("performance", format_lazy(_("Problem {n} performance"), n=n)),
            ("satisfaction", format_lazy(_("Problem {n} satisfaction"), n=n)),
        )
    )
    + tuple(
        Item(
            f"p{n}_problem",
            format_lazy(_("Problem {n}"), n=n),
            kind=ItemKind.TEXT,
            vrmds=False,
            group=f"problem_{n}",
            max_length=500,
        )
        for n in range(1, COPM_PROBLEMS + 1)
    ),
    scorer=_score_copm,
    timepoints=_ROUTINE,
    missing_rule="copm-mean-of-rated-problems",
    missing_rule_text=_(
        "Performance and satisfaction are each the mean over the problems rated (up to five), "
        "rounded half up to one decimal; importance is not scored. A change of 2 or more "
        "is clinically important."
    ),
    higher_is_better={"performance": True, "satisfaction": True},
    mcid={"performance": 2, "satisfaction": 2},
    source="Law et al., CAOT; thecopm.ca",
    licensed_wording=True,
)

WORK_CONFIDENCE = Instrument(
    code="work_confidence",
    name=_("Work confidence"),
    version="1",
    items=(
        Item("working", _("Confidence about working"), 0, 10),
        Item("managing_condition", _("Confidence managing the condition at work"), 0, 10),
        Item("work_impact", _("Confidence that work will not harm the condition"), 0, 10),
    ),
    scorer=_score_items_as_is,
    timepoints=_ROUTINE,
    missing_rule="item-by-item",
    missing_rule_text=_("Each item is reported on its own; a missing item is not scored."),
    higher_is_better={"working": True, "managing_condition": True, "work_impact": True},
)

HEALTH_USE = Instrument(
    code="health_use",
    name=_("Health service use in the last month"),
    version="1",
    items=(
        Item("gp_visits", _("GP visits"), 0, None),
        Item("outpatient_visits", _("Outpatient visits"), 0, None),
        Item("hospital_stays", _("Hospital stays"), 0, None),
    ),
    scorer=_score_items_as_is,
    timepoints=_ROUTINE,
    missing_rule="item-by-item",
    missing_rule_text=_("Each item is reported on its own; a missing item is not scored."),
    higher_is_better={"gp_visits": False, "outpatient_visits": False, "hospital_stays": False},
)

WORK_ABILITY = Instrument(
    code="work_ability",
    name=_("Work Ability Score"),
    version="1",
    items=(Item("score", _("Current work ability compared with lifetime best"), 0, 10),),
    scorer=_score_items_as_is,
    timepoints=_ROUTINE,
    missing_rule="item-by-item",
    missing_rule_text=_("A missing score is not scored."),
    bands={
        "score": (
            Band("poor", _("Poor"), 0, 5),
            Band("moderate", _("Moderate"), 6, 7),
            Band("good_excellent", _("Good or excellent"), 8, 10),
        )
    },
    higher_is_better={"score": True},
    source="El Fassi et al. 2013; bands: Jääskeläinen et al., SJWEH 2016;42(6):490-499",
)

SATISFACTION = Instrument(
    code="satisfaction",
    name=_("Client satisfaction survey"),
    version="1",
    items=(
        Item("overall", _("Overall rating (4 excellent ... 1 poor)"), 1, 4),
        Item("helpful", _("Helpfulness (4 very helpful ... 1 not at all)"), 1, 4),
        Item("involved", _("Involvement (4 very involved ... 1 not at all)"), 1, 4),
        Item(
            "positive_impact",
            _("Positive impact on work (5 strongly agree ... 1 strongly disagree)"),
            1,
            5,
        ),
        Item("recommend", _("Would recommend the service"), 0, 1, kind=ItemKind.YES_NO),
        Item("use_again", _("Would use the service again"), 0, 1, kind=ItemKind.YES_NO),
        Item("comment", _("Comment"), kind=ItemKind.TEXT, vrmds=False, max_length=4000),
    ),
    scorer=_score_items_as_is,
    timepoints=(Timepoint.DISCHARGE,),
    missing_rule="item-by-item",
    missing_rule_text=_("Each question is reported on its own; the comment is not scored."),
    higher_is_better={
        "overall": True,
        "helpful": True,
        "involved": True,
        "positive_impact": True,
        "recommend": True,
        "use_again": True,
    },
)

FOLLOWUP_SURVEY = Instrument(
    code="followup_survey",
    name=_("Six-month follow-up survey"),
    version="1",
    items=(
        Item(
            "work_status",
            _("Work status"),
            kind=ItemKind.CODE,
            vrmds=False,
            choices=tuple(WorkStatus.values),
        ),
        Item("hours_per_week", _("Hours worked per week"), 0, 168, decimals=1, vrmds=False),
        Item(
            "more_support_needed",
            _("More support needed"),
            0,
            1,
            kind=ItemKind.YES_NO,
            vrmds=False,
        ),
    ),
    scorer=_score_followup,
    timepoints=(Timepoint.FOLLOWUP,),
    missing_rule="item-by-item",
    missing_rule_text=_(
        "Each answer is reported on its own; in work is derived from the work status "
        "(at work or self-employed) and not scored when the status is not known."
    ),
    vrmds=False,
)

_HNA_LABELS = {
    "physical": _("Physical concerns"),
    "emotional": _("Emotional concerns"),
    "practical": _("Practical concerns"),
    "financial": _("Financial concerns"),
    "family": _("Family or relationship concerns"),
    "spiritual": _("Spiritual concerns"),
    "work": _("Work concerns"),
}

HNA = Instrument(
    code="hna",
    name=_("Holistic needs assessment"),
    version="1",
    items=tuple(
        Item(area, _HNA_LABELS[area], 0, 1, kind=ItemKind.YES_NO, vrmds=False, group="concerns")
        for area in HNA_CONCERN_AREAS
    )
    + (
        Item(
            "distress",
            _("Distress thermometer (0 none ... 10 extreme)"),
            0,
            10,
            vrmds=False,
        ),
    ),
    scorer=_score_hna,
    timepoints=(Timepoint.ENTRY, Timepoint.DISCHARGE, Timepoint.AD_HOC),
    missing_rule="item-by-item",
    missing_rule_text=_(
        "Concerns counts the areas answered yes; distress at or above 4 (NCCN) is flagged "
        "for referral."
    ),
    bands={
        "distress": (
            Band("below_cutoff", _("Below the referral cut-off"), 0, DISTRESS_REFERRAL_CUTOFF - 1),
            Band(
                "at_or_above_cutoff",
                _("At or above the referral cut-off"),
                DISTRESS_REFERRAL_CUTOFF,
                10,
            ),
        )
    },
    higher_is_better={"distress": False, "concerns": False},
    vrmds=False,
    source="Macmillan HNA concerns checklist areas; NCCN Distress Thermometer",
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        _eq5d("eq5d5l", "EQ-5D-5L", 5),
        _eq5d("eq5d3l", "EQ-5D-3L", 3),
        HADS,
        COPM,
        PHQ9,
        GAD7,
        WHO5,
        WORK_CONFIDENCE,
        HEALTH_USE,
        WORK_ABILITY,
        SATISFACTION,
        FOLLOWUP_SURVEY,
        HNA,
    )
}

VRMDS_INSTRUMENTS: tuple[str, ...] = tuple(code for code, i in INSTRUMENTS.items() if i.vrmds)


def get_instrument(code: str) -> Instrument:
    """Return the instrument ``code``; KeyError naming the known codes if there is none."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise KeyError(
            f"unknown instrument {code!r}; known instruments: {', '.join(INSTRUMENTS)}"
        ) from None


def vrmds_items(code: str) -> tuple[Item, ...]:
    """Return the items that VRMDS measures.csv may carry for instrument ``code``.

    Empty for internal-only instruments; KeyError for an unknown instrument.
    """
    instrument = get_instrument(code)
    if not instrument.vrmds:
        return ()
    return tuple(item for item in instrument.items if item.vrmds)


# ----------------------------------------------------------------- licensed wording

_ITEM_WORDING: dict[str, dict[str, str]] = {}


def load_item_wording(instrument_code: str, mapping: Mapping[str, str]) -> None:
    """Attach licensed item wording (item code -> text) to an instrument, replacing any.

    The project ships no copyrighted wording; a service holding a licence calls this
    at start-up. Raises KeyError for an unknown instrument or item code.
    """
    instrument = get_instrument(instrument_code)
    for item_code in mapping:
        instrument.item(item_code)
    _ITEM_WORDING[instrument_code] = {code: str(text) for code, text in mapping.items()}


def item_wording(instrument_code: str, item_code: str) -> str | None:
    """Return the loaded wording of an item, or None when none has been loaded."""
    return _ITEM_WORDING.get(instrument_code, {}).get(item_code)


def clear_item_wording(instrument_code: str | None = None) -> None:
    """Forget loaded wording for one instrument, or for all."""
    if instrument_code is None:
        _ITEM_WORDING.clear()
    else:
        _ITEM_WORDING.pop(instrument_code, None)
