"""Import a VRMDS v1 dataset into the database: validate first, then all or nothing.

What it promises (``docs/interchange.md`` says the same for service managers):

- Nothing is written unless the whole dataset passes :func:`validate_dataset`; then
  every row is written in ONE transaction, so an error anywhere (even in the last row
  of the last file) leaves the database as it was.
- Importing the same data again updates rather than duplicates: episodes are keyed on
  (service, ``episode_id``), clients on (service, ``client_id``). The contacts and
  onward rows of an imported episode are replaced by the file's rows for it (when the
  file is in the dataset), and its imported questionnaire values likewise, so a
  re-import is idempotent. Contacts and onward rows holding staff work are kept and
  matched to the file's rows instead (nothing lost, nothing duplicated).
- Memory does not grow with the size of the file: every file is streamed in batches
  and references are turned into ids with one query per batch.
- Per-row change history (django-auditlog) is switched off for the bulk writes; one
  access-log event records the import and its summary instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import disable_auditlog
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab import codes
from vocrehab.accounts.models import Organisation, Service
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.casework.contact_counts import refresh_contact_counts_of_services
from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.clients.identifiers import looks_like_chi
from vocrehab.clients.models import Client, IdentifierType
from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode
from vocrehab.episodes.tiers import tier_rank
from vocrehab.interchange.bulk import Inserter, chunks, import_connection, raw_delete
from vocrehab.interchange.cells import restore_cell
from vocrehab.interchange.vrmds import schema
from vocrehab.interchange.vrmds.reader import DatasetError, Limits, open_dataset
from vocrehab.interchange.vrmds.validate import (
    DEFAULT_MAX_ERRORS,
    Issue,
    ValidationResult,
    parse_codes,
    parse_date,
    parse_row,
    validate_dataset,
)
from vocrehab.measures.instruments import get_instrument
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    CompletedBy,
    ItemValue,
    QuestionnaireScores,
)
from vocrehab.measures.scores import (
    mark_scorable_of_services,
    refresh_pairs_of_services,
    refresh_scores,
    scores_from_values,
)

logger = logging.getLogger(__name__)

EPISODE_BATCH = 2000
CHILD_BATCH = 5000

DEFAULT_ORGANISATION_CODE = "imported"

# Text columns VRMDS leaves unbounded but this database stores in a sized column.
_STORED_LENGTHS = {
    schema.EPISODES: {"area_code": 9, "condition_detail": 100},
    schema.ONWARD: {"service_name": 200, "service_ref": 64},
}

# Whole-number columns VRMDS leaves open above but the database stores in a sized column.
_STORED_MAXIMA = {
    schema.EPISODES: {"weeks_absent_at_referral": 32767, "deprivation_rank": 2147483647},
    schema.CONTACTS: {"minutes": 2147483647},
}

# Columns whose cells may have been neutralised against formulas by an export.
_TEXT_COLUMNS = {
    name: tuple(c.name for c in columns if c.kind == schema.Kind.TEXT)
    for name, columns in schema.COLUMNS.items()
}

# Episode model field <- VRMDS column, for every column copied as is ("" when empty).
_EPISODE_TEXT = (
    "referral_source",
    "sex",
    "ethnicity",
    "area_code",
    "deprivation_index",
    "condition",
    "condition_detail",
    "occupation",
    "work_status_at_referral",
    "main_reason",
    "engagement",
    "work_status_at_discharge",
    "work_status_at_followup",
)
_EPISODE_VALUES = (
    "referral_date",
    "first_contact_date",
    "assessment_date",
    "age_at_referral",
    "deprivation_rank",
    "deprivation_decile",
    "diagnosis_date",
    "weeks_absent_at_referral",
    "discharge_date",
    "followup_date",
)
# VRMDS followup_date is the date the follow-up status was collected; it is also taken as
# when the follow-up fell due (the episode's followup_date), the only date the file gives.
_FOLLOWUP_COLLECTED = "followup_collected_on"
_EPISODE_COMPARED = (
    *_EPISODE_TEXT,
    *_EPISODE_VALUES,
    _FOLLOWUP_COLLECTED,
    "highest_tier",
    "extensions",
    "client_id",
)
_EPISODE_UPDATED = (*_EPISODE_COMPARED, "tier", "previous_episode_id")
_CLIENT_FIELDS = (
    "nhs_number",
    "identifier_type",
    "sex",
    "ethnicity",
    "area_code",
    "deprivation_index",
    "deprivation_rank",
    "deprivation_decile",
)

_NATION_BY_INDEX = {
    codes.DeprivationIndex.SIMD2020: codes.Nation.SCOTLAND,
    codes.DeprivationIndex.IMD2019: codes.Nation.ENGLAND,
    codes.DeprivationIndex.IMD2025: codes.Nation.ENGLAND,
    codes.DeprivationIndex.WIMD2019: codes.Nation.WALES,
    codes.DeprivationIndex.NIMDM2017: codes.Nation.NORTHERN_IRELAND,
}
_NATION_BY_AREA = {
    "S": codes.Nation.SCOTLAND,
    "E": codes.Nation.ENGLAND,
    "W": codes.Nation.WALES,
    "N": codes.Nation.NORTHERN_IRELAND,
}


# ---------------------------------------------------------------------------- summary


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced: int = 0  # earlier rows of re-imported episodes, deleted and written anew

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
        }


@dataclass
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do), or why it did nothing.

    ``counts`` holds, per kind of record (clients, episodes.csv, contacts.csv,
    onward.csv, measures.csv), how many were created, updated, left unchanged and
    replaced. ``errors`` lists problems (at most ``max_errors``; ``error_count`` is the
    true total); when there is any, nothing was written.
    """

    path: str = ""
    dry_run: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    created_services: list[str] = field(default_factory=list)
    skipped_episodes: int = 0
    errors: list[Issue] = field(default_factory=list)
    error_count: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def count(self, kind: str) -> Counts:
        return self.counts.setdefault(kind, Counts())

    def lines(self) -> list[str]:
        """The summary as lines of plain text (what the command prints)."""
        if not self.ok:
            lines = [str(issue) for issue in self.errors]
            if self.error_count > len(self.errors):
                lines.append(
                    _("%(count)s errors (the first %(shown)s shown). Nothing was imported.")
                    % {"count": f"{self.error_count:,}", "shown": f"{len(self.errors):,}"}
                )
            else:
                lines.append(
                    _("%(count)s error(s). Nothing was imported.")
                    % {"count": f"{self.error_count:,}"}
                )
            return lines
        lines = []
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved. The import would give:"))
        lines.append(_("Services: %(codes)s") % {"codes": ", ".join(self.services) or "-"})
        if self.created_services:
            lines.append(
                _("Created services: %(codes)s") % {"codes": ", ".join(self.created_services)}
            )
        for kind, counts in self.counts.items():
            text = _(
                "%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"
            ) % {
                "kind": kind,
                "created": f"{counts.created:,}",
                "updated": f"{counts.updated:,}",
                "unchanged": f"{counts.unchanged:,}",
            }
            if counts.replaced:
                text += _(" (%(replaced)s earlier rows replaced)") % {
                    "replaced": f"{counts.replaced:,}"
                }
            lines.append(text)
        if self.skipped_episodes:
            lines.append(
                _("%(n)s episodes of other services were left out.")
                % {"n": f"{self.skipped_episodes:,}"}
            )
        lines.append(_("Took %(seconds).1f s.") % {"seconds": self.seconds})
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "services": self.services,
            "created_services": self.created_services,
            "rows": self.rows,
            "counts": {k: v.as_dict() for k, v in self.counts.items()},
            "skipped_episodes": self.skipped_episodes,
            "error_count": self.error_count,
        }


class ImportFailed(Exception):
    """Problems found while writing; the transaction is rolled back."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the transaction back."""


# ----------------------------------------------------------------------------- entry


def import_dataset(
    path: str | Path,
    *,
    service_code: str | None = None,
    create_services: bool = False,
    dry_run: bool = False,
    user=None,
    allowed_services=None,
    nation: str | None = None,
    limits: Limits | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    today: dt.date | None = None,
    request=None,
    parallel: bool | None = None,
) -> ImportSummary:
    """Validate the dataset at ``path`` and, if it has no error, import it in one transaction.

    ``service_code`` restricts the import to that service's episodes; if the dataset
    holds a single other service code, its episodes are imported into ``service_code``
    instead (a file from another system). A ``service_code`` in the data that names no
    service is an error unless ``create_services`` (the service is then created under
    the default organisation, its nation taken from ``nation`` or guessed from the
    deprivation index or area code). ``allowed_services`` (a queryset of Service), when
    given, is where the caller may import: any other target is an error. ``dry_run``
    does everything, then rolls back, so its counts are exact.

    ``parallel`` validates in a child process while the rows are written (on a second
    CPU), committing only if validation finds nothing; by default it is used for large
    datasets on a machine with more than one CPU. Either way nothing is kept unless the
    whole dataset is valid.

    Never raises for bad data: the returned summary's ``errors`` lists every problem
    (file, row, column) and nothing is written.
    """
    started = time.perf_counter()
    path = Path(path)
    summary = ImportSummary(path=path.name, dry_run=dry_run)
    if parallel is None:
        parallel = _worth_parallel(path)
    validation = _Validation(path, max_errors, today, limits, parallel)
    if not parallel:
        result = validation.result()
        summary.rows = dict(result.rows)
        if not result.is_valid:
            return _failed(summary, result.errors, result.error_count, started)
    plan = None
    try:
        try:
            with open_dataset(path, limits=limits) as dataset:
                try:
                    with import_connection(), transaction.atomic(), disable_auditlog():
                        plan = _plan_services(
                            dataset,
                            service_code=service_code,
                            create_services=create_services,
                            allowed_services=allowed_services,
                            nation=nation,
                        )
                        _Run(dataset, summary, plan, validation.check).run()
                        # Written but not committed: commit only a dataset that passed.
                        validation.check(wait=True)
                        if dry_run:
                            raise _DryRun
                except _DryRun:
                    pass
        except _Invalid:
            raise
        except Exception:
            # Writing data the validator has not finished with can fail in any way
            # (a bad date reaching the database...); its findings explain it better.
            if parallel:
                validation.check(wait=True)
            raise
        finally:
            validation.close()
    except _Invalid as invalid:
        result = invalid.result
        summary.rows = dict(result.rows)
        return _failed(summary, result.errors, result.error_count, started)
    except ImportFailed as exc:
        return _failed(summary, exc.issues[:max_errors], len(exc.issues), started)
    except DatasetError as exc:
        issue = Issue(exc.file or path.name, exc.row, exc.column, exc.message)
        return _failed(summary, [issue], 1, started)
    except DatabaseError as exc:
        # A last line of defence: the validator and the checks above should have
        # caught anything the database refuses.
        logger.exception("VRMDS import of %s refused by the database", path.name)
        issue = Issue(
            path.name,
            None,
            None,
            _("the database refused the data (%(detail)s)")
            % {"detail": str(exc).splitlines()[0][:200]},
        )
        return _failed(summary, [issue], 1, started)
    if parallel:
        summary.rows = dict(validation.result().rows)
    summary.seconds = time.perf_counter() - started
    if not dry_run:
        record_event(
            action=Action.IMPORT,
            request=request,
            user=user,
            object_type="interchange.dataset",
            object_id=path.name[:64],
            service_id=plan.targets[0].pk if len(plan.targets) == 1 else None,
            detail=_audit_detail(summary),
        )
    return summary


PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def _worth_parallel(path: Path) -> bool:
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        if path.is_dir():
            size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
        else:
            size = path.stat().st_size
    except OSError:
        return False
    return size >= PARALLEL_MIN_BYTES


class _Invalid(Exception):
    def __init__(self, result: ValidationResult):
        super().__init__(f"{result.error_count} errors")
        self.result = result


def _validate_child(conn, path, max_errors, today, limits) -> None:
    try:
        conn.send(validate_dataset(path, max_errors=max_errors, today=today, limits=limits))
    finally:
        conn.close()


class _Validation:
    """The validation of one dataset, here or in a child process running alongside.

    The child never touches the database; it leaves with ``os._exit`` (multiprocessing
    does that), so the connection it inherited is not closed under the parent.
    """

    def __init__(self, path, max_errors, today, limits, parallel: bool):
        self._args = (path, max_errors, today, limits)
        self._result: ValidationResult | None = None
        self._process = None
        self._conn = None
        if parallel:
            # Only a parallel import starts processes.
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self._conn, child_conn = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_validate_child, args=(child_conn, *self._args), daemon=True
            )
            self._process.start()
            child_conn.close()

    def result(self) -> ValidationResult:
        if self._result is None:
            if self._process is None:
                path, max_errors, today, limits = self._args
                self._result = validate_dataset(
                    path, max_errors=max_errors, today=today, limits=limits
                )
            else:
                try:
                    self._result = self._conn.recv()
                except EOFError:
                    raise RuntimeError("the validation process ended without a result") from None
        return self._result

    def check(self, wait: bool = False) -> None:
        """Raise _Invalid once validation has found a problem (``wait``: wait for it)."""
        if self._process is None:
            return
        if self._result is None and not wait and not self._conn.poll():
            return
        result = self.result()
        if not result.is_valid:
            raise _Invalid(result)

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive() and self._result is None:
                self._process.terminate()
            self._process.join()
            self._conn.close()
            self._process = None


def _failed(summary: ImportSummary, errors, count: int, started: float) -> ImportSummary:
    summary.errors = list(errors)
    summary.error_count = count
    summary.counts = {}
    summary.seconds = time.perf_counter() - started
    return summary


def _audit_detail(summary: ImportSummary) -> str:
    parts = [f"{summary.path}: services {','.join(summary.services)}"]
    for kind, c in summary.counts.items():
        parts.append(f"{kind} +{c.created} ~{c.updated} ={c.unchanged}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- services


@dataclass
class _ServicePlan:
    by_code: dict[str, Service]  # service_code in the file -> target service
    targets: list[Service]
    created: list[str]
    restricted: bool  # some codes in the file are left out


def _scan_service_codes(dataset) -> dict[str, tuple[int, str, str]]:
    """Each service_code in episodes.csv -> (first row, a deprivation index, an area code)."""
    found: dict[str, tuple[int, str, str]] = {}
    with dataset.open(schema.EPISODES) as table:
        for row_number, row in table:
            code = row.get("service_code", "")
            seen = found.get(code)
            index = row.get("deprivation_index", "")
            area = row.get("area_code", "")
            if seen is None:
                found[code] = (row_number, index, area)
            elif (not seen[1] and index) or (not seen[2] and area):
                found[code] = (seen[0], seen[1] or index, seen[2] or area)
    return found


def _plan_services(dataset, *, service_code, create_services, allowed_services, nation):
    label = dataset.label(schema.EPISODES)
    found = _scan_service_codes(dataset)
    issues: list[Issue] = []
    created: list[str] = []

    def get_or_create(code: str, first_row: int | None, index: str, area: str) -> Service | None:
        service = Service.objects.filter(code=code).first()
        if service is not None:
            return service
        if not create_services:
            issues.append(
                Issue(
                    label,
                    first_row,
                    "service_code" if first_row else None,
                    _(
                        'there is no service with the code "%(code)s"; ask an administrator '
                        "to add it, or import with --create-services"
                    )
                    % {"code": code},
                )
            )
            return None
        guessed = nation or _NATION_BY_INDEX.get(index) or _NATION_BY_AREA.get(area[:1])
        if not guessed:
            issues.append(
                Issue(
                    label,
                    first_row,
                    "service_code" if first_row else None,
                    _(
                        'cannot tell which nation service "%(code)s" is in (no deprivation '
                        "index or area code); give the nation"
                    )
                    % {"code": code},
                )
            )
            return None
        organisation, _created = Organisation.objects.get_or_create(
            code=DEFAULT_ORGANISATION_CODE, defaults={"name": _("Imported services")}
        )
        created.append(code)
        return Service.objects.create(
            organisation=organisation, code=code, name=code, nation=guessed
        )

    by_code: dict[str, Service] = {}
    restricted = False
    if service_code:
        if service_code in found:
            first_row, index, area = found[service_code]
            target = get_or_create(service_code, first_row, index, area)
            if target is not None:
                by_code[service_code] = target
            restricted = len(found) > 1
        elif not found:
            # No episode at all (a month without a referral): nothing to import, for
            # the service named.
            target = get_or_create(service_code, None, "", "")
            if target is not None:
                by_code[service_code] = target
        elif len(found) == 1:
            ((only, (first_row, index, area)),) = found.items()
            target = get_or_create(service_code, None, index, area)
            if target is not None:
                by_code[only] = target
        else:
            issues.append(
                Issue(
                    label,
                    None,
                    None,
                    _(
                        "the dataset holds no episode of service %(code)s but several "
                        "other services (%(found)s); choose one of them"
                    )
                    % {"code": service_code, "found": ", ".join(sorted(found))},
                )
            )
    else:
        for code, (first_row, index, area) in sorted(found.items()):
            target = get_or_create(code, first_row, index, area)
            if target is not None:
                by_code[code] = target
    if allowed_services is not None:
        allowed = set(allowed_services.values_list("pk", flat=True))
        for code, service in by_code.items():
            if service.pk not in allowed:
                issues.append(
                    Issue(
                        label,
                        found[code][0],
                        "service_code",
                        _("you may not import into service %(code)s") % {"code": service.code},
                    )
                )
    if issues:
        raise ImportFailed(issues)
    targets = sorted({s.pk: s for s in by_code.values()}.values(), key=lambda s: s.code)
    return _ServicePlan(by_code, targets, created, restricted)


# ------------------------------------------------------------------------------- run


# Records of a re-imported episode that hold staff work VRMDS does not carry.
_STAFF_CONTACT = Q(recorded_by__isnull=False) | ~Q(note="") | Q(in_work_review__isnull=False)
_STAFF_ONWARD = Q(recorded_by__isnull=False) | ~Q(outcome="")


def _contact_key(contact: dict, interventions) -> tuple:
    """What VRMDS holds of a contact (its x_ columns aside), from its field values."""
    day = contact["contact_date"]
    return (
        day if isinstance(day, str) else day.isoformat(),  # a file's cell is ISO text
        contact["mode"],
        contact["contact_with"],
        contact["minutes"],
        tuple(sorted(interventions)),
    )


_ONWARD_KEY = ("date", "kind", "category", "service_name", "service_ref")


def _onward_key(referral: dict) -> tuple:
    """What VRMDS holds of an onward row (its x_ columns aside), from its field values."""
    return tuple(referral[name] for name in _ONWARD_KEY)


def _restore(row: dict, columns) -> None:
    """Undo the formula neutralisation of an export on the text columns of ``row``."""
    for name in columns:
        value = row[name]
        if value and value[0] == "'":
            row[name] = restore_cell(value)


def _restorable(file_name: str, header) -> list[str]:
    """The columns of ``header`` that an export may have neutralised (text and x_)."""
    text = set(_TEXT_COLUMNS[file_name])
    return [c for c in header if c in text or c.startswith(schema.EXTENSION_PREFIX)]


class _Run:
    def __init__(self, dataset, summary: ImportSummary, plan: _ServicePlan, check=None):
        self.dataset = dataset
        self.check = check or (lambda wait=False: None)
        self.summary = summary
        self.plan = plan
        self.target_ids = [s.pk for s in plan.targets]
        self.inserter = Inserter()
        self.now = timezone.now()
        self.present = set(dataset.names())
        # Only kept when the import is restricted to some services of the file: the
        # episode ids of the others, so that their child rows are left out too.
        self.skipped_ids: set[str] = set()
        # Contacts and onward rows of re-imported episodes that hold staff work VRMDS
        # cannot carry: episode pk -> Counter of their VRMDS content. A file row with
        # the same content is that record, not a new one.
        self.kept_contacts: dict[int, Counter] = {}
        self.kept_onward: dict[int, Counter] = {}
        summary.services = [s.code for s in plan.targets]
        summary.created_services = list(plan.created)

    def run(self) -> None:
        steps = [self._episodes, self._previous_links]
        steps += [
            step
            for name, step in (
                (schema.CONTACTS, self._contacts),
                (schema.ONWARD, self._onward),
                (schema.MEASURES, self._measures),
            )
            if name in self.present
        ]
        steps.append(self._report_summaries)
        for step in steps:
            started = time.perf_counter()
            step()
            logger.info("import %s: %.1f s", step.__name__, time.perf_counter() - started)

    def _report_summaries(self) -> None:
        """The report's per-episode contact counts, the scoring rule's verdict on each
        questionnaire and the questionnaire pairs of the services written: one statement
        each, once every row is in (the rows bypass the signals that keep them for
        single saves)."""
        refresh_contact_counts_of_services(self.target_ids)
        if schema.MEASURES in self.present:
            mark_scorable_of_services(self.target_ids)
        refresh_pairs_of_services(self.target_ids)

    # -- episodes ---------------------------------------------------------------------

    def _episodes(self) -> None:
        clients = self.summary.count("clients")
        episodes = self.summary.count(schema.EPISODES)
        label = self.dataset.label(schema.EPISODES)
        with self.dataset.open(schema.EPISODES) as table:
            extension_columns = [c for c in table.columns if c.startswith("x_")]
            text_columns = _restorable(schema.EPISODES, table.columns)
            for batch in chunks(table, EPISODE_BATCH):
                self.check()
                parsed = []
                for row_number, row in batch:
                    service = self.plan.by_code.get(row["service_code"])
                    if service is None:
                        self.skipped_ids.add(row["episode_id"])
                        self.summary.skipped_episodes += 1
                        continue
                    _restore(row, text_columns)
                    self._check_lengths(label, schema.EPISODES, row_number, row)
                    values = parse_row(schema.EPISODES, row)
                    values["_ext"] = {c: row.get(c, "") for c in extension_columns}
                    parsed.append((row_number, service, values))
                if parsed:
                    client_ids = self._clients(parsed, clients)
                    self._write_episodes(parsed, client_ids, episodes)

    def _check_lengths(self, label: str, file: str, row_number: int, row: dict) -> None:
        """Refuse, by file, row and column, a value the database could not store."""
        problem = None
        for column, limit in _STORED_LENGTHS.get(file, {}).items():
            value = row.get(column) or ""
            if len(value) > limit:
                problem = (
                    column,
                    _("this is %(length)s characters long; at most %(max)s can be stored")
                    % {"length": len(value), "max": limit},
                )
        for column, limit in _STORED_MAXIMA.get(file, {}).items():
            value = row.get(column) or ""
            if len(value) >= 5 and int(value) > limit:
                problem = (
                    column,
                    _("%(value)s is more than this system can store (%(max)s)")
                    % {
                        "value": value,
                        "max": f"{limit:,}",
                    },
                )
        if problem is not None:
            raise ImportFailed([Issue(label, row_number, problem[0], problem[1])])

    def _clients(self, parsed, counts: Counts) -> dict[tuple[int, str], int]:
        """Create or update the batch's clients; return (service id, client_id) -> pk."""
        wanted: dict[tuple[int, str], dict] = {}
        for _row, service, v in parsed:
            nhs = v["nhs_number"] or ""
            fields = {
                "nhs_number": nhs,
                "identifier_type": (
                    (
                        IdentifierType.CHI
                        if service.nation == codes.Nation.SCOTLAND and looks_like_chi(nhs)
                        else IdentifierType.NHS
                    )
                    if nhs
                    else ""
                ),
                "sex": v["sex"] or "",
                "ethnicity": v["ethnicity"] or "",
                "area_code": v["area_code"] or "",
                "deprivation_index": v["deprivation_index"] or "",
                "deprivation_rank": v["deprivation_rank"],
                "deprivation_decile": v["deprivation_decile"],
            }
            key = (service.pk, v["client_id"])
            merged = wanted.setdefault(key, {})
            # A later episode's values win, but a blank never erases what is known.
            for name, value in fields.items():
                if value not in ("", None) or name not in merged:
                    merged[name] = value
        existing: dict[tuple[int, str], dict] = {}
        by_service = defaultdict(list)
        for service_id, reference in wanted:
            by_service[service_id].append(reference)
        for service_id, references in by_service.items():
            for row in Client.objects.filter(
                service_id=service_id, reference__in=references
            ).values("pk", "reference", *_CLIENT_FIELDS):
                existing[(service_id, row["reference"])] = row
        ids: dict[tuple[int, str], int] = {}
        new_rows, new_keys, changed = [], [], []
        for key, fields in wanted.items():
            current = existing.get(key)
            if current is None:
                new_keys.append(key)
                new_rows.append({"service_id": key[0], "reference": key[1], **fields})
                continue
            ids[key] = current["pk"]
            update = {
                name: value
                for name, value in fields.items()
                if value not in ("", None) and current[name] != value
            }
            if update:
                changed.append(Client(**{**current, **update}))
            else:
                counts.unchanged += 1
        for key, pk in zip(new_keys, self.inserter.insert(Client, new_rows), strict=True):
            ids[key] = pk
        if changed:
            for client in changed:
                client.updated_at = self.now
                client.version = F("version") + 1
            Client.objects.bulk_update(
                changed, [*_CLIENT_FIELDS, "updated_at", "version"], batch_size=500
            )
        counts.created += len(new_rows)
        counts.updated += len(changed)
        return ids

    def _write_episodes(self, parsed, client_ids, counts: Counts) -> None:
        existing: dict[tuple[int, str], dict] = {}
        by_service = defaultdict(list)
        for _row, service, v in parsed:
            by_service[service.pk].append(v["episode_id"])
        for service_id, references in by_service.items():
            for row in Episode.objects.filter(
                service_id=service_id, reference__in=references
            ).values(
                "pk",
                "reference",
                "tier",
                "previous_episode_id",
                "previous_episode__reference",
                *_EPISODE_COMPARED,
            ):
                existing[(service_id, row["reference"])] = row
        new_rows, changed, old_ids = [], [], []
        for row_number, service, v in parsed:
            fields = {name: v[name] or "" for name in _EPISODE_TEXT}
            fields.update({name: v[name] for name in _EPISODE_VALUES})
            fields[_FOLLOWUP_COLLECTED] = v["followup_date"]
            fields["highest_tier"] = v["tier"] or ""
            fields["extensions"] = v["_ext"]
            fields["client_id"] = client_ids[(service.pk, v["client_id"])]
            current = existing.get((service.pk, v["episode_id"]))
            if current is None:
                new_rows.append(
                    {
                        "service_id": service.pk,
                        "reference": v["episode_id"],
                        "tier": fields["highest_tier"],
                        **fields,
                    }
                )
                continue
            if current["discharge_date"] is not None and fields["discharge_date"] is None:
                self._refuse_reopening(row_number, current["discharge_date"])
            old_ids.append(current["pk"])
            update = {k: val for k, val in fields.items() if current[k] != val}
            tier = current["tier"]
            highest = fields["highest_tier"]
            # The file gives the highest tier reached; the current one cannot be above it.
            if highest and (not tier or tier_rank(tier) > tier_rank(highest)):
                tier = highest
            if tier != current["tier"]:
                update["tier"] = tier
            previous_ref = v["previous_episode_id"] or None
            if previous_ref != current["previous_episode__reference"]:
                # The link itself is set in the second pass, once every episode exists.
                update["previous_episode_id"] = None
            if update:
                changed.append((current, update))
            else:
                counts.unchanged += 1
        self.inserter.insert(Episode, new_rows)
        counts.created += len(new_rows)
        if changed:
            objs = []
            for current, update in changed:
                merged = {**current, **update}
                episode = Episode(pk=current["pk"])
                for name in _EPISODE_UPDATED:
                    setattr(episode, name, merged[name])
                episode.updated_at = self.now
                episode.version = F("version") + 1
                objs.append(episode)
            Episode.objects.bulk_update(
                objs, [*_EPISODE_UPDATED, "updated_at", "version"], batch_size=500
            )
            counts.updated += len(changed)
        if old_ids:
            self._clear_children(old_ids)

    def _refuse_reopening(self, row_number: int, discharged_on: dt.date) -> None:
        """A file cannot re-open an episode discharged here: re-opening is a decision
        with a reason, kept on the record, and it cancels the questionnaires and letters
        of the discharge (``episodes.services.reopen_episode``, on the episode's page)."""
        raise ImportFailed(
            [
                Issue(
                    self.dataset.label(schema.EPISODES),
                    row_number,
                    "discharge_date",
                    _(
                        "this episode is discharged here (on %(date)s) and the file has no "
                        "discharge date: re-open it on its page first, giving the reason, "
                        "or give its discharge date"
                    )
                    % {"date": human_date(discharged_on)},
                )
            ]
        )

    def _clear_children(self, episode_ids: list[int]) -> None:
        """Delete what the file will write anew for episodes that were already here.

        Contacts and onward rows that hold staff work (who recorded it, a note, an
        in-work review, an outcome) are kept: the file's matching rows are then taken
        to be them (see ``kept_contacts``), so nothing is lost or duplicated.
        """
        if schema.CONTACTS in self.present:
            contacts = Contact.objects.filter(episode_id__in=episode_ids)
            kept = []
            for contact in contacts.filter(_STAFF_CONTACT).prefetch_related("interventions"):
                kept.append(contact.pk)
                found = self.kept_contacts.setdefault(contact.episode_id, Counter())
                found[_contact_key(vars(contact), contact.intervention_codes)] += 1
            self.summary.count(schema.CONTACTS).replaced += raw_delete(
                contacts.exclude(pk__in=kept)
            )
        if schema.ONWARD in self.present:
            onward = OnwardReferral.objects.filter(episode_id__in=episode_ids)
            kept = []
            for referral in onward.filter(_STAFF_ONWARD).values("pk", "episode_id", *_ONWARD_KEY):
                kept.append(referral["pk"])
                found = self.kept_onward.setdefault(referral["episode_id"], Counter())
                found[_onward_key(referral)] += 1
            self.summary.count(schema.ONWARD).replaced += raw_delete(onward.exclude(pk__in=kept))
        if schema.MEASURES in self.present:
            # Only what an import wrote; questionnaires staff or clients filled in stay,
            # and have their values replaced if the file holds the same one.
            administrations = Administration.objects.filter(
                episode_id__in=episode_ids,
                completed_by=CompletedBy.IMPORT,
                timepoint__in=codes.VRMDS_TIMEPOINTS,
            )
            self.summary.count(schema.MEASURES).replaced += ItemValue.objects.filter(
                administration__in=administrations
            ).count()
            raw_delete(administrations)

    def _previous_links(self) -> None:
        """Second pass: link re-referrals, now that every episode of the file exists."""
        with self.dataset.open(schema.EPISODES) as table:
            if "previous_episode_id" not in table.columns:
                return
            links = (
                (
                    self.plan.by_code[row["service_code"]].pk,
                    row["episode_id"],
                    row["previous_episode_id"],
                )
                for _n, row in table
                if row.get("previous_episode_id") and row["service_code"] in self.plan.by_code
            )
            for batch in chunks(links, EPISODE_BATCH):
                by_service = defaultdict(set)
                for service_id, episode_id, previous in batch:
                    by_service[service_id].update((episode_id, previous))
                found: dict[tuple[int, str], tuple[int, int | None]] = {}
                for service_id, references in by_service.items():
                    for pk, reference, previous_pk in Episode.objects.filter(
                        service_id=service_id, reference__in=references
                    ).values_list("pk", "reference", "previous_episode_id"):
                        found[(service_id, reference)] = (pk, previous_pk)
                objs = []
                for service_id, episode_id, previous in batch:
                    pk, current = found[(service_id, episode_id)]
                    previous_pk = found[(service_id, previous)][0]
                    if current != previous_pk:
                        objs.append(Episode(pk=pk, previous_episode_id=previous_pk))
                if objs:
                    Episode.objects.bulk_update(objs, ["previous_episode_id"], batch_size=500)

    # -- child files ------------------------------------------------------------------

    def _episode_pks(self, label: str, batch) -> dict[str, int]:
        """episode_id -> pk for the rows of ``batch`` (row numbers kept for messages)."""
        references = {row["episode_id"] for _n, row in batch} - self.skipped_ids
        found: dict[str, int] = {}
        clashes = set()
        for pk, reference in Episode.objects.filter(
            service_id__in=self.target_ids, reference__in=references
        ).values_list("pk", "reference"):
            if reference in found:
                clashes.add(reference)
            found[reference] = pk
        if clashes:
            row_number = next(n for n, row in batch if row["episode_id"] in clashes)
            raise ImportFailed(
                [
                    Issue(
                        label,
                        row_number,
                        "episode_id",
                        _(
                            "episode ids like this one are used by more than one of the "
                            "services imported; import one service at a time (--service)"
                        ),
                    )
                ]
            )
        return found

    def _child_rows(self, name: str):
        label = self.dataset.label(name)
        with self.dataset.open(name) as table:
            extension_columns = [c for c in table.columns if c.startswith("x_")]
            text_columns = _restorable(name, table.columns)
            for batch in chunks(table, CHILD_BATCH):
                self.check()
                pks = self._episode_pks(label, batch)
                out = []
                for row_number, row in batch:
                    pk = pks.get(row["episode_id"])
                    if pk is None:  # an episode of a service left out
                        continue
                    _restore(row, text_columns)
                    self._check_lengths(label, name, row_number, row)
                    out.append(
                        (row_number, pk, row, {c: row.get(c, "") for c in extension_columns})
                    )
                yield out

    def _contacts(self) -> None:
        counts = self.summary.count(schema.CONTACTS)
        for batch in self._child_rows(schema.CONTACTS):
            rows, codes_of = [], []
            for _n, episode_pk, row, ext in batch:
                # Validated already: dates go to the database as ISO text, which both
                # PostgreSQL's COPY and SQLite store as the date itself.
                minutes = row.get("minutes")
                contact = {
                    "episode_id": episode_pk,
                    "contact_date": row["contact_date"],
                    "mode": row["mode"],
                    "contact_with": row.get("with") or codes.ContactWith.CLIENT,
                    "minutes": int(minutes) if minutes else None,
                    "extensions": ext,
                }
                # The same code twice in one cell means the same intervention once.
                found = row.get("interventions")
                interventions = list(dict.fromkeys(parse_codes(found))) if found else []
                kept = self.kept_contacts.get(episode_pk)
                if kept:
                    key = _contact_key(contact, interventions)
                    if kept[key]:
                        kept[key] -= 1
                        counts.unchanged += 1
                        continue
                rows.append(contact)
                codes_of.append(interventions)
            ids = self.inserter.insert(Contact, rows)
            interventions = [
                {"contact_id": pk, "code": code, "position": position}
                for pk, found in zip(ids, codes_of, strict=True)
                for position, code in enumerate(found)
            ]
            self.inserter.insert(ContactIntervention, interventions)
            counts.created += len(rows)

    def _onward(self) -> None:
        counts = self.summary.count(schema.ONWARD)
        for batch in self._child_rows(schema.ONWARD):
            rows = []
            for _n, episode_pk, row, ext in batch:
                v = parse_row(schema.ONWARD, row)
                referral = {
                    "episode_id": episode_pk,
                    "date": v["date"],
                    "kind": v["kind"],
                    "category": v["category"],
                    "service_name": v["service_name"] or "",
                    "service_ref": v["service_ref"] or "",
                    "extensions": ext,
                }
                kept = self.kept_onward.get(episode_pk)
                if kept:
                    key = _onward_key(referral)
                    if kept[key]:
                        kept[key] -= 1
                        counts.unchanged += 1
                        continue
                rows.append(referral)
            self.inserter.insert(OnwardReferral, rows)
            counts.created += len(rows)

    def _measures(self) -> None:
        counts = self.summary.count(schema.MEASURES)
        label = self.dataset.label(schema.MEASURES)
        for batch in self._child_rows(schema.MEASURES):
            if not batch:
                continue
            numbers = [n for n, *_rest in batch]
            groups = _group_measures(label, batch)
            episode_of = {row["episode_id"]: pk for _n, pk, row, _ext in batch}
            self._write_administrations(label, groups, episode_of, numbers, counts)

    def _write_administrations(self, label, groups, episode_of, numbers, counts: Counts):
        """Store one batch of questionnaires (``groups``), merging with earlier batches."""
        episode_ids = {episode_of[g.episode_id] for g in groups}
        # The one in place for each timepoint: a cancelled one stays as it is (the
        # record that it was cancelled, and why), and the file's goes beside it.
        existing = {
            (a["episode_id"], a["instrument"], a["timepoint"]): a
            for a in Administration.objects.filter(
                episode_id__in=episode_ids, timepoint__in=codes.VRMDS_TIMEPOINTS
            )
            .exclude(status=AdministrationStatus.CANCELLED)
            .values("pk", "episode_id", "instrument", "timepoint", "date", "status", "updated_at")
        }
        new_admins, new_groups, values, scores = [], [], [], []
        refreshed = []
        touched = []  # earlier administrations whose report scores must be recomputed
        for group in groups:
            episode_pk = episode_of[group.episode_id]
            current = existing.get((episode_pk, group.instrument, group.timepoint))
            if current is None:
                new_admins.append(
                    {
                        "episode_id": episode_pk,
                        "instrument": group.instrument,
                        "instrument_version": get_instrument(group.instrument).version,
                        "timepoint": group.timepoint,
                        "date": group.date,
                        "status": AdministrationStatus.COMPLETED,
                        "completed_by": CompletedBy.IMPORT,
                    }
                )
                new_groups.append(group)
                continue
            touched.append(current["pk"])
            if current["updated_at"] >= self.now:
                # Written earlier in this import: the file lists this questionnaire's
                # items in more than one place.
                self._append_values(label, current, group, numbers, values)
            else:
                # Filled in by staff or the client before: the file's values replace its.
                ItemValue.objects.filter(administration_id=current["pk"]).delete()
                refreshed.append(current["pk"])
                Administration.objects.filter(pk=current["pk"]).update(
                    date=group.date,
                    status=AdministrationStatus.COMPLETED,
                    updated_at=self.now,
                    version=F("version") + 1,
                )
                values += self._value_rows(current["pk"], group)
        for pk, group in zip(
            self.inserter.insert(Administration, new_admins), new_groups, strict=True
        ):
            values += self._value_rows(pk, group)
            scores.append({"administration_id": pk, **scores_from_values(group.values)})
        self.inserter.insert(ItemValue, values)
        self.inserter.insert(QuestionnaireScores, scores)
        refresh_scores(touched)
        counts.created += len(values)

    @staticmethod
    def _value_rows(administration_pk: int, group) -> list[dict]:
        return [
            {
                "administration_id": administration_pk,
                "item": item,
                "value": value,
                "extensions": group.extensions.get(item, {}),
            }
            for item, value in group.values.items()
        ]

    def _append_values(self, label, current, group, numbers, values) -> None:
        first = group.rows[0]
        if current["date"] != group.date:
            raise ImportFailed(
                [
                    Issue(
                        label,
                        first,
                        "date",
                        _("%(instrument)s at %(timepoint)s already has the date %(date)s")
                        % {
                            "instrument": group.instrument,
                            "timepoint": group.timepoint,
                            "date": current["date"],
                        },
                    )
                ]
            )
        held = set(
            ItemValue.objects.filter(administration_id=current["pk"]).values_list("item", flat=True)
        )
        held.update(v["item"] for v in values if v["administration_id"] == current["pk"])
        twice = [item for item in group.values if item in held]
        if twice:
            raise ImportFailed(
                [
                    Issue(
                        label,
                        first,
                        "item",
                        _("%(instrument)s item %(item)s is given twice at %(timepoint)s")
                        % {
                            "instrument": group.instrument,
                            "item": twice[0],
                            "timepoint": group.timepoint,
                        },
                    )
                ]
            )
        values += self._value_rows(current["pk"], group)


@dataclass
class _Questionnaire:
    """The measures.csv rows of one questionnaire (episode, timepoint, instrument)."""

    episode_id: str
    timepoint: str
    instrument: str
    date: dt.date
    values: dict[str, float] = field(default_factory=dict)
    extensions: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


def _group_measures(label: str, batch) -> list[_Questionnaire]:
    """Group validated measures.csv rows into questionnaires, in the order first seen.

    The validator has checked every code, item and range; what only a whole
    questionnaire shows (two dates for it, an item given twice) is an error here.
    This is the same grouping as :func:`vocrehab.measures.vrmds.parse_vrmds_rows`
    without re-checking each value, which a national import cannot afford.
    """
    groups: dict[tuple[str, str, str], _Questionnaire] = {}
    issues: list[Issue] = []
    for row_number, _pk, row, ext in batch:
        key = (row["episode_id"], row["timepoint"], row["instrument"])
        when = parse_date(row["date"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Questionnaire(*key, date=when)
        item = row["item"]
        if group.date != when:
            issues.append(
                Issue(
                    label,
                    row_number,
                    "date",
                    _("%(instrument)s at %(timepoint)s already has the date %(date)s")
                    % {"instrument": key[2], "timepoint": key[1], "date": group.date},
                )
            )
            continue
        if item in group.values:
            issues.append(
                Issue(
                    label,
                    row_number,
                    "item",
                    _("%(instrument)s item %(item)s is given twice at %(timepoint)s")
                    % {"instrument": key[2], "item": item, "timepoint": key[1]},
                )
            )
            continue
        group.values[item] = float(row["value"])
        kept = {k: v for k, v in ext.items() if v}
        if kept:
            group.extensions[item] = kept
        group.rows.append(row_number)
    if issues:
        raise ImportFailed(issues)
    return list(groups.values())


__all__ = ["ImportSummary", "import_dataset"]
