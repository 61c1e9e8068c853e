"""A hub receiving services' submissions: validate, then replace the period in one go.

A submission is a VRMDS dataset (a .zip of the CSV files, as the import takes) of one
service and one period, with the SHA-256 checksum of the file as sent. At the hub:

- nothing is written unless the file matches its checksum, every episode is of the
  submitting service and the whole dataset passes the same VRMDS validator as any
  import (:func:`vocrehab.interchange.importer.import_dataset`); a refusal lists every
  problem by file, row and column;
- the data goes into the hub's own tables through that import (episodes of
  pseudonymised clients under the submitting service), so every report, benchmark and
  dashboard, with its small-number suppression, works on it unchanged;
- an accepted submission replaces the earlier one of the same service and period in
  one transaction: episodes referred in the period that the new file no longer holds
  are removed, and a new :class:`ReceivedVersion` becomes the current one (the earlier
  versions stay as the history);
- the same file sent again (the current version's checksum) changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, services_for
from vocrehab.accounts.models import ApiToken, Scope, Service
from vocrehab.clients.models import Client
from vocrehab.dates import human_date
from vocrehab.episodes.models import Episode
from vocrehab.interchange.bulk import chunks
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.models import ReceivedVersion
from vocrehab.interchange.periods import (
    Period,
    PeriodError,
    due_by,
    month_of,
    parse_period,
    previous_month,
)
from vocrehab.interchange.vrmds import schema
from vocrehab.interchange.vrmds.reader import DatasetError, Limits, open_dataset
from vocrehab.interchange.vrmds.validate import Issue, parse_date

logger = logging.getLogger(__name__)

PARALLEL_EPISODES = 10_000
# Issues named in a refusal at most; a file wrong throughout needs no more to be fixed.
MAX_ISSUES = 100

ACCEPTED = "accepted"
UNCHANGED = "unchanged"
REFUSED = "refused"
FORBIDDEN = "forbidden"
CONFLICT = "conflict"


def hub_enabled() -> bool:
    return bool(getattr(settings, "VOCREHAB_HUB", False))


def submission_limits() -> Limits:
    size = settings.VOCREHAB_IMPORT_MAX_BYTES
    return Limits(max_container_bytes=size, max_file_bytes=size * 10, max_total_bytes=size * 10)


@dataclass
class Outcome:
    status: str
    version: ReceivedVersion | None = None
    errors: list[Issue] = field(default_factory=list)
    error_count: int = 0
    message: str = ""

    def errors_as_dicts(self) -> list[dict]:
        return [
            {"file": i.file, "row": i.row, "column": i.column, "message": i.message}
            for i in self.errors
        ]


def _refused(message: str, errors=(), count: int | None = None) -> Outcome:
    errors = list(errors)
    return Outcome(
        REFUSED, errors=errors, error_count=len(errors) if count is None else count, message=message
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def receive_submission(
    *, user, token, service_code: str, period: str, checksum: str, upload, request=None
) -> Outcome:
    """Receive one submission (``upload``: a file object of the .zip) from ``user``
    acting through API ``token``."""
    service = Service.objects.filter(code=(service_code or "").strip()).first()
    if service is None or not services_for(user, Perm.IMPORT_DATA).filter(pk=service.pk).exists():
        return Outcome(
            FORBIDDEN,
            message=_(
                "This token may not send submissions for service %(code)s. Ask the hub "
                "for a token that covers it."
            )
            % {"code": (service_code or "")[:32]},
        )
    try:
        found = parse_period(period)
    except PeriodError as exc:
        return _refused(str(exc), [Issue("period", None, None, str(exc))])
    checksum = (checksum or "").strip().lower()
    with tempfile.TemporaryDirectory(prefix="vocrehab-hub-") as folder:
        path = Path(folder) / f"{service.code}-{found.code}.zip"
        with path.open("wb") as out:
            for part in upload.chunks():
                out.write(part)
        actual = sha256_of(path)
        if actual != checksum:
            message = _(
                "The file's SHA-256 checksum is %(actual)s, not the %(given)s sent with it: "
                "the file was changed or cut short on the way. Nothing was written."
            ) % {"actual": actual, "given": checksum[:64] or "-"}
            return _refused(message, [Issue("checksum", None, None, message)])
        current = ReceivedVersion.objects.filter(service=service, period=found.code, current=True)
        existing = current.first()
        if existing is not None and existing.checksum == actual:
            return Outcome(UNCHANGED, version=existing)
        return _accept(user, token, service, found, path, actual, request)


def _episode_ids(path: Path, service: Service, period: Period) -> tuple[set[str], list[Issue]]:
    """The episode_ids of the file; an issue for each episode of another service, and
    for each referred outside ``period`` that is not an earlier episode of one referred
    in it (a submission carries those so that re-referrals keep their history)."""
    ids: set[str] = set()
    issues: list[Issue] = []
    outside: dict[str, tuple[int, datetime.date]] = {}
    previous: dict[str, str] = {}
    in_period: set[str] = set()
    with open_dataset(path, limits=submission_limits()) as dataset:
        label = dataset.label(schema.EPISODES)
        with dataset.open(schema.EPISODES) as table:
            for row_number, row in table:
                episode_id = row.get("episode_id", "")
                code = row.get("service_code", "")
                if code != service.code and len(issues) < MAX_ISSUES:
                    issues.append(
                        Issue(
                            label,
                            row_number,
                            "service_code",
                            _('this submission is for service %(service)s, not "%(code)s"')
                            % {"service": service.code, "code": code[:32]},
                        )
                    )
                ids.add(episode_id)
                if row.get("previous_episode_id"):
                    previous[episode_id] = row["previous_episode_id"]
                try:
                    referred = parse_date(row.get("referral_date", ""))
                except ValueError:
                    referred = None  # the standard's validation names a date it cannot read
                if referred is None:
                    continue
                if period.start <= referred <= period.end:
                    in_period.add(episode_id)
                else:
                    outside[episode_id] = (row_number, referred)
    for episode_id in _earlier_episodes(in_period, previous):
        outside.pop(episode_id, None)
    for row_number, referred in sorted(outside.values())[: max(0, MAX_ISSUES - len(issues))]:
        issues.append(
            Issue(
                label,
                row_number,
                "referral_date",
                _(
                    "referred on %(date)s, outside %(period)s (%(start)s to %(end)s) that "
                    "this submission is for, and not an earlier episode of one referred in it"
                )
                % {
                    "date": human_date(referred),
                    "period": period.label,
                    "start": human_date(period.start),
                    "end": human_date(period.end),
                },
            )
        )
    return ids, issues


def _earlier_episodes(episode_ids: set[str], previous: dict[str, str]) -> set[str]:
    """The episodes that ``episode_ids`` follow, directly or through others."""
    found: set[str] = set()
    for episode_id in episode_ids:
        earlier = previous.get(episode_id)
        while earlier and earlier not in found and earlier not in episode_ids:
            found.add(earlier)
            earlier = previous.get(earlier)
    return found


def _accept(user, token, service, period: Period, path, checksum, request) -> Outcome:
    try:
        ids, issues = _episode_ids(path, service, period)
    except DatasetError as exc:
        issue = Issue(exc.file or path.name, exc.row, exc.column, exc.message)
        return _refused(_("The file cannot be read."), [issue])
    if issues:
        return _refused(
            _("The file holds episodes that are not this service's in this period."), issues
        )
    try:
        with transaction.atomic():
            summary = import_dataset(
                path,
                service_code=service.code,
                user=user,
                allowed_services=services_for(user, Perm.IMPORT_DATA),
                limits=submission_limits(),
                request=request,
                # A large submission is validated in a second process while it is written.
                parallel=len(ids) >= PARALLEL_EPISODES and (os.cpu_count() or 1) > 1,
            )
            if not summary.ok:
                return _refused(
                    _("The file does not meet the VRMDS standard. Nothing was written."),
                    summary.errors,
                    summary.error_count,
                )
            removed = _remove_missing(service, period, ids)
            earlier = ReceivedVersion.objects.filter(service=service, period=period.code)
            number = (earlier.aggregate(n=Max("number"))["n"] or 0) + 1
            earlier.filter(current=True).update(current=False)
            version = ReceivedVersion.objects.create(
                service=service,
                period=period.code,
                period_start=period.start,
                period_end=period.end,
                number=number,
                checksum=checksum,
                token=token,
                token_name=(token.name if token is not None else str(user))[:120],
                rows=summary.rows,
                episodes_removed=removed,
            )
    except IntegrityError:
        return Outcome(
            CONFLICT,
            message=_(
                "Another submission of this service and period arrived at the same time; "
                "send it again."
            ),
        )
    logger.info(
        "hub: accepted %s %s version %s (%s episodes)",
        service.code,
        period.code,
        version.number,
        version.episodes,
    )
    return Outcome(ACCEPTED, version=version)


def _remove_missing(service: Service, period: Period, ids: set[str]) -> int:
    """Delete the service's episodes referred in ``period`` that the new file lacks."""
    held = Episode.objects.filter(
        service=service, referral_date__gte=period.start, referral_date__lte=period.end
    ).values_list("pk", "reference")
    gone = [pk for pk, reference in held if reference not in ids]
    with disable_auditlog():
        for batch in chunks(iter(gone), 500):
            Episode.objects.filter(previous_episode_id__in=batch).update(previous_episode=None)
            clients = set(Episode.objects.filter(pk__in=batch).values_list("client_id", flat=True))
            Episode.objects.filter(pk__in=batch).delete()
            # A pseudonymised client left with no episode carries nothing any more.
            try:
                with transaction.atomic():
                    Client.objects.filter(pk__in=clients, episodes__isnull=True).delete()
            except ProtectedError:
                pass
    return len(gone)


# ------------------------------------------------------------------- the hub's page

EXPECTED_MONTHS = 12  # how far back the page looks for late or missing months


@dataclass
class MonthState:
    period: Period
    due: object  # date
    state: str  # "on_time", "late_received", "late", "due"
    version: ReceivedVersion | None = None

    @property
    def label(self) -> str:
        return {
            "on_time": _("Received on time"),
            "late_received": _("Received late"),
            "late": _("Late: not received"),
            "due": _("Not yet due"),
        }[self.state]


@dataclass
class ServiceSubmissions:
    service: Service
    current: list[ReceivedVersion] = field(default_factory=list)
    history: dict[str, list[ReceivedVersion]] = field(default_factory=dict)
    months: list[MonthState] = field(default_factory=list)

    @property
    def late(self) -> list[MonthState]:
        return [m for m in self.months if m.state == "late"]

    @property
    def late_received(self) -> list[MonthState]:
        return [m for m in self.months if m.state == "late_received"]

    @property
    def last(self) -> ReceivedVersion | None:
        return max(self.current, key=lambda v: v.received_at, default=None)


def submissions_overview(services, today) -> list[ServiceSubmissions]:
    """What each of ``services`` has sent the hub and which months are late or missing.

    A service is expected to send every month from the month its first submission or
    its first submissions token dates from (at most :data:`EXPECTED_MONTHS` back); a
    month is late when nothing covering it arrived by ``VOCREHAB_HUB_LATE_DAY`` of the
    month after. Three queries, however many services and versions.
    """
    services = list(services)
    by_pk = {s.pk: ServiceSubmissions(s) for s in services}
    first: dict[int, object] = {}
    versions = ReceivedVersion.objects.filter(service__in=services).order_by(
        "-period_start", "period_end", "-number"
    )
    for version in versions:
        entry = by_pk[version.service_id]
        version.service = entry.service
        entry.history.setdefault(version.period, []).append(version)
        if version.current:
            entry.current.append(version)
        start = version.period_start
        first[version.service_id] = min(first.get(version.service_id, start), start)
    tokens = ApiToken.objects.filter(
        services__in=services, revoked_at__isnull=True, expires_on__gte=today
    ).values_list("services", "scopes", "created_at")
    for service_id, scopes, created in tokens:
        if service_id in by_pk and Scope.SUBMISSIONS_WRITE in scopes:
            start = created.date().replace(day=1)
            first[service_id] = min(first.get(service_id, start), start)
    late_day = int(getattr(settings, "VOCREHAB_HUB_LATE_DAY", 15))
    last = previous_month(today)
    oldest = month_of(today)
    for _n in range(EXPECTED_MONTHS):
        oldest = previous_month(oldest.start)
    result = []
    for pk, entry in by_pk.items():
        for version in entry.current:
            version.versions = entry.history[version.period]
        if pk not in first:
            continue
        month = max(month_of(first[pk]), oldest)
        while month.start <= last.start:
            due = due_by(month, late_day)
            covering = [
                v
                for v in entry.current
                if v.period_start <= month.start and v.period_end >= month.end
            ]
            if covering:
                # On time if the first version of what covers it arrived in time.
                earliest = min(entry.history[covering[0].period], key=lambda v: v.number)
                state = "on_time" if earliest.received_at.date() <= due else "late_received"
                entry.months.append(MonthState(month, due, state, covering[0]))
            else:
                entry.months.append(MonthState(month, due, "late" if today > due else "due"))
            month = month.next()
        result.append(entry)
    return sorted(result, key=lambda e: (e.service.name, e.service.code))
