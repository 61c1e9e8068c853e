"""The service's questionnaire work list and its schedule settings."""

import smtplib
from datetime import date
from unittest import mock

from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.measures import services
from vocrehab.measures.models import Channel, MeasureSchedule


def test_the_overview_lists_letters_failed_sends_and_waiting(
    signed_in, episode, make_episode, other_service
):
    client, _ = signed_in(Role.CASE_MANAGER)
    letter_admin, email_admin, *_ = services.schedule_entry_questionnaires(episode)
    services.issue_link(letter_admin, channel=Channel.LETTER)
    services.issue_link(email_admin, channel=Channel.EMAIL)
    with mock.patch("vocrehab.measures.delivery.send_mail", side_effect=smtplib.SMTPException):
        services.send_pending()
    theirs = make_episode(other_service)
    (their_admin, *_) = services.schedule_entry_questionnaires(theirs)
    services.issue_link(their_admin, channel=Channel.LETTER)
    html = client.get(reverse("measures:overview")).content.decode()
    assert f"Letter for episode {episode.reference}" in html
    assert "SMTPException (1 attempt)" in html
    assert theirs.reference not in html


def test_a_service_manager_sets_the_schedule(signed_in, service):
    client, _ = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("measures:schedule"),
        {
            "entry_instruments": ["hads", "eq5d5l"],
            "discharge_instruments": ["hads", "satisfaction"],
            "followup_instruments": ["followup_survey"],
            "followup_months": "12",
            "link_days": "21",
            "reminder_after_days": "7",
            "max_reminders": "2",
            "send_to_clients": "on",
        },
    )
    assert response.status_code == 302
    saved = MeasureSchedule.objects.get(service=service)
    assert saved.entry_instruments == ["hads", "eq5d5l"]
    assert saved.followup_months == 12
    # The reminders and the links' life are the service's own.
    assert (saved.link_days, saved.reminder_after_days, saved.max_reminders) == (21, 7, 2)


def test_the_schedule_refuses_an_instrument_at_the_wrong_timepoint(signed_in, service):
    client, _ = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("measures:schedule"),
        {
            "entry_instruments": ["satisfaction"],
            "followup_months": "6",
            "link_days": "14",
            "reminder_after_days": "5",
            "max_reminders": "1",
        },
    )
    assert response.status_code == 200
    assert "select a valid choice" in response.content.decode()
    assert not MeasureSchedule.objects.exists()


def test_followup_uses_the_saved_months(signed_in, episode, service):
    MeasureSchedule.objects.create(service=service, followup_months=12)
    episode.discharge_date = date(2026, 3, 1)
    followups = services.schedule_followup(episode)
    assert {a.instrument for a in followups} == {"followup_survey", "phq9", "gad7", "who5"}
    assert {a.due_date for a in followups} == {date(2027, 3, 1)}


def test_a_case_manager_may_not_change_the_schedule(signed_in):
    client, _ = signed_in(Role.CASE_MANAGER)
    assert client.get(reverse("measures:schedule")).status_code == 403


def test_the_overview_query_count_does_not_grow(
    signed_in, make_episode, service, django_assert_max_num_queries
):
    client, _ = signed_in(Role.CASE_MANAGER)
    for _ in range(6):
        (administration, *_) = services.schedule_entry_questionnaires(make_episode(service))
        services.issue_link(administration, channel=Channel.LETTER)
    client.get(reverse("measures:overview"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("measures:overview")).status_code == 200


def test_the_schedule_page_says_what_wording_clients_read_and_its_welsh(signed_in):
    client, _ = signed_in(Role.SERVICE_MANAGER)
    html = client.get(reverse("measures:schedule")).content.decode()
    assert "Patient Health Questionnaire (PHQ-9)" in html
    assert "Published wording included" in html
    assert "Awaiting the published Welsh translation: shown in English" in html
    assert "Licensed wording not loaded: entered by staff, not sent" in html
    assert "No permission required to reproduce" in html
    services.load_wording([{"instrument": "hads", "item": "a1", "text": "Synthetic"}])
    html = client.get(reverse("measures:schedule")).content.decode()
    assert "Licensed wording loaded" in html


def test_a_new_service_schedules_the_open_wellbeing_set_by_default(signed_in):
    client, _ = signed_in(Role.SERVICE_MANAGER)
    form = client.get(reverse("measures:schedule")).context["form"]
    assert form.initial["entry_instruments"][:3] == ["phq9", "gad7", "who5"]
    assert "hads" not in form.initial["entry_instruments"]
    assert set(form.initial["followup_instruments"]) >= {"phq9", "gad7", "who5"}
