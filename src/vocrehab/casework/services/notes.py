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


def complete_reminder(reminder: Reminder, *, on=None) -> Reminder:
    reminder.done_on = on or timezone.localdate()
    reminder.save(update_fields=["done_on"])
    return reminder
