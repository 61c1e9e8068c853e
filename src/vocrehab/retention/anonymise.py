"""Anonymising one person's records at the end of their retention period.

Everything held about the person is found the way a subject access request finds it
(:func:`vocrehab.clients.subject_access.held_records`), so a new kind of record is
covered without changing this module. Then, record by record:

- free text (notes, documents, letters, questionnaire links, reminders, sign-off
  requests) is deleted with the record that holds it (:data:`DELETED`);
- in what is kept, every text, email and file field is emptied, every structured extra
  (JSON) reset, and every date reduced to the first of its month;
- what the evaluation report reads is kept as it was (:data:`KEPT`): the codes
  (fields with choices), numbers and yes/no answers, the episode's pathway dates and
  the clock pauses (the service standards count working days between them), the age
  at referral, the condition's detail (the ICD-10 site) and the questionnaire items;
- the person's identifiers go: name, NHS or CHI number, date of birth (the episodes
  keep the age at referral, which is all the reports use), address, postcode, phone,
  email, small area; the deprivation rank is coarsened so that it keeps its decile
  and its "most deprived 15%" side only; references become ``ANON-…``.

Writes are queryset updates with the change history switched off: the change history
must not gain the old values it is removing (its earlier entries about the person are
deleted by ``services.dispose``).
"""

from __future__ import annotations

import datetime
from collections import Counter

from auditlog.context import disable_auditlog
from django.db import models, transaction

from vocrehab.casework.models import CaseNote, EpisodeDocument, Letter, Reminder, SignOff
from vocrehab.clients.models import Client
from vocrehab.clients.postcodes import coarsened_rank
from vocrehab.clients.subject_access import held_records
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import QuestionnaireLink
from vocrehab.referrals.models import ClockPause, Referral

# Records that are free text, a file or a means of contact: deleted outright.
DELETED = (CaseNote, EpisodeDocument, Letter, QuestionnaireLink, Reminder, SignOff)

# Fields kept exactly as they are although the rules above would change them: what the
# evaluation report reads (tests/retention/test_report_unchanged.py proves it).
KEPT = {
    Episode: {
        "referral_date",
        "first_contact_date",
        "assessment_date",
        "discharge_date",
        "diagnosis_date",
        "followup_date",
        "condition_detail",
    },
    ClockPause: {"start", "end"},
}
# Codes that name a questionnaire and its items, not the person.
KEPT_EVERYWHERE = {"instrument", "instrument_version", "item"}

# Identifiers replaced rather than emptied: references must stay unique.
REFERENCED = (Client, Episode, Referral)
IDENTIFIERS = {Client: {"date_of_birth": None}}
COARSENED = (Client, Episode)  # the deprivation rank, to its decile


def anonymous_reference(pk: int) -> str:
    digits, n = "", pk
    while True:
        n, r = divmod(n, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r] + digits
        if not n:
            return f"ANON-{digits}"


def _month(value):
    if isinstance(value, datetime.datetime):
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return value.replace(day=1)


def _new_values(obj) -> dict:
    """The changed fields of one kept record (only those that change)."""
    model = type(obj)
    kept = KEPT.get(model, set()) | KEPT_EVERYWHERE
    values = {}
    for field in obj._meta.concrete_fields:
        name, current = field.name, getattr(obj, field.attname)
        if field.primary_key or field.is_relation or name in kept or current in (None, ""):
            continue
        if isinstance(field, models.FileField):
            values[name] = ""
        elif isinstance(field, models.JSONField):
            default = field.get_default()
            if current != default:
                values[name] = default
        elif isinstance(field, (models.TextField, models.EmailField)) or (
            isinstance(field, models.CharField) and not field.choices
        ):
            values[name] = ""
        elif isinstance(field, models.DateField):  # DateTimeField too
            if _month(current) != current:
                values[name] = _month(current)
    if isinstance(obj, REFERENCED):
        values["reference"] = anonymous_reference(obj.pk)
    for name, replacement in IDENTIFIERS.get(model, {}).items():
        if getattr(obj, name) != replacement:
            values[name] = replacement
    if isinstance(obj, COARSENED) and obj.deprivation_rank:
        rank = coarsened_rank(obj.deprivation_index, obj.deprivation_rank)
        if rank != obj.deprivation_rank:
            values["deprivation_rank"] = rank
    if isinstance(obj, Client):
        values.update(
            processing_restricted=False,
            accuracy_disputed=False,
            contact_by_phone=False,
            contact_by_email=False,
            contact_by_post=False,
            safe_to_leave_message=False,
        )
    return values


def _kind(model) -> str:
    return str(model._meta.verbose_name_plural)


def plan(client: Client) -> tuple[list, list]:
    """(records to delete, (record, new values) to change): nothing is written."""
    deleted, changed = [], []
    for obj in held_records(client):
        if isinstance(obj, DELETED):
            deleted.append(obj)
        else:
            values = _new_values(obj)
            if values:
                changed.append((obj, values))
    return deleted, changed


def counts(client: Client) -> dict[str, dict[str, int]]:
    """How many records of each kind would be deleted and anonymised (a dry run)."""
    deleted, changed = plan(client)
    return _tally(deleted, changed)


def _tally(deleted, changed) -> dict[str, dict[str, int]]:
    return {
        "deleted": dict(sorted(Counter(_kind(type(o)) for o in deleted).items())),
        "anonymised": dict(sorted(Counter(_kind(type(o)) for o, _v in changed).items())),
    }


def anonymise(client: Client) -> dict[str, dict[str, int]]:
    """Anonymise everything held about ``client``; the counts by kind. Call it inside a
    transaction: files are removed from storage only once it commits."""
    deleted, changed = plan(client)
    files = [obj.file for obj in deleted if isinstance(obj, EpisodeDocument) and obj.file]
    with disable_auditlog():
        # Deepest first: what is found later hangs off what was found earlier.
        for obj in reversed(deleted):
            type(obj)._base_manager.filter(pk=obj.pk).delete()
        for obj, values in changed:
            type(obj)._base_manager.filter(pk=obj.pk).update(**values)
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
    return _tally(deleted, changed)
