"""Measures' answer to a re-opening: every discharge and follow-up questionnaire not yet
completed is cancelled, saying why, every invitation left with nothing to answer is
withdrawn, saying why; completed ones, entry and ad hoc ones stay as they were."""

from datetime import date

import pytest
from django.utils import timezone

from vocrehab.dates import human_date
from vocrehab.measures import services
from vocrehab.measures.models import Administration, QuestionnaireLink

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
WHY = f"The episode was re-opened on {human_date(ON)}."


def _given(episode, instrument, timepoint, status):
    return Administration.objects.create(
        episode=episode, instrument=instrument, timepoint=timepoint, status=status
    )


def test_what_is_cancelled_and_what_stays(episode):
    outstanding = [
        _given(episode, "phq9", "discharge", "scheduled"),
        _given(episode, "gad7", "discharge", "invited"),
        _given(episode, "who5", "discharge", "in_progress"),
        _given(episode, "work_ability", "discharge", "expired"),
        _given(episode, "followup_survey", "followup", "scheduled"),
    ]
    staying = [
        _given(episode, "satisfaction", "discharge", "completed"),
        _given(episode, "phq9", "followup", "completed"),
        _given(episode, "phq9", "entry", "invited"),
        _given(episode, "hna", "ad_hoc", "scheduled"),
    ]
    cancelled_before = _given(episode, "gad7", "followup", "cancelled")
    assert services.cancel_on_reopening(episode, on=ON) == len(outstanding)
    for administration in outstanding:
        administration.refresh_from_db()
        assert (administration.status, administration.cancelled_reason) == ("cancelled", WHY)
        assert administration.status_detail == f"Cancelled: {WHY}"
    for administration in staying:
        status = administration.status
        administration.refresh_from_db()
        assert (administration.status, administration.cancelled_reason) == (status, "")
    cancelled_before.refresh_from_db()
    assert cancelled_before.cancelled_reason == ""  # cancelled by staff before, not now


def test_invitations_left_with_nothing_to_answer_are_withdrawn(episode):
    discharge = [
        _given(episode, "phq9", "discharge", "invited"),
        _given(episode, "gad7", "discharge", "completed"),
    ]
    entry = _given(episode, "phq9", "entry", "invited")
    used = services.issue_invitation(episode, "discharge", channel="email")
    QuestionnaireLink.objects.filter(pk=used.pk).update(used_at=timezone.now())
    to_discharge = services.issue_invitation(episode, "discharge", channel="email")
    to_discharge.administrations.set(discharge)
    to_entry = services.issue_invitation(episode, "entry", channel="email")
    services.cancel_on_reopening(episode, on=ON)
    to_discharge.refresh_from_db()
    assert to_discharge.revoked_at is not None and to_discharge.withdrawn_reason == WHY
    to_entry.refresh_from_db()
    assert to_entry.revoked_at is None and to_entry.is_usable
    used.refresh_from_db()
    assert used.revoked_at is None
    entry.refresh_from_db()
    assert entry.status == "invited"
