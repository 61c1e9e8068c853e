"""Discharge, the six-month follow-up, the discharge signal, re-open and re-refer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework import services
from vocrehab.casework.models import CaseNote
from vocrehab.dates import add_months
from vocrehab.episodes.models import Episode
from vocrehab.episodes.signals import episode_discharged
from vocrehab.measures.models import Administration, MeasureSchedule


def test_six_months_on_keeps_the_day_or_the_months_end():
    assert add_months(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


@pytest.mark.django_db
def test_discharge_announces_itself_with_the_follow_up_date_set(
    case_manager, make_episode, service
):
    web, user = case_manager
    heard = []

    def listener(sender, *, episode, **kwargs):
        heard.append((episode.pk, episode.discharge_date, episode.followup_date))

    episode = make_episode(service, worker=user)
    episode_discharged.connect(listener)
    try:
        services.discharge(episode, by=user, on=timezone.localdate(), work_status="at_work")
    finally:
        episode_discharged.disconnect(listener)
    today = timezone.localdate()
    assert heard == [(episode.pk, today, add_months(today, 6))]


@pytest.mark.django_db
def test_discharge_schedules_the_real_questionnaires(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    services.discharge(episode, by=user, on=timezone.localdate(), work_status="at_work")
    scheduled = Administration.objects.filter(episode=episode, status="scheduled")
    assert set(scheduled.values_list("timepoint", flat=True)) >= {"discharge", "followup"}
    episode.refresh_from_db()
    followups = scheduled.filter(timepoint="followup")
    assert {a.due_date for a in followups} == {episode.followup_date}


@pytest.mark.django_db
def test_the_follow_up_interval_is_the_services_questionnaire_schedule(
    case_manager, make_episode, service
):
    web, user = case_manager
    MeasureSchedule.objects.create(service=service, followup_months=3)
    episode = make_episode(service, worker=user)
    services.discharge(episode, by=user, on=timezone.localdate(), work_status="at_work")
    episode.refresh_from_db()
    assert episode.followup_date == add_months(timezone.localdate(), 3)


@pytest.mark.django_db
def test_no_follow_up_for_a_client_who_died(make_episode, service, make_staff):
    episode = make_episode(service)
    services.discharge(episode, by=None, on=timezone.localdate(), work_status="deceased")
    episode.refresh_from_db()
    assert episode.followup_date is None


@pytest.mark.django_db
def test_discharge_refuses_bad_input(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=10)
    url = reverse("casework:discharge", args=[episode.pk])
    before = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    r = web.post(
        url,
        {
            "version": episode.version,
            "discharge_date": before,
            "work_status": "at_work",
            "reason": "x",
        },
    )
    assert r.status_code == 200 and "before the referral" in r.text
    r = web.post(
        url,
        {
            "version": episode.version,
            "discharge_date": timezone.localdate(),
            "work_status": "not_a_status",
            "reason": "x",
        },
    )
    assert r.status_code == 200 and "Work status at discharge: select a valid choice" in r.text
    r = web.post(
        url,
        {
            "version": episode.version + 5,
            "discharge_date": timezone.localdate(),
            "work_status": "at_work",
            "reason": "x",
        },
    )
    assert r.status_code == 200 and "Someone else changed this episode" in r.text
    episode.refresh_from_db()
    assert episode.discharge_date is None


@pytest.mark.django_db
def test_reopen_keeps_the_discharge_in_a_note(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    services.discharge(
        episode, by=user, on=timezone.localdate(), work_status="at_work", reason="Back at work"
    )
    r = web.post(reverse("casework:reopen", args=[episode.pk]), {"reason": "Discharged in error"})
    assert r.status_code == 302
    episode.refresh_from_db()
    assert episode.discharge_date is None and episode.followup_date is None
    note = CaseNote.objects.get(episode=episode)
    assert "Discharged in error" in note.text and "Back at work" in note.text


@pytest.mark.django_db
def test_re_refer_opens_a_linked_episode(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=100)
    services.discharge(
        episode,
        by=user,
        on=timezone.localdate() - datetime.timedelta(days=50),
        work_status="off_sick",
        reason="Moved on",
    )
    r = web.post(
        reverse("casework:re_refer", args=[episode.pk]),
        {"referral_date": timezone.localdate().isoformat()},
    )
    assert r.status_code == 302
    new = Episode.objects.get(previous_episode=episode)
    assert new.reference == f"{episode.reference}-R1"
    assert new.client == episode.client and new.is_open and new.tier == ""
    assert new.work_status_at_referral == "off_sick"
    assert r["Location"] == reverse("casework:episode", args=[new.pk])


@pytest.mark.django_db
def test_open_episode_cannot_be_re_referred(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("casework:re_refer", args=[episode.pk]),
        {"referral_date": timezone.localdate().isoformat()},
    )
    assert r.status_code == 200 and "Discharge this episode before" in r.text


@pytest.mark.django_db
def test_discharge_work_status_starts_unanswered_and_must_be_chosen(
    case_manager, make_episode, service
):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=10)
    url = reverse("casework:discharge", args=[episode.pk])
    page = web.get(url).text
    select = page[
        page.index('name="work_status"') : page.index("</select>", page.index('name="work_status"'))
    ]
    assert '<option value="" selected>Choose…</option>' in select
    assert select.count("selected") == 1
    r = web.post(
        url,
        {"version": episode.version, "discharge_date": timezone.localdate(), "reason": "Goals met"},
    )
    assert r.status_code == 200
    assert "Choose work status at discharge" in r.text
    episode.refresh_from_db()
    assert episode.discharge_date is None and episode.work_status_at_discharge == ""
