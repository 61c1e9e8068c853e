"""The initial assessment and its key issues (the HNA is a questionnaire: measures)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from vocrehab.episodes import facts
from vocrehab.episodes.models import Episode
from vocrehab.episodes.services import record_assessment_date
from vocrehab.versioning import save_versioned

from ..models import (
    Assessment,
    KeyIssue,
)

ASSESSMENT_FIELDS = [
    name for _label, names in Assessment.AREAS for name in names if name != "sick_pay_end_date"
] + ["sick_pay_end_date"]


def _key_issue_lines(key_issues: Iterable[str]) -> list[str]:
    return [line.strip() for line in key_issues if line and line.strip()]


@transaction.atomic
def record_assessment(
    episode: Episode,
    *,
    by,
    assessed_on: datetime.date,
    data: Mapping,
    key_issues: Iterable[str] = (),
) -> Assessment:
    """Record an assessment with its key issues in priority order.

    An assessment is a contact, so it falls within the episode (``episodes.facts``: from
    the referral to the discharge, not in the future). The episode's assessment date (and
    an empty first-contact date) follow (``episodes.services.record_assessment_date``,
    which also has the first one announced).
    """
    facts.require(facts.check_contact_date(episode, assessed_on, what=_("the assessment")))
    fields = {k: v for k, v in data.items() if k in ASSESSMENT_FIELDS}
    assessment = Assessment.objects.create(
        episode=episode, assessed_on=assessed_on, assessed_by=by, **fields
    )
    KeyIssue.objects.bulk_create(
        KeyIssue(assessment=assessment, position=i, text=text[:500])
        for i, text in enumerate(_key_issue_lines(key_issues), start=1)
    )
    record_assessment_date(episode, on=assessed_on)
    return assessment


@transaction.atomic
def update_assessment(
    assessment: Assessment,
    *,
    expected_version: int,
    data: Mapping,
    key_issues: Iterable[str] | None = None,
) -> Assessment:
    """Change an assessment unless someone saved it since ``expected_version``.

    A new date keeps the rules of a new assessment: within the episode, and an earlier one
    becomes the episode's assessment date (see :func:`record_assessment`). Raises
    StaleEditError with the current assessment when the form was stale.
    """
    moved_to = data.get("assessed_on")
    # The stored date: a model form has already put the new one on ``assessment``.
    stored = Assessment.objects.filter(pk=assessment.pk).values_list("assessed_on", flat=True)
    if moved_to is None or moved_to == stored.first():
        moved_to = None
    else:
        facts.require(
            facts.check_contact_date(assessment.episode, moved_to, what=_("the assessment"))
        )
    fields = [k for k in data if k in ASSESSMENT_FIELDS or k == "assessed_on"]
    for name in fields:
        setattr(assessment, name, data[name])
    save_versioned(assessment, expected_version, fields)
    if key_issues is not None:
        assessment.key_issues.all().delete()
        KeyIssue.objects.bulk_create(
            KeyIssue(assessment=assessment, position=i, text=text[:500])
            for i, text in enumerate(_key_issue_lines(key_issues), start=1)
        )
    if moved_to is not None:
        record_assessment_date(assessment.episode, on=moved_to)
    return assessment
