"""Casework's answers to the episode core's signals (connected in ``apps.py``)."""

from __future__ import annotations

from . import services
from .models import LetterKind
from .services.letters import write_letters


def safety_alert(sender, *, episode, instrument, item, value, completed_by, **kwargs):
    """An answer needs the case manager today (PHQ-9 item 9): a same-day task."""
    services.raise_safety_alert(
        episode, instrument=instrument, item=item, value=value, completed_by=completed_by
    )


def first_contact_letters(sender, *, episode, **kwargs):
    """The first contact was recorded: acknowledge it to the referrer and the GP."""
    write_letters(episode, LetterKind.FIRST_CONTACT)


def discharge_letters(sender, *, episode, **kwargs):
    """The episode was discharged: a discharge summary to the referrer and the GP."""
    write_letters(episode, LetterKind.DISCHARGE)
