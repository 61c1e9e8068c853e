"""Casework's answers to the episode core's and the clients app's signals (connected in
``apps.py``)."""

from __future__ import annotations

from . import services
from .models import LetterKind
from .services.discharge import note_reopening
from .services.letters import (
    withhold_on_reopening,
    write_letters,
    write_withheld_again_for_client,
)


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


def reopened(sender, *, episode, reopening, **kwargs):
    """The episode was re-opened: the discharge it cleared is kept in a case note, and a
    discharge summary not yet sent is withheld (the episode is open again)."""
    note_reopening(episode, reopening)
    withhold_on_reopening(episode, on=reopening.on)


# What on a client's record decides whether a letter may go (services.letters).
LETTER_FIELDS = frozenset(
    {"consent_to_share_with_gp", "gp_practice", "gp_address", "gp_email", "processing_restricted"}
)


def withheld_letters_again(sender, *, client, fields=(), **kwargs):
    """The client's details changed: write the letters withheld that may go now."""
    if LETTER_FIELDS.intersection(fields):
        write_withheld_again_for_client(client)
