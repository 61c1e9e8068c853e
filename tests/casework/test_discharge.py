"""Discharge, the six-month follow-up, the measures hook, re-open and re-refer."""

import datetime
import sys
import types

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework import services
from vocrehab.casework.models import CaseNote
from vocrehab.episodes.models import Episode


def test_six_months_on_keeps_the_day_or_the_months_end():
    assert services.add_months(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)
    assert services.add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


@pytest.mark.django_db
def test_discharge_calls_the_measures_hooks(case_manager, make_episode, service, monkeypatch):
    web, user = case_manager
    called = []
    fake = types.ModuleType("vocrehab.measures.services")
    fake.schedule_discharge_questionnaires = lambda ep: called.append(("discharge", ep.pk))
    fake.schedule_followup = lambda ep: called.append(("followup", ep.pk))
    monkeypatch.setitem(sys.modules, "vocrehab.measures.services", fake)
    monkeypatch.setattr(services.importlib.util, "find_spec", lambda name: object())
    episode = make_episode(service, worker=user)
    services.discharge(episode, by=user, on=timezone.localdate(), work_status="at_work")
    assert called == [("discharge", episode.pk), ("followup", episode.pk)]


@pytest.mark.django_db
def test_discharge_schedules_the_real_questionnaires(case_manager, make_episode, service):
    from vocrehab.measures.models import Administration

    web, user = case_manager
    episode = make_episode(service, worker=user)
    services.discharge(episode, by=user, on=timezone.localdate(), work_status="at_work")
    scheduled = Administration.objects.filter(episode=episode, status="scheduled")
    if services._measures_module() is None or not scheduled.exists():
        pytest.skip("the measures app schedules nothing here")
    assert set(scheduled.values_list("timepoint", flat=True)) >= {"discharge", "followup"}
    episode.refresh_from_db()
    followups = scheduled.filter(timepoint="followup")
    assert {a.due_date for a in followups} == {episode.followup_date}


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
    assert r.status_code == 200 and "Select a valid choice" in r.text
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
