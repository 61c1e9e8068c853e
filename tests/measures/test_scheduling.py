"""Scheduling: entry at assessment, discharge at discharge, follow-up at discharge + N
months, invitations sent when due (with time travel), reminders and expiry."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from vocrehab.dates import add_months
from vocrehab.measures import services
from vocrehab.measures.models import (
    Administration,
    AdministrationStatus,
    DeliveryStatus,
    MeasureSchedule,
    QuestionnaireLink,
)

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_entry_questionnaires_are_due_at_assessment(episode):
    created = services.schedule_entry_questionnaires(episode)
    # The default set: every questionnaire in it can be sent as it ships (no EQ-5D or
    # HADS until a service has their licensed wording).
    assert {a.instrument for a in created} == {
        "phq9",
        "gad7",
        "who5",
        "work_confidence",
        "work_ability",
        "health_use",
    }
    assert {a.due_date for a in created} == {date(2026, 1, 12)}
    assert {a.status for a in created} == {AdministrationStatus.SCHEDULED}


def test_scheduling_twice_creates_nothing_new(episode):
    services.schedule_entry_questionnaires(episode)
    assert services.schedule_entry_questionnaires(episode) == []
    assert Administration.objects.filter(episode=episode).count() == 6


def test_discharge_adds_the_satisfaction_survey(episode):
    episode.discharge_date = date(2026, 4, 30)
    created = services.schedule_discharge_questionnaires(episode)
    assert "satisfaction" in {a.instrument for a in created}
    assert {a.due_date for a in created} == {date(2026, 4, 30)}


def test_followup_is_six_months_after_discharge_by_default(episode):
    episode.discharge_date = date(2026, 8, 31)
    followups = services.schedule_followup(episode)
    assert {a.instrument for a in followups} == {"followup_survey", "phq9", "gad7", "who5"}
    assert {a.timepoint for a in followups} == {"followup"}
    assert {a.due_date for a in followups} == {date(2027, 2, 28)}  # no 31 February


def test_followup_months_are_a_service_setting(episode, service):
    MeasureSchedule.objects.create(
        service=service, followup_months=3, followup_instruments=["followup_survey", "eq5d5l"]
    )
    episode.discharge_date = date(2026, 5, 15)
    created = services.schedule_followup(episode)
    assert {a.instrument for a in created} == {"followup_survey", "eq5d5l"}
    assert {a.due_date for a in created} == {date(2026, 8, 15)}


def test_no_followup_before_discharge(episode):
    assert services.schedule_followup(episode) == []


def test_instruments_not_given_at_a_timepoint_are_skipped(episode, service):
    MeasureSchedule.objects.create(
        service=service, entry_instruments=["satisfaction", "hads", "nonsense"]
    )
    created = services.schedule_entry_questionnaires(episode)
    assert [a.instrument for a in created] == ["hads"]


def test_the_sweep_invites_only_what_is_due(episode):
    episode.discharge_date = date(2026, 3, 2)
    followup = next(
        a for a in services.schedule_followup(episode) if a.instrument == "followup_survey"
    )
    with time_machine.travel(at(date(2026, 9, 1))):
        assert services.send_due_invitations()["invited"] == 0
    assert len(mail.outbox) == 0
    with time_machine.travel(at(date(2026, 9, 2))):
        counts = services.send_due_invitations()
    # Four questionnaires at follow-up: one invitation, one message.
    assert counts["invited"] == 1 and counts["sent"] == 1
    followup.refresh_from_db()
    assert followup.status == AdministrationStatus.INVITED
    (message,) = mail.outbox
    assert message.to == [episode.client.email]
    assert "/measures/q/" in message.body
    link = QuestionnaireLink.objects.get(administrations=followup)
    assert link.delivery_status == DeliveryStatus.SENT


def test_one_message_with_one_link_carries_every_questionnaire_due_together(episode):
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 12))):
        services.send_due_invitations()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count("/measures/q/") == 1
    assert "(PHQ-9)" in body and "(GAD-7)" in body
    (link,) = QuestionnaireLink.objects.filter(episode=episode)
    assert link.administrations.count() == 6


def test_a_client_without_email_or_notify_gets_a_letter_to_print(make_episode, service):
    episode = make_episode(service, contact_by_email=False, assessment_date=date(2026, 1, 12))
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 13))):
        services.send_due_invitations()
    assert len(mail.outbox) == 0
    statuses = set(
        QuestionnaireLink.objects.filter(episode=episode).values_list("delivery_status", flat=True)
    )
    assert statuses == {DeliveryStatus.TO_PRINT}


def test_a_reminder_goes_after_five_days_once(episode):
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 12))):
        services.send_due_invitations()
    with time_machine.travel(at(date(2026, 1, 16))):
        assert services.send_due_invitations()["reminded"] == 0
    with time_machine.travel(at(date(2026, 1, 17), 10)):
        assert services.send_due_invitations()["reminded"] == 1
    assert len(mail.outbox) == 2
    assert "Reminder" in mail.outbox[1].subject
    with time_machine.travel(at(date(2026, 1, 25))):
        assert services.send_due_invitations()["reminded"] == 0
    assert len(mail.outbox) == 2


def test_unanswered_questionnaires_expire_with_their_links(episode):
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 12))):
        services.send_due_invitations()
    with time_machine.travel(at(date(2026, 1, 26), 8)):
        assert services.send_due_invitations()["expired"] == 0
    with time_machine.travel(at(date(2026, 1, 26), 10)):
        assert services.send_due_invitations()["expired"] == 6
    assert set(Administration.objects.filter(episode=episode).values_list("status", flat=True)) == {
        AdministrationStatus.EXPIRED
    }


def test_a_service_can_turn_off_sending(episode, service):
    MeasureSchedule.objects.create(service=service, send_to_clients=False)
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 20))):
        assert services.send_due_invitations()["invited"] == 0


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 7, 15), 6, date(2027, 1, 15)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_sweep_task_runs_the_sweep(episode, django_capture_on_commit_callbacks):
    from vocrehab.measures.tasks import send_due_invitations_task

    services.schedule_entry_questionnaires(episode, due=date(2026, 1, 1))
    with (
        time_machine.travel(at(date(2026, 1, 12))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = send_due_invitations_task.enqueue()
    assert result.status == "SUCCEEDED"
    assert result.return_value["invited"] == 1


def test_later_dates_use_a_fresh_expiry(episode):
    services.schedule_entry_questionnaires(episode)
    with time_machine.travel(at(date(2026, 1, 12))):
        services.send_due_invitations()
    link = QuestionnaireLink.objects.filter(episode=episode).first()
    assert link.expires_at.date() == date(2026, 1, 26)
    assert link.expires_at - at(date(2026, 1, 12)) == timedelta(days=14)


def test_nothing_is_scheduled_or_sent_for_a_client_who_died(episode, make_episode, service):
    episode.discharge_date = date(2026, 3, 2)
    episode.work_status_at_discharge = "deceased"
    assert services.schedule_discharge_questionnaires(episode) == []
    assert services.schedule_followup(episode) == []
    # Scheduled at entry, then the client died: the sweep cancels instead of sending.
    other = make_episode(service, assessment_date=date(2026, 1, 12))
    services.schedule_entry_questionnaires(other)
    other.discharge_date = date(2026, 1, 13)
    other.work_status_at_discharge = "deceased"
    other.save()
    with time_machine.travel(at(date(2026, 1, 14))):
        assert services.send_due_invitations()["invited"] == 0
    assert len(mail.outbox) == 0
    assert set(Administration.objects.filter(episode=other).values_list("status", flat=True)) == {
        AdministrationStatus.CANCELLED
    }


def test_followup_is_due_on_the_episodes_followup_date_when_set(episode):
    episode.discharge_date = date(2026, 3, 2)
    episode.followup_date = date(2026, 9, 10)
    followups = services.schedule_followup(episode)
    assert {a.due_date for a in followups} == {date(2026, 9, 10)}
