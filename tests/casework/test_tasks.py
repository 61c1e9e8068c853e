"""My tasks: reminders, follow-ups, plan reviews, standards at risk and sign-offs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework import queries, services


@pytest.mark.django_db
def test_my_tasks_lists_what_is_due(case_manager, make_episode, service):
    web, user = case_manager
    today = timezone.localdate()
    remind = make_episode(service, worker=user, first_contact_date=today, assessment_date=today)
    reminder = services.add_reminder(remind, by=user, text="Ring the line manager", due_on=today)
    services.add_reminder(
        remind, by=user, text="Far off", due_on=today + datetime.timedelta(days=60)
    )
    at_risk = make_episode(service, worker=user, days_ago=40)
    followup = make_episode(service, worker=user, days_ago=400)
    services.discharge(
        followup, by=user, on=today - datetime.timedelta(days=200), work_status="at_work"
    )
    tasks = queries.tasks_for(user)
    assert [r.text for r in tasks["reminders"]] == ["Ring the line manager"]
    assert [e.pk for e in tasks["at_risk"]] == [at_risk.pk]
    assert [e.pk for e in tasks["followups"]] == [followup.pk]
    r = web.get(reverse("casework:tasks"))
    assert "Ring the line manager" in r.text and "Far off" not in r.text
    assert "first contact not yet made" in r.text

    r = web.post(reverse("casework:reminder_done", args=[reminder.pk]), {"next": "tasks"})
    assert r.status_code == 302 and r["Location"] == reverse("casework:tasks")
    reminder.refresh_from_db()
    assert reminder.done_on == today


@pytest.mark.django_db
def test_reminder_done_needs_post(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    reminder = services.add_reminder(episode, by=user, text="x", due_on=timezone.localdate())
    assert web.get(reverse("casework:reminder_done", args=[reminder.pk])).status_code == 405
