"""VRMDS ``measures.csv`` both ways: administrations to rows, rows to administrations.

The interchange importer and exporter call these; the column set and value format are
defined by VRMDS v1 (one row per item value: ``episode_id``, ``timepoint``, ``date``,
``instrument``, ``item``, ``value``, plus any ``x_`` extension columns, kept on round
trip in ``ItemValue.extensions``). Items and timepoints VRMDS does not carry (COPM
problem ratings, free text, ad hoc administrations, internal instruments) are left
out of export and refused on import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from vocrehab.codes import VRMDS_TIMEPOINTS

from .instruments import INSTRUMENTS, ItemKind, get_instrument
from .models import Administration, AdministrationStatus, CompletedBy, ItemValue
from .scores import refresh_scores

__all__ = [
    "COLUMNS",
    "VrmdsAdministration",
    "VrmdsError",
    "from_vrmds_rows",
    "parse_vrmds_rows",
    "to_vrmds_rows",
]

COLUMNS = ("episode_id", "timepoint", "date", "instrument", "item", "value")


class VrmdsError(ValueError):
    """Rows that cannot be imported; ``errors`` lists (row number, column, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(
            "; ".join(
                f"measures.csv row {row}, {column}: {message}" for row, column, message in errors
            )
        )


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_vrmds_rows(administration: Administration, *, episode_id: str | None = None) -> list[dict]:
    """The measures.csv rows of one administration (empty if VRMDS does not carry it).

    ``episode_id`` defaults to the episode's reference. Only completed administrations
    with a date, at entry, discharge or follow-up, of VRMDS instruments are exported;
    values are written as numbers (``3``, ``6.5``), x_ extensions are kept.
    """
    if (
        administration.status != AdministrationStatus.COMPLETED
        or administration.date is None
        or administration.timepoint not in VRMDS_TIMEPOINTS
        or administration.instrument not in INSTRUMENTS
    ):
        return []
    instrument = get_instrument(administration.instrument)
    if not instrument.vrmds:
        return []
    reference = episode_id if episode_id is not None else administration.episode.reference
    order = {code: n for n, code in enumerate(instrument.item_codes)}
    rows = []
    values = sorted(administration.values.all(), key=lambda v: order.get(v.item, 999))
    for value in values:
        if value.item not in order or value.value is None:
            continue
        item = instrument.item(value.item)
        if not item.vrmds or item.kind is ItemKind.TEXT:
            continue
        row = {
            "episode_id": reference,
            "timepoint": administration.timepoint,
            "date": administration.date.isoformat(),
            "instrument": administration.instrument,
            "item": value.item,
            "value": _number_text(value.value),
        }
        row.update(
            {k: str(v) for k, v in (value.extensions or {}).items() if str(k).startswith("x_")}
        )
        rows.append(row)
    return rows


@dataclass
class VrmdsAdministration:
    """One administration read from measures.csv rows (not yet stored)."""

    episode_id: str
    timepoint: str
    date: date
    instrument: str
    values: dict[str, float] = field(default_factory=dict)
    extensions: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


def parse_vrmds_rows(rows: Iterable[Mapping[str, str]], *, first_row: int = 2) -> list:
    """Group measures.csv rows into administrations, checking every value.

    Row numbers count from ``first_row`` (2: the first line after the header). Raises
    VrmdsError listing every problem (unknown instrument or item, a value out of range,
    a timepoint VRMDS does not have, one administration with two dates, an item given
    twice); returns the administrations in the order first seen.
    """
    errors: list[tuple[int, str, str]] = []
    grouped: dict[tuple[str, str, str], VrmdsAdministration] = {}
    for number, row in enumerate(rows, start=first_row):
        episode_id = (row.get("episode_id") or "").strip()
        timepoint = (row.get("timepoint") or "").strip()
        code = (row.get("instrument") or "").strip()
        item = (row.get("item") or "").strip()
        raw_value = (row.get("value") or "").strip()
        raw_date = (row.get("date") or "").strip()
        missing = [c for c in COLUMNS if not (row.get(c) or "").strip()]
        if missing:
            errors.extend((number, c, "required") for c in missing)
            continue
        if timepoint not in VRMDS_TIMEPOINTS:
            errors.append(
                (number, "timepoint", f"{timepoint!r} is not one of entry, discharge, followup")
            )
            continue
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            errors.append((number, "date", f"{raw_date!r} is not a date (YYYY-MM-DD)"))
            continue
        if code not in INSTRUMENTS or not INSTRUMENTS[code].vrmds:
            errors.append((number, "instrument", f"{code!r} is not a VRMDS instrument"))
            continue
        instrument = get_instrument(code)
        message = instrument.validate_value(item, raw_value, vrmds=True)
        if message:
            errors.append((number, "value" if item in instrument.item_codes else "item", message))
            continue
        key = (episode_id, timepoint, code)
        group = grouped.setdefault(key, VrmdsAdministration(episode_id, timepoint, when, code))
        if group.date != when:
            errors.append(
                (number, "date", f"{code} at {timepoint} already has the date {group.date}")
            )
            continue
        if item in group.values:
            errors.append((number, "item", f"{code} item {item} is given twice at {timepoint}"))
            continue
        group.values[item] = float(raw_value)
        extensions = {k: v for k, v in row.items() if k and k.startswith("x_") and v}
        if extensions:
            group.extensions[item] = extensions
        group.rows.append(number)
    if errors:
        raise VrmdsError(errors)
    return list(grouped.values())


def from_vrmds_rows(
    rows: Iterable[Mapping[str, str]], episodes: Mapping[str, object], *, first_row: int = 2
) -> list[Administration]:
    """Store measures.csv rows as completed administrations of ``episodes``.

    ``episodes`` maps VRMDS ``episode_id`` to Episode (the importer resolves them
    within the importing service). All or nothing: VrmdsError (nothing stored) for any
    invalid row or an episode_id not in ``episodes``. An administration already held
    for the same episode, instrument and timepoint has its values replaced.
    """
    parsed = parse_vrmds_rows(rows, first_row=first_row)
    unknown = [
        (group.rows[0], "episode_id", f"episode {group.episode_id!r} is not in episodes.csv")
        for group in parsed
        if group.episode_id not in episodes
    ]
    if unknown:
        raise VrmdsError(unknown)
    stored = []
    with transaction.atomic():
        for group in parsed:
            episode = episodes[group.episode_id]
            instrument = get_instrument(group.instrument)
            # The one in place for the timepoint, else a new one (a cancelled one stays
            # as it is: the record that it was cancelled, and why).
            administration = (
                Administration.objects.filter(
                    episode=episode, instrument=group.instrument, timepoint=group.timepoint
                )
                .exclude(status=AdministrationStatus.CANCELLED)
                .first()
            ) or Administration(
                episode=episode, instrument=group.instrument, timepoint=group.timepoint
            )
            administration.instrument_version = instrument.version
            administration.date = group.date
            administration.status = AdministrationStatus.COMPLETED
            administration.completed_by = CompletedBy.IMPORT
            administration.save()
            administration.values.all().delete()
            ItemValue.objects.bulk_create(
                ItemValue(
                    administration=administration,
                    item=item,
                    value=value,
                    extensions=group.extensions.get(item, {}),
                )
                for item, value in group.values.items()
            )
            stored.append(administration)
        refresh_scores(a.pk for a in stored)
    return stored
