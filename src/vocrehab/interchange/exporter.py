"""Export services' records as a VRMDS v1 dataset (folder of CSV files, .zip or .xlsx).

What it promises:

- Stable output: rows ordered by service code, ``episode_id`` (byte order, the same on
  every database), then date and id; columns in the standard's order, then the local
  ``x_`` columns sorted by name; numbers written canonically (``3``, ``6.5``, never
  ``3.0``). So export → import (into an empty database) → export gives identical CSV
  bytes.
- Cells a spreadsheet would run as a formula are neutralised with a leading ``'`` in
  CSV and XLSX, in a way the importer undoes exactly (:mod:`.cells`).
- ``pseudonymise``: no NHS number column; ``client_id``, ``episode_id`` (everywhere)
  and ``previous_episode_id`` replaced by keyed hashes (HMAC-SHA256 with
  ``settings.PSEUDONYMISATION_KEY``), the same in every export made with that key;
  free text (non-ICD-10 ``condition_detail``, onward ``service_name``) and every local
  ``x_`` column left out, since they may hold anything; dates shifted per person or
  reduced to months, age as a band, deprivation as a decile, rare values grouped, and
  the k-anonymity of the result worked out before anything is written
  (:mod:`.pseudonyms`).
- Memory stays flat: every file is streamed from the database in chunks.
- Clients whose processing is restricted (UK GDPR article 18) are left out.
- Each export is recorded with :func:`vocrehab.audit.services.record_export`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from vocrehab import codes
from vocrehab.accounts.access import Perm, services_for
from vocrehab.accounts.models import Service
from vocrehab.audit.services import record_export
from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.episodes.models import Episode
from vocrehab.episodes.tiers import highest_tier_reached
from vocrehab.interchange.bulk import chunks
from vocrehab.interchange.cells import neutralise
from vocrehab.interchange.pseudonyms import DATE_MODES, DateShifter, Profile, age_band, profile
from vocrehab.interchange.vrmds import schema
from vocrehab.interchange.vrmds.validate import parse_number
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue
from vocrehab.measures.vrmds import to_vrmds_rows

FORMATS = ("csv", "xlsx", "zip")
CHUNK = 2000

_ICD10 = re.compile(r"[A-Z]\d\d")
GROUPED_COLUMNS = ("area_code", "condition", "ethnicity", "occupation")
_DATE_COLUMNS = {
    c.name for columns in schema.COLUMNS.values() for c in columns if c.kind == schema.Kind.DATE
}

# VRMDS episodes.csv column <- Episode field, where the names differ or a join is needed.
_EPISODE_SOURCE = {
    "episode_id": "reference",
    "client_id": "client__reference",
    "service_code": "service__code",
    "nhs_number": "client__nhs_number",
    "tier": "reported_tier",  # annotated: episodes.tiers.highest_tier_reached
    "previous_episode_id": "previous_episode__reference",
    # VRMDS followup_date is the date the follow-up status was collected (not when the
    # follow-up fell due, which is the episode's followup_date).
    "followup_date": "followup_collected_on",
}


class ExportError(Exception):
    """The export cannot be made (bad options, no key); ``str()`` says why."""


@dataclass
class ExportSummary:
    path: str
    format: str
    services: list[str]
    pseudonymised: bool
    rows: dict[str, int] = field(default_factory=dict)
    profile: Profile | None = None

    def __str__(self) -> str:
        lines = [
            _("Wrote %(path)s (%(format)s%(pseudo)s) for %(services)s")
            % {
                "path": self.path,
                "format": self.format,
                "pseudo": _(", pseudonymised") if self.pseudonymised else "",
                "services": ", ".join(self.services) or "-",
            }
        ]
        lines += [f"{name}: {count:,} rows" for name, count in self.rows.items()]
        if self.profile is not None:
            lines.append(self.profile.describe())
        return "\n".join(lines)


def resolve_services(codes_wanted: Iterable[str] | None, *, user=None):
    """The services to export, as a list ordered by code.

    ``codes_wanted`` None means all (for ``user``: all they may export). With ``user``
    every service must be one where they hold ``Perm.EXPORT_DATA``: PermissionDenied
    otherwise. An unknown code is an :class:`ExportError`.
    """
    queryset = Service.objects.all() if user is None else services_for(user, Perm.EXPORT_DATA)
    if codes_wanted is None:
        return list(queryset.order_by("code"))
    wanted = list(dict.fromkeys(codes_wanted))
    found = {s.code: s for s in Service.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ExportError(
            _("there is no service with the code %(codes)s") % {"codes": ", ".join(unknown)}
        )
    if user is not None:
        allowed = set(queryset.values_list("pk", flat=True))
        if any(found[c].pk not in allowed for c in wanted):
            raise PermissionDenied
    return sorted(found.values(), key=lambda s: s.code)


def export_dataset(
    out: str | Path,
    *,
    services: Iterable[str] | None = None,
    fmt: str = "csv",
    pseudonymise: bool = False,
    dates: str = "shift",
    min_k: int | None = None,
    user=None,
    request=None,
) -> ExportSummary:
    """Write the VRMDS dataset of ``services`` (codes; None: all) to ``out``.

    ``fmt`` "csv" writes a folder of CSV files at ``out``, "zip" a .zip of them, "xlsx"
    one workbook with a sheet per file. With ``user``, only services where the user
    holds ``Perm.EXPORT_DATA`` may be exported (PermissionDenied otherwise).

    Pseudonymised: ``dates`` "shift" (per person, secret) or "month"; the summary
    reports k (:mod:`.pseudonyms`), and with ``min_k`` an export whose k is smaller is
    refused before anything is written.
    """
    if fmt not in FORMATS:
        raise ExportError(
            _("the format must be one of %(formats)s") % {"formats": ", ".join(FORMATS)}
        )
    if dates not in DATE_MODES:
        raise ExportError(_("dates must be one of %(modes)s") % {"modes": ", ".join(DATE_MODES)})
    key = b""
    if pseudonymise:
        secret = getattr(settings, "PSEUDONYMISATION_KEY", "")
        if not secret:
            raise ExportError(
                _(
                    "a pseudonymised export needs a secret key: set "
                    "VOCREHAB_PSEUDONYMISATION_KEY in the server's environment"
                )
            )
        key = secret.encode()
    chosen = resolve_services(services, user=user)
    out = Path(out)
    found = None
    if pseudonymise:
        found = profile(
            Episode.objects.filter(service__in=chosen, client__processing_restricted=False)
        )
        if min_k is not None and found.episodes and found.k < min_k:
            raise ExportError(
                _("%(profile)s, fewer than the %(min_k)s asked for; nothing was written")
                % {"profile": found.describe(), "min_k": min_k}
            )
    builder = _Builder(chosen, key, dates=dates, found=found)
    summary = ExportSummary(
        path=str(out),
        format=fmt,
        services=[s.code for s in chosen],
        pseudonymised=pseudonymise,
        profile=found,
    )
    files = [
        (schema.EPISODES, builder.episodes),
        (schema.CONTACTS, builder.contacts),
        (schema.ONWARD, builder.onward),
        (schema.MEASURES, builder.measures),
    ]
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for name, make in files:
            with (out / name).open("w", encoding="utf-8", newline="") as fh:
                summary.rows[name] = _write_csv(fh, make())
    elif fmt == "zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, make in files:
                with zf.open(name, "w", force_zip64=True) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                    summary.rows[name] = _write_csv(text, make())
                    text.flush()
                    text.detach()
    else:
        # openpyxl is loaded only when a workbook is written.
        import openpyxl

        out.parent.mkdir(parents=True, exist_ok=True)
        workbook = openpyxl.Workbook(write_only=True)
        for name, make in files:
            sheet = workbook.create_sheet(name.removesuffix(".csv"))
            summary.rows[name] = _write_sheet(sheet, make())
        workbook.save(out)

    record_export(
        request,
        user=user,
        detail=(
            f"VRMDS {fmt}{f' pseudonymised ({dates}, k={found.k})' if found else ''}: "
            f"{','.join(summary.services)}; "
            + " ".join(f"{k.removesuffix('.csv')}={v}" for k, v in summary.rows.items())
        ),
        service_id=chosen[0].pk if len(chosen) == 1 else None,
    )
    return summary


def write_submission(out: Path, service: Service, scope: Q, key: bytes) -> dict[str, int]:
    """Write one service's pseudonymised extract for a hub as a .zip at ``out``.

    Identifiers are hashed with ``key``, the NHS number column, free text and local
    ``x_`` columns left out; dates, age and deprivation stay as the standard's figures
    need them. The zip is byte-for-byte the same for the same data (fixed entry times),
    so its checksum tells the hub whether anything changed. Returns rows per file.
    """
    builder = _Builder([service], key, scope=scope, minimise=False)
    rows: dict[str, int] = {}
    files = [
        (schema.EPISODES, builder.episodes),
        (schema.CONTACTS, builder.contacts),
        (schema.ONWARD, builder.onward),
        (schema.MEASURES, builder.measures),
    ]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, make in files:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(entry, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                rows[name] = _write_csv(text, make())
                text.flush()
                text.detach()
    return rows


# ------------------------------------------------------------------------------ writers


def _write_csv(fh, table: tuple[list[str], Iterator[list]]) -> int:
    header, rows = table
    writer = csv.writer(fh)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        count += 1
    return count


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _write_sheet(sheet, table: tuple[list[str], Iterator[list]]) -> int:
    header, rows = table
    sheet.append(header)
    count = 0
    for row in rows:
        # Numbers stay numbers (a spreadsheet can sum them); text is neutralised.
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
        count += 1
    return count


# ------------------------------------------------------------------------------- rows


def _ordered(field_name: str):
    """Byte-order sorting, whatever the database's collation, so every export agrees."""
    if connection.vendor == "postgresql":
        return Collate(F(field_name), "C")
    return F(field_name)


class _Builder:
    """The rows of each file. ``scope`` (a Q on Episode) narrows the episodes; with a
    ``key`` identifiers are hashed and free text dropped, and with ``minimise`` (the
    research export) dates are shifted or reduced, age banded and the rank left out
    too. A hub submission keeps what the standard's figures need: exact dates and age."""

    def __init__(
        self,
        services: list[Service],
        key: bytes,
        *,
        dates="shift",
        found: Profile | None = None,
        scope: Q | None = None,
        minimise: bool = True,
    ):
        self.services = services
        self.service_ids = [s.pk for s in services]
        self.key = key
        self.found = found or Profile()
        self.minimise = minimise
        self.date = DateShifter(key, dates) if key and minimise else None
        self.scope = scope

    def _episodes(self):
        queryset = Episode.objects.filter(
            service_id__in=self.service_ids, client__processing_restricted=False
        )
        return queryset.filter(self.scope) if self.scope is not None else queryset

    def _children(self, model, **filters):
        queryset = model.objects.filter(
            episode__service_id__in=self.service_ids,
            episode__client__processing_restricted=False,
            **filters,
        )
        if self.scope is not None:
            queryset = queryset.filter(episode__in=self._episodes().values("pk"))
        return queryset

    @property
    def pseudonymise(self) -> bool:
        return bool(self.key)

    def _hash(self, kind: str, service_code: str, reference: str | None) -> str:
        if not reference:
            return ""
        message = f"{kind}\x1f{service_code}\x1f{reference}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:32]

    def _episode_ref(self, service_code: str, reference: str) -> str:
        return self._hash("episode", service_code, reference) if self.key else reference

    def _date(self, day, service: str, person: str) -> str:
        """A date as exported: shifted or reduced to its month when pseudonymised."""
        if self.date is not None:
            return self.date(day, service, person)
        return day.isoformat()

    def _extensions(self, queryset) -> list[str]:
        if self.pseudonymise:
            return []
        keys: set[str] = set()
        for extensions in queryset.values_list("extensions", flat=True).iterator(chunk_size=CHUNK):
            if extensions:
                keys.update(k for k in extensions if str(k).startswith(schema.EXTENSION_PREFIX))
        return sorted(keys)

    # -- episodes.csv ----------------------------------------------------------------

    def episodes(self):
        queryset = self._episodes().annotate(reported_tier=highest_tier_reached())
        extra = self._extensions(queryset)
        columns = list(schema.HEADERS[schema.EPISODES])
        if self.pseudonymise:
            columns.remove("nhs_number")
            extra = ["x_age_band"] if self.minimise else []
        sources = [_EPISODE_SOURCE.get(c, c) for c in columns]
        rows = (
            queryset.order_by(_ordered("service__code"), _ordered("reference"))
            .values_list(*sources, "condition", "extensions")
            .iterator(chunk_size=CHUNK)
        )

        def generate():
            position = {c: i for i, c in enumerate(columns)}
            for values in rows:
                *cells, condition, extensions = values
                cells = [_cell(c, v) for c, v in zip(columns, cells, strict=True)]
                if self.pseudonymise:
                    service = cells[position["service_code"]]
                    person = cells[position["client_id"]]
                    if self.minimise:
                        for column in columns:
                            if column in _DATE_COLUMNS:
                                cells[position[column]] = self.date(
                                    cells[position[column]], service, person
                                )
                        for column in GROUPED_COLUMNS:
                            cells[position[column]] = self.found.group(
                                column, cells[position[column]]
                            )
                        band = age_band(cells[position["age_at_referral"]])
                        cells[position["age_at_referral"]] = None
                        cells[position["deprivation_rank"]] = None
                    if condition in self.found.rare.get("condition", ()):
                        condition = codes.Condition.OTHER
                    for column, kind in (
                        ("episode_id", "episode"),
                        ("previous_episode_id", "episode"),
                        ("client_id", "client"),
                    ):
                        cells[position[column]] = self._hash(kind, service, cells[position[column]])
                    detail = cells[position["condition_detail"]]
                    if detail and not (
                        condition == codes.Condition.CANCER and _ICD10.fullmatch(detail)
                    ):
                        cells[position["condition_detail"]] = ""
                    yield [*cells, band] if self.minimise else cells
                    continue
                extensions = extensions or {}
                cells += [_text(extensions.get(k)) for k in extra]
                yield cells

        return columns + extra, generate()

    # -- contacts.csv ----------------------------------------------------------------

    def contacts(self):
        queryset = self._children(Contact)
        extra = self._extensions(queryset)
        columns = list(schema.HEADERS[schema.CONTACTS])
        rows = (
            queryset.order_by(
                _ordered("episode__service__code"),
                _ordered("episode__reference"),
                "contact_date",
                "pk",
            )
            .values_list(
                "pk",
                "episode__service__code",
                "episode__reference",
                "episode__client__reference",
                "contact_date",
                "mode",
                "contact_with",
                "minutes",
                "extensions",
            )
            .iterator(chunk_size=CHUNK)
        )

        def generate():
            for batch in chunks(rows, CHUNK):
                interventions: dict[int, list[str]] = {}
                for contact_id, code in (
                    ContactIntervention.objects.filter(contact_id__in=[r[0] for r in batch])
                    .order_by("contact_id", "position", "pk")
                    .values_list("contact_id", "code")
                ):
                    interventions.setdefault(contact_id, []).append(code)
                for pk, service, episode, person, day, mode, with_, minutes, extensions in batch:
                    extensions = extensions or {}
                    yield [
                        self._episode_ref(service, episode),
                        self._date(day, service, person),
                        mode,
                        with_ or "",
                        minutes,
                        ";".join(interventions.get(pk, ())),
                    ] + [_text(extensions.get(k)) for k in extra]

        return columns + extra, generate()

    # -- onward.csv ------------------------------------------------------------------

    def onward(self):
        queryset = self._children(OnwardReferral)
        extra = self._extensions(queryset)
        columns = list(schema.HEADERS[schema.ONWARD])
        rows = (
            queryset.order_by(
                _ordered("episode__service__code"), _ordered("episode__reference"), "date", "pk"
            )
            .values_list(
                "episode__service__code",
                "episode__reference",
                "episode__client__reference",
                "date",
                "kind",
                "category",
                "service_name",
                "service_ref",
                "extensions",
            )
            .iterator(chunk_size=CHUNK)
        )

        def generate():
            for service, episode, person, day, kind, category, name, ref, extensions in rows:
                extensions = extensions or {}
                yield [
                    self._episode_ref(service, episode),
                    self._date(day, service, person),
                    kind,
                    category,
                    "" if self.pseudonymise else name,
                    ref,
                ] + [_text(extensions.get(k)) for k in extra]

        return columns + extra, generate()

    # -- measures.csv ----------------------------------------------------------------

    def measures(self):
        administrations = self._children(
            Administration,
            status=AdministrationStatus.COMPLETED,
            timepoint__in=codes.VRMDS_TIMEPOINTS,
        )
        extra = self._extensions(ItemValue.objects.filter(administration__in=administrations))
        columns = list(schema.HEADERS[schema.MEASURES])
        rows = (
            administrations.select_related("episode__service", "episode__client")
            .prefetch_related("values")
            .order_by(
                _ordered("episode__service__code"),
                _ordered("episode__reference"),
                "date",
                "pk",
            )
            .iterator(chunk_size=CHUNK)
        )

        def generate():
            for administration in rows:
                episode = administration.episode
                reference = self._episode_ref(episode.service.code, episode.reference)
                for row in to_vrmds_rows(administration, episode_id=reference):
                    cells = [row[c] for c in columns]
                    cells[columns.index("value")] = parse_number(row["value"])
                    if self.date is not None:
                        at = columns.index("date")
                        cells[at] = self.date(
                            cells[at], episode.service.code, episode.client.reference
                        )
                    yield cells + [row.get(k, "") for k in extra]

        return columns + extra, generate()


def _cell(column: str, value):
    if value is None:
        return None
    if column in _DATE_COLUMNS:
        return value.isoformat()
    return value


def _text(value) -> str:
    return "" if value is None else str(value)


__all__ = [
    "ExportError",
    "ExportSummary",
    "export_dataset",
    "resolve_services",
    "write_submission",
]
