"""Check a VRMDS v1 dataset against every rule of ``dataset/VRMDS.md``.

Each problem becomes one line ``FILE:ROW:COLUMN: message`` in words a service manager
understands, where ROW is the spreadsheet row (the header is row 1). Files are read as
streams; across files only a compact index of episodes is kept (id, service, client,
referral date, row), so a national dataset validates in bounded memory.

The parsing helpers at the end (:func:`parse_row` and friends) turn a validated row
into Python values; the importer uses them so that what is checked is what is loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from vocrehab import codes
from vocrehab.clients.check_digits import nhs_number_valid
from vocrehab.interchange.vrmds import schema
from vocrehab.interchange.vrmds.reader import (
    WIDTH_KEY,
    Dataset,
    DatasetError,
    Limits,
    open_dataset,
)
from vocrehab.interchange.vrmds.schema import Column, Kind
from vocrehab.measures import instruments

DEFAULT_MAX_ERRORS = 1000

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT_RE = re.compile(r"\d+")
_SIGNED_INT_RE = re.compile(r"[+-]?\d+")
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ICD10_RE = re.compile(r"[A-Z]\d\d")
_TEN_DIGITS = re.compile(r"\d{10}")


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Issue:
    """One problem in the dataset. ``row`` and ``column`` are None for whole-file problems."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
            if self.column is not None:
                parts.append(self.column)
        return ":".join(parts) + ": " + self.message


@dataclass
class ValidationResult:
    """What validation found.

    ``errors`` holds at most ``max_errors`` issues, in file and row order;
    ``error_count`` counts them all. ``rows`` maps each file read to its number of
    data rows.
    """

    errors: list[Issue] = field(default_factory=list)
    error_count: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    max_errors: int = DEFAULT_MAX_ERRORS

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def add(self, file: str, row: int | None, column: str | None, template: str, /, **params):
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            message = gettext(template)
            if params:
                message = message % params
            self.errors.append(Issue(file, row, column, message))


# ---------------------------------------------------------------------------- parsing


@lru_cache(maxsize=1 << 16)
def _date_ordinal(text: str) -> int:
    """Ordinal of an ISO date ``YYYY-MM-DD``, or -1. Cached: datasets repeat dates a lot."""
    if not _DATE_RE.fullmatch(text):
        return -1
    try:
        return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10])).toordinal()
    except ValueError:
        return -1


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` → date; "" → None; ValueError otherwise."""
    if not text:
        return None
    ordinal = _date_ordinal(text)
    if ordinal < 0:
        raise ValueError(f"{text!r} is not a date in YYYY-MM-DD form")
    return dt.date.fromordinal(ordinal)


def parse_int(text: str) -> int | None:
    """Whole number → int; "" → None; ValueError otherwise."""
    if not text:
        return None
    if not _SIGNED_INT_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def parse_codes(text: str) -> list[str]:
    """``"a;b"`` → ``["a", "b"]``; "" → []. Spaces around codes are dropped."""
    return [part.strip() for part in text.split(";") if part.strip()] if text else []


def parse_number(text: str) -> int | float | None:
    """A measure value: int when whole, float otherwise; "" → None; ValueError otherwise."""
    if not text:
        return None
    if not _NUMBER_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a number")
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def parse_row(file_name: str, row: dict) -> dict:
    """Turn a row of a validated file into Python values.

    Dates become ``datetime.date``, whole numbers ``int``, measure values int or float,
    ``interventions`` a list of codes, and empty cells None. Local ``x_`` columns are
    kept as text (None when empty). Raises ValueError on a value the validator would
    have rejected as the wrong type.
    """
    typed: dict = {}
    for column in schema.COLUMNS[file_name]:
        text = row.get(column.name, "")
        if column.kind == Kind.DATE:
            typed[column.name] = parse_date(text)
        elif column.kind == Kind.INT:
            typed[column.name] = parse_int(text)
        elif column.kind == Kind.CODES:
            typed[column.name] = parse_codes(text)
        elif column.kind == Kind.NUMBER:
            typed[column.name] = parse_number(text)
        else:
            typed[column.name] = text or None
    for name, text in row.items():
        if isinstance(name, str) and name.startswith(schema.EXTENSION_PREFIX):
            typed[name] = text or None
    return typed


# ------------------------------------------------------------------- episode index

_ORD_BITS = 22  # date ordinals up to year 9999
_SVC_BITS = 16
_CLIENT_BITS = 32
_SVC_SHIFT = _ORD_BITS
_CLIENT_SHIFT = _ORD_BITS + _SVC_BITS
_DISCHARGE_SHIFT = _CLIENT_SHIFT + _CLIENT_BITS
_ROW_SHIFT = _DISCHARGE_SHIFT + _ORD_BITS
_ORD_MASK = (1 << _ORD_BITS) - 1
_SVC_MASK = (1 << _SVC_BITS) - 1
_CLIENT_MASK = (1 << _CLIENT_BITS) - 1


class _EpisodeIndex:
    """What later checks need to know of each episode, packed into one int per episode.

    Episode ids are unique within a service. The common case, an id used by one service
    only, costs one dict entry; ids shared between services also go to ``_shared``.
    """

    def __init__(self) -> None:
        self._by_id: dict[str, int] = {}
        self._shared: dict[tuple[int, str], int] = {}
        self.ambiguous: set[str] = set()
        self._services: dict[str, int] = {}

    def service_index(self, service: str) -> int:
        index = self._services.get(service)
        if index is None:
            index = self._services[service] = len(self._services) & _SVC_MASK
        return index

    @staticmethod
    def pack(ordinal: int, service: int, client: str, row: int, discharge: int = 0) -> int:
        # 0 stands for "no client_id" (and "not discharged"): comparisons skip it.
        client_hash = zlib.crc32(client.encode()) & _CLIENT_MASK if client else 0
        return (
            (max(ordinal, 0) & _ORD_MASK)
            | (service << _SVC_SHIFT)
            | (client_hash << _CLIENT_SHIFT)
            | ((max(discharge, 0) & _ORD_MASK) << _DISCHARGE_SHIFT)
            | (row << _ROW_SHIFT)
        )

    @staticmethod
    def discharge(packed: int) -> int:
        """The discharge date's ordinal, or 0 for an open episode."""
        return (packed >> _DISCHARGE_SHIFT) & _ORD_MASK

    @staticmethod
    def unpack(packed: int) -> tuple[int, int, int, int]:
        """(referral ordinal or 0, service index, client hash, row)."""
        return (
            packed & _ORD_MASK,
            (packed >> _SVC_SHIFT) & _SVC_MASK,
            (packed >> _CLIENT_SHIFT) & _CLIENT_MASK,
            packed >> _ROW_SHIFT,
        )

    def only(self, episode_id: str) -> int | None:
        """The episode of that id, when one service alone uses it."""
        if episode_id in self.ambiguous:
            return None
        return self._by_id.get(episode_id)

    def get(self, service: int, episode_id: str) -> int | None:
        packed = self._by_id.get(episode_id)
        if packed is None:
            return None
        if (packed >> _SVC_SHIFT) & _SVC_MASK == service:
            return packed
        return self._shared.get((service, episode_id))

    def add(self, service: int, episode_id: str, packed: int) -> int | None:
        """Record an episode; return the packed entry it duplicates, if any."""
        existing = self.get(service, episode_id)
        if existing is not None:
            return existing
        first = self._by_id.get(episode_id)
        if first is None:
            self._by_id[episode_id] = packed
        else:
            self.ambiguous.add(episode_id)
            self._shared[(service, episode_id)] = packed
            first_service = (first >> _SVC_SHIFT) & _SVC_MASK
            self._shared.setdefault((first_service, episode_id), first)
        return None

    def __contains__(self, episode_id: str) -> bool:
        return episode_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)


# ------------------------------------------------------------------------- validator


def validate_dataset(
    path: str | Path,
    *,
    max_errors: int = DEFAULT_MAX_ERRORS,
    today: dt.date | None = None,
    limits: Limits | None = None,
) -> ValidationResult:
    """Validate the dataset at ``path`` (folder, .zip or .xlsx) against VRMDS v1.

    ``today`` is the date after which a date is "in the future" (default: today).
    A dataset that cannot be opened gives one error, not an exception.
    """
    result = ValidationResult(max_errors=max_errors)
    try:
        dataset = open_dataset(path, limits=limits)
    except DatasetError as exc:
        result.add(exc.file or Path(path).name, exc.row, exc.column, "%(m)s", m=exc.message)
        return result
    with dataset:
        return _Validator(dataset, result, today or dt.date.today()).run()


class _Validator:
    def __init__(self, dataset: Dataset, result: ValidationResult, today: dt.date):
        self.dataset = dataset
        self.result = result
        self.today = today.toordinal()
        self.episodes = _EpisodeIndex()
        self.episodes_read = False
        self._item_cache: dict[tuple[str, str], object] = {}
        # Re-referral links, checked once every episode is known (the earlier episode
        # may come later in the file): (row, service index, previous id, packed entry).
        self._pending: list[tuple[int, int, str, int]] = []

    def run(self) -> ValidationResult:
        names = self.dataset.names()
        for name in names:
            if name not in schema.FILE_NAMES and not name.startswith(schema.EXTENSION_PREFIX):
                self.result.add(
                    self.dataset.label(name),
                    None,
                    None,
                    N_(
                        "this is not a VRMDS file; the files are episodes.csv, contacts.csv, "
                        "onward.csv and measures.csv (name local files x_…)"
                    ),
                )
        for name in schema.REQUIRED_FILES:
            if name not in names:
                self.result.add(name, None, None, N_("this required file is missing"))
        for name in schema.FILE_NAMES:
            if name in names:
                self._file(name)
        return self.result

    # -- one file --------------------------------------------------------------------

    def _file(self, name: str) -> None:
        label = self.dataset.label(name)
        add = self.result.add
        table = None
        try:
            with self.dataset.open(name) as table:
                columns = self._header(name, label, table.columns)
                row_check = {
                    schema.EPISODES: self._episode,
                    schema.CONTACTS: self._contact,
                    schema.ONWARD: self._child,
                    schema.MEASURES: self._measure,
                }[name]
                for row_number, row in table:
                    if WIDTH_KEY in row:
                        add(
                            label,
                            row_number,
                            None,
                            N_(
                                "this row has %(found)s values but the header has %(width)s "
                                "columns; check for a missing or extra comma"
                            ),
                            found=row[WIDTH_KEY],
                            width=len(table.columns),
                        )
                    if row.get(""):
                        add(label, row_number, None, N_("a value sits in a column with no name"))
                    values = self._cells(label, row_number, row, columns)
                    row_check(label, row_number, row, values)
                self.result.rows[name] = table.row_count
                if name == schema.EPISODES:
                    self.episodes_read = True
                    self._previous_links(label)
        except DatasetError as exc:
            add(exc.file or label, exc.row, exc.column, "%(m)s", m=exc.message)
            # The rows read before the file became unreadable were still checked.
            self.result.rows[name] = table.row_count if table is not None else 0

    def _header(self, name: str, label: str, header: list[str]) -> list[Column]:
        known = {c.name: c for c in schema.COLUMNS[name]}
        for column in header:
            if column and column not in known and not column.startswith(schema.EXTENSION_PREFIX):
                self.result.add(
                    label,
                    1,
                    column,
                    N_("this column is not in VRMDS; local columns must start with x_"),
                )
        present = set(header)
        for column in schema.COLUMNS[name]:
            if column.required and column.name not in present:
                self.result.add(label, 1, column.name, N_("this required column is missing"))
        return [c for c in schema.COLUMNS[name] if c.name in present]

    def _cells(self, label: str, row_number: int, row: dict, columns: list[Column]) -> dict:
        """Check each cell's type, range and code; return the values that passed.

        Dates come back as ordinals and whole numbers as ints; a cell that failed is
        left out, so that rules across columns only compare values that are sound.
        """
        add = self.result.add
        values: dict = {}
        for column in columns:
            name = column.name
            text = row[name]
            if not text:
                if column.required:
                    add(label, row_number, name, N_("this is required but the cell is empty"))
                continue
            kind = column.kind
            if kind == Kind.CODE:
                if text in column.choices:
                    values[name] = text
                else:
                    add(
                        label,
                        row_number,
                        name,
                        N_('"%(value)s" is not a %(what)s code; use one of: %(choices)s'),
                        value=_short(text),
                        what=gettext(column.what),
                        choices=", ".join(column.choices),
                    )
            elif kind == Kind.DATE:
                ordinal = _date_ordinal(text)
                if ordinal < 0:
                    add(
                        label,
                        row_number,
                        name,
                        N_('"%(value)s" is not a date; use YYYY-MM-DD'),
                        value=_short(text),
                    )
                elif ordinal > self.today:
                    add(label, row_number, name, N_("%(value)s is in the future"), value=text)
                else:
                    values[name] = ordinal
            elif kind == Kind.INT:
                if not _SIGNED_INT_RE.fullmatch(text):
                    add(
                        label,
                        row_number,
                        name,
                        N_('"%(value)s" is not a whole number'),
                        value=_short(text),
                    )
                    continue
                number = int(text)
                if (column.min is not None and number < column.min) or (
                    column.max is not None and number > column.max
                ):
                    if column.max is None:
                        add(
                            label,
                            row_number,
                            name,
                            N_("%(value)s is below the lowest allowed, %(min)s"),
                            value=number,
                            min=column.min,
                        )
                    else:
                        add(
                            label,
                            row_number,
                            name,
                            N_("%(value)s is outside the allowed range %(min)s to %(max)s"),
                            value=number,
                            min=column.min,
                            max=column.max,
                        )
                else:
                    values[name] = number
            elif kind == Kind.TEXT:
                if column.max_length and len(text) > column.max_length:
                    add(
                        label,
                        row_number,
                        name,
                        N_("this is %(length)s characters long; the most allowed is %(max)s"),
                        length=len(text),
                        max=column.max_length,
                    )
                else:
                    values[name] = text
            elif kind == Kind.CODES:
                good = []
                for code in text.split(";"):
                    code = code.strip()
                    if not code:
                        continue
                    if code in column.choices:
                        good.append(code)
                    else:
                        add(
                            label,
                            row_number,
                            name,
                            N_(
                                '"%(value)s" is not an %(what)s code; separate codes with ";" '
                                "and use: %(choices)s"
                            ),
                            value=_short(code),
                            what=gettext(column.what),
                            choices=", ".join(column.choices),
                        )
                values[name] = good
            elif kind == Kind.NHS:
                if not _TEN_DIGITS.fullmatch(text):
                    # The number itself stays out of the message: messages end up in logs.
                    add(
                        label,
                        row_number,
                        name,
                        N_(
                            "an NHS or CHI number is 10 digits with no spaces; this one has "
                            "%(length)s characters"
                        ),
                        length=len(text),
                    )
                elif not nhs_number_valid(text):
                    add(
                        label,
                        row_number,
                        name,
                        N_("the check digit of this NHS or CHI number is wrong; check for a typo"),
                    )
                else:
                    values[name] = text
            else:  # Kind.NUMBER
                if _NUMBER_RE.fullmatch(text):
                    values[name] = text
                else:
                    add(
                        label,
                        row_number,
                        name,
                        N_('"%(value)s" is not a number'),
                        value=_short(text),
                    )
        return values

    # -- episodes ----------------------------------------------------------------------

    def _episode(self, label: str, row_number: int, row: dict, values: dict) -> None:
        add = self.result.add

        # Dates run referral -> first contact -> assessment -> discharge -> follow-up.
        last_name = last = None
        for name in schema.DATE_ORDER:
            ordinal = values.get(name)
            if ordinal is None:
                continue
            if last is not None and ordinal < last:
                add(
                    label,
                    row_number,
                    name,
                    N_("%(value)s is before %(other_column)s %(other)s"),
                    value=_iso(ordinal),
                    other_column=last_name,
                    other=_iso(last),
                )
            else:
                last_name, last = name, ordinal

        if values.get("discharge_date") is not None and not row.get("work_status_at_discharge"):
            add(
                label,
                row_number,
                "work_status_at_discharge",
                N_("the episode has a discharge_date, so the work status at discharge is required"),
            )

        if values.get("engagement") == codes.Engagement.DID_NOT_ENGAGE and values.get(
            "assessment_date"
        ):
            add(
                label,
                row_number,
                "engagement",
                N_("did_not_engage means never assessed, but an assessment_date is given"),
            )

        self._deprivation(label, row_number, values)

        if values.get("condition") == codes.Condition.CANCER:
            detail = values.get("condition_detail")
            if detail and not _ICD10_RE.fullmatch(detail):
                add(
                    label,
                    row_number,
                    "condition_detail",
                    N_(
                        "for cancer, give the ICD-10 three-character site such as C50 "
                        '(breast), not "%(value)s"'
                    ),
                    value=_short(detail),
                )

        episode_id = values.get("episode_id")
        service = values.get("service_code")
        if episode_id is None or service is None:
            return
        service_index = self.episodes.service_index(service)
        packed = _EpisodeIndex.pack(
            values.get("referral_date") or 0,
            service_index,
            values.get("client_id") or "",
            row_number,
            values.get("discharge_date") or 0,
        )
        duplicate = self.episodes.add(service_index, episode_id, packed)
        if duplicate is not None:
            add(
                label,
                row_number,
                "episode_id",
                N_('episode_id "%(id)s" is already used in service %(service)s at row %(first)s'),
                id=episode_id,
                service=service,
                first=_EpisodeIndex.unpack(duplicate)[3],
            )
        previous = values.get("previous_episode_id")
        if previous is not None:
            if previous == episode_id:
                add(
                    label,
                    row_number,
                    "previous_episode_id",
                    N_("an episode cannot be its own previous episode"),
                )
            else:
                self._pending.append((row_number, service_index, previous, packed))

    def _previous_links(self, label: str) -> None:
        add = self.result.add
        for row_number, service_index, previous, packed in self._pending:
            found = self.episodes.get(service_index, previous)
            if found is None:
                add(
                    label,
                    row_number,
                    "previous_episode_id",
                    N_('there is no episode "%(id)s" in this service to be the previous one'),
                    id=_short(previous),
                )
                continue
            ordinal, _svc, client, _row = _EpisodeIndex.unpack(packed)
            prev_ordinal, _svc, prev_client, prev_row = _EpisodeIndex.unpack(found)
            if ordinal and prev_ordinal and prev_ordinal >= ordinal:
                add(
                    label,
                    row_number,
                    "previous_episode_id",
                    N_(
                        'the previous episode "%(id)s" (row %(row)s) was referred on '
                        "%(prev)s, which is not earlier than this referral (%(this)s)"
                    ),
                    id=previous,
                    row=prev_row,
                    prev=_iso(prev_ordinal),
                    this=_iso(ordinal),
                )
            if client and prev_client and client != prev_client:
                add(
                    label,
                    row_number,
                    "previous_episode_id",
                    N_(
                        'the previous episode "%(id)s" (row %(row)s) belongs to a different '
                        "client_id; a re-referral is of the same person"
                    ),
                    id=previous,
                    row=prev_row,
                )
        self._pending.clear()

    def _deprivation(self, label: str, row_number: int, values: dict) -> None:
        add = self.result.add
        index = values.get("deprivation_index")
        rank = values.get("deprivation_rank")
        decile = values.get("deprivation_decile")
        if rank is None:
            return
        if index is None:
            add(
                label,
                row_number,
                "deprivation_rank",
                N_("a rank needs a deprivation_index to say which index it is a rank in"),
            )
            return
        areas = codes.DEPRIVATION_AREAS[codes.DeprivationIndex(index)]
        if rank > areas:
            add(
                label,
                row_number,
                "deprivation_rank",
                N_("%(rank)s is more than the %(areas)s areas that %(index)s ranks"),
                rank=rank,
                areas=f"{areas:,}",
                index=index,
            )
            return
        expected = math.ceil(10 * rank / areas)
        if decile is not None and decile != expected:
            add(
                label,
                row_number,
                "deprivation_decile",
                N_(
                    "decile %(decile)s does not match rank %(rank)s of %(areas)s in "
                    "%(index)s, which is decile %(expected)s"
                ),
                decile=decile,
                rank=rank,
                areas=f"{areas:,}",
                index=index,
                expected=expected,
            )

    # -- contacts, onward, measures ------------------------------------------------------

    def _child(self, label: str, row_number: int, row: dict, values: dict) -> None:
        episode_id = values.get("episode_id")
        if episode_id is None or not self.episodes_read:
            return
        if episode_id not in self.episodes:
            self.result.add(
                label,
                row_number,
                "episode_id",
                N_('there is no episode "%(id)s" in episodes.csv'),
                id=_short(episode_id),
            )
        elif episode_id in self.episodes.ambiguous:
            self.result.add(
                label,
                row_number,
                "episode_id",
                N_(
                    'episode "%(id)s" exists in more than one service, so this row cannot say '
                    "which; give episodes ids that are unique across the dataset"
                ),
                id=episode_id,
            )

    def _contact(self, label: str, row_number: int, row: dict, values: dict) -> None:
        """A contact falls within its episode, from the referral to the discharge (the
        episode core's rule, ``episodes.facts.check_contact_date``)."""
        self._child(label, row_number, row, values)
        day = values.get("contact_date")
        episode_id = values.get("episode_id")
        packed = self.episodes.only(episode_id) if episode_id and self.episodes_read else None
        if day is None or packed is None:
            return
        referral, discharge = packed & _ORD_MASK, _EpisodeIndex.discharge(packed)
        if referral and day < referral:
            self.result.add(
                label,
                row_number,
                "contact_date",
                N_("%(value)s is before the referral_date of episode %(id)s (%(other)s)"),
                value=_iso(day),
                id=_short(episode_id),
                other=_iso(referral),
            )
        elif discharge and day > discharge:
            self.result.add(
                label,
                row_number,
                "contact_date",
                N_("%(value)s is after the discharge_date of episode %(id)s (%(other)s)"),
                value=_iso(day),
                id=_short(episode_id),
                other=_iso(discharge),
            )

    def _measure(self, label: str, row_number: int, row: dict, values: dict) -> None:
        self._child(label, row_number, row, values)
        code = values.get("instrument")
        item_code = values.get("item")
        if code is None:
            return
        instrument = self._instrument(code)
        if instrument is None:
            self.result.add(
                label,
                row_number,
                "instrument",
                N_('"%(value)s" is not a VRMDS instrument; use one of: %(choices)s'),
                value=_short(code),
                choices=", ".join(instruments.VRMDS_INSTRUMENTS),
            )
            return
        timepoint = values.get("timepoint")
        if timepoint is not None and timepoint not in instrument.timepoints:
            self.result.add(
                label,
                row_number,
                "timepoint",
                N_("%(instrument)s is recorded only at: %(allowed)s"),
                instrument=code,
                allowed=", ".join(str(t) for t in instrument.timepoints if t != "ad_hoc"),
            )
        if item_code is None:
            return
        item = self._item_cache.get((code, item_code))
        if item is None:
            self.result.add(
                label,
                row_number,
                "item",
                N_('"%(value)s" is not an item of %(instrument)s; its items are: %(items)s'),
                value=_short(item_code),
                instrument=code,
                items=", ".join(i.code for i in instruments.vrmds_items(code)),
            )
            return
        value = values.get("value")
        if value is not None:
            message = instrument.validate_value(item, value, vrmds=True)
            if message:
                self.result.add(label, row_number, "value", "%(m)s", m=message)

    def _instrument(self, code: str):
        try:
            instrument = instruments.get_instrument(code)
        except KeyError:
            return None
        items = instruments.vrmds_items(code)
        if not items:
            return None
        for item in items:
            self._item_cache[(code, item.code)] = item
        return instrument


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_errors(result: ValidationResult) -> Iterable[str]:
    """The error lines of ``result``, then a summary line with the true total."""
    for issue in result.errors:
        yield str(issue)
    shown = len(result.errors)
    if result.error_count == 0:
        yield gettext("No errors.")
    elif result.truncated:
        yield gettext("%(count)s errors (the first %(shown)s shown).") % {
            "count": f"{result.error_count:,}",
            "shown": f"{shown:,}",
        }
    else:
        yield gettext("%(count)s error(s).") % {"count": f"{result.error_count:,}"}


__all__ = [
    "DEFAULT_MAX_ERRORS",
    "Issue",
    "ValidationResult",
    "format_errors",
    "nhs_number_valid",
    "parse_codes",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_row",
    "validate_dataset",
]
