"""Writes: recording what is due for disposal, and disposing of it once confirmed."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from vocrehab.accounts.access import Perm, has_perm
from vocrehab.accounts.models import Service
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.clients.models import Client

from . import anonymise, queries
from .models import Disposal, DisposalState

logger = logging.getLogger(__name__)


@dataclass
class Found:
    added: int = 0
    awaiting: int = 0
    withdrawn: int = 0


def find_due(service: Service, *, today: datetime.date) -> Found:
    """Record the service's people now past retention as awaiting confirmation.

    Run nightly; running it twice changes nothing. A person found earlier who is no
    longer due (re-referred, or their record restricted) leaves the list.
    """
    due = {d.client_id: d for d in queries.due_clients(service, today)}
    found = Found()
    with transaction.atomic():
        for disposal in queries.awaiting(service).select_for_update():
            if disposal.client_id not in due:
                disposal.delete()
                found.withdrawn += 1
        known = set(Disposal.objects.filter(client_id__in=due).values_list("client_id", flat=True))
        new = [
            Disposal(
                service=service,
                client_id=d.client_id,
                episode_ids=d.episode_ids,
                due_on=d.due_on,
                found_on=today,
            )
            for d in due.values()
            if d.client_id not in known
        ]
        Disposal.objects.bulk_create(new)
        found.added = len(new)
        found.awaiting = queries.awaiting(service).count()
    return found


def find_due_everywhere(*, today: datetime.date | None = None) -> dict[str, dict]:
    """The nightly check for every active service: {service code: what was found}."""
    today = today or timezone.localdate()
    return {
        service.code: find_due(service, today=today).__dict__
        for service in Service.objects.filter(active=True).order_by("code")
    }


@dataclass
class Disposed:
    clients: int = 0
    episodes: int = 0
    change_history_removed: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def dispose(service: Service, *, by, today: datetime.date, request=None) -> Disposed:
    """Anonymise everyone awaiting disposal in ``service``: the manager ``by`` confirms.

    One transaction: if anything fails, nothing is anonymised, deleted or recorded.
    Each person is checked again (still due today) before anything is changed. Every
    disposal is kept (who confirmed, when, how many records of each kind) and written
    to the access log; the person's entries in the change history are deleted, because
    they hold the identifiers being removed.
    """
    if not has_perm(by, Perm.DISPOSE_RECORDS, service):
        raise PermissionDenied
    still_due = {d.client_id for d in queries.due_clients(service, today)}
    result = Disposed()
    with transaction.atomic():
        waiting = list(queries.awaiting(service).select_for_update())
        for disposal in waiting:
            if disposal.client_id not in still_due:
                continue
            _dispose_one(disposal, by=by, request=request, result=result)
    return result


def _dispose_one(disposal: Disposal, *, by, request, result: Disposed) -> None:
    client = Client.objects.get(pk=disposal.client_id)
    counts = anonymise.anonymise(client)
    history = LogEntry.objects.filter(additional_data__client_id=client.pk)
    counts["change history entries deleted"] = history.count()
    # Recorded as disposed before the change history is touched: on PostgreSQL the
    # change history's trigger lets entries go only for a person whose disposal is
    # recorded, and a recorded disposal can no longer be changed or deleted.
    disposal.state = DisposalState.DISPOSED
    disposal.confirmed_by = by
    disposal.confirmed_at = timezone.now()
    disposal.counts = counts
    disposal.save()
    removed, _by_model = history.delete()
    record_event(
        action=Action.DISPOSE,
        request=request,
        user=by,
        object_type="clients.client",
        object_id=client.pk,
        client_id=client.pk,
        service_id=disposal.service_id,
        fields=sorted({*counts["deleted"], *counts["anonymised"]}),
        detail=_summary(len(disposal.episode_ids), counts),
    )
    result.clients += 1
    result.episodes += len(disposal.episode_ids)
    result.change_history_removed += removed
    for action in ("deleted", "anonymised"):
        for kind, n in counts[action].items():
            tally = result.counts.setdefault(action, {})
            tally[kind] = tally.get(kind, 0) + n


def _summary(episodes: int, counts) -> str:
    deleted = sum(counts["deleted"].values())
    anonymised = sum(counts["anonymised"].values())
    removed = counts["change history entries deleted"]
    return (
        f"anonymised after the retention period: {episodes} episode(s), {anonymised} "
        f"record(s) anonymised, {deleted} deleted, {removed} change history entries deleted"
    )[:255]
