"""Case notes and reminders."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vocrehab.episodes.models import Episode

from ..models import (
    CaseNote,
    Reminder,
)
from .errors import CaseworkError


def add_note(episode: Episode, *, by, text: str) -> CaseNote:
    if not text.strip():
        raise CaseworkError(_("Write the note."))
    return CaseNote.objects.create(episode=episode, author=by, text=text)


@transaction.atomic
def correct_note(note: CaseNote, *, by, text: str) -> CaseNote:
    """Correct a note: the correction is a new note; the original stays (struck through)."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if CaseNote.objects.filter(corrects=note).exists():
        raise CaseworkError(_("This note has already been corrected; correct the correction."))
    if not text.strip():
        raise CaseworkError(_("Write the corrected note."))
    return CaseNote.objects.create(episode=note.episode, author=by, text=text, corrects=note)


def add_reminder(episode: Episode, *, by, text: str, due_on, assigned_to=None) -> Reminder:
    return Reminder.objects.create(
        episode=episode,
        text=text,
        due_on=due_on,
        assigned_to=assigned_to or episode.case_manager or by,
        created_by=by,
    )


def raise_safety_alert(
    episode: Episode, *, instrument: str, item: str, value: float, completed_by: str
) -> Reminder:
    """A task due today for the episode's case manager: an answer needs contact with the
    client the same day (PHQ-9 item 9 above 0). No answer wording in it, only where to
    look; it stays on the caseload as a safety alert until it is marked done."""
    source = _("by the client") if completed_by == "client" else _("by staff")
    text = _(
        "Safety alert: %(instrument)s question %(number)s (thoughts of being better off "
        "dead or of self-harm) answered %(value)s %(source)s. Contact the client today "
        "and follow the service's risk procedure."
    ) % {
        "instrument": instrument,
        "number": item.removeprefix("q"),
        "value": int(value) if float(value).is_integer() else value,
        "source": source,
    }
    return Reminder.objects.create(
        episode=episode,
        text=text[:300],
        due_on=timezone.localdate(),
        assigned_to=episode.case_manager,
        safety_alert=True,
    )


def complete_reminder(reminder: Reminder, *, on=None) -> Reminder:
    reminder.done_on = on or timezone.localdate()
    reminder.save(update_fields=["done_on"])
    return reminder
