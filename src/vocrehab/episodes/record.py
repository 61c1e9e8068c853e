"""What other apps add to an episode's page and to the caseload.

casework builds the episode's record and the caseload; an app with something of its own
to add (measures: the questionnaires and the "questionnaire overdue" flag) answers the
core's ``episode_record_requested`` and ``caseload_flags_requested`` signals with these
shapes, so that casework never imports it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Expression, Q


@dataclass
class TimelineEntry:
    """One line of an episode's timeline, newest first; ``order`` breaks ties in a day."""

    date: datetime.date
    kind: str
    title: str
    detail: str = ""
    by: object = None
    obj: object = None
    order: int = 0
    extra: dict = field(default_factory=dict)


@dataclass
class RecordPart:
    """An app's part of an episode's page: template variables and timeline entries."""

    context: dict = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)


@dataclass(frozen=True)
class CaseloadFlag:
    """A caseload flag: ``condition(today)`` is true of an episode row that has it.

    The condition is a boolean expression over ``Episode`` rows (``OuterRef("pk")`` is
    the episode), so the caseload computes and filters it in the database.
    """

    name: str
    label: str
    condition: Callable[[datetime.date], Expression | Q]
