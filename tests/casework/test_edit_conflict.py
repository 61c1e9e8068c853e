"""Optimistic concurrency: a stale form is refused and the other person's change shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework import services
from vocrehab.casework.models import Assessment, ReturnPlan
from vocrehab.versioning import StaleEditError, save_versioned

from .helpers import plan_post


def _facts(episode, **changes):
    data = {
        "version": episode.version,
        "job_title": episode.job_title,
        "employer_name": episode.employer_name,
        "occupation": episode.occupation,
        "work_status_at_referral": episode.work_status_at_referral,
        "weeks_absent_at_referral": "",
        "main_reason": episode.main_reason,
        "condition_detail": episode.condition_detail,
        "engagement": episode.engagement,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_stale_key_facts_are_refused_and_the_other_change_shown(
    case_manager, make_staff, make_episode, service, client
):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    opened = _facts(episode)  # both open the form at version 1

    # A colleague saves first.
    colleague = make_staff(Role.CASE_MANAGER, service)
    episode.job_title = "Shift manager"
    save_versioned(episode, opened["version"], ["job_title"])

    r = web.post(
        reverse("casework:episode_edit", args=[episode.pk]), {**opened, "job_title": "Driver"}
    )
    assert r.status_code == 200
    assert "Someone else changed this episode" in r.text
    assert "Shift manager" in r.text  # their change is shown
    episode.refresh_from_db()
    assert episode.job_title == "Shift manager"  # not overwritten
    assert episode.version == 2
    assert colleague  # the colleague exists in the same service

    # Resubmitting from the refreshed form (current version) succeeds.
    r = web.post(
        reverse("casework:episode_edit", args=[episode.pk]),
        _facts(episode, job_title="Driver"),
    )
    assert r.status_code == 302
    episode.refresh_from_db()
    assert (episode.job_title, episode.version) == ("Driver", 3)


@pytest.mark.django_db
def test_stale_assessment_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    assessment = services.record_assessment(
        episode,
        by=user,
        assessed_on=timezone.localdate(),
        data={"fatigue": "Mild"},
        key_issues=["Fatigue"],
    )
    services.update_assessment(assessment, expected_version=1, data={"fatigue": "Severe"})
    r = web.post(
        reverse("casework:assessment_edit", args=[assessment.pk]),
        {"version": 1, "assessed_on": timezone.localdate().isoformat(), "fatigue": "None"},
    )
    assert r.status_code == 200
    assert "Someone else changed this assessment" in r.text
    assert "Severe" in r.text
    assert Assessment.objects.get(pk=assessment.pk).fatigue == "Severe"


@pytest.mark.django_db
def test_stale_plan_version_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    start = timezone.localdate() + datetime.timedelta(days=7)
    first = services.save_return_plan(
        episode, by=user, start_date=start, phases=[{"week": 1, "hours": 10, "days": "Mon"}]
    )
    # Someone else saves version 2 while our form (based on version 1) is open.
    services.save_return_plan(
        episode,
        by=user,
        start_date=start,
        phases=[{"week": 1, "hours": 15, "days": "Mon"}],
        based_on=first,
    )
    r = web.post(
        reverse("casework:plan_edit", args=[episode.pk]),
        plan_post(start, [(1, 20, "Tue", "")], based_on=str(first.pk)),
    )
    assert r.status_code == 200
    assert "newer version" in r.text
    plans = ReturnPlan.objects.filter(episode=episode).order_by("number")
    assert [(p.number, p.is_current, p.phases.get().hours) for p in plans] == [
        (1, False, 10),
        (2, True, 15),
    ]


@pytest.mark.django_db
def test_save_versioned_raises_with_the_current_record(make_episode, service):
    episode = make_episode(service)
    stale = type(episode).objects.get(pk=episode.pk)
    episode.job_title = "First"
    save_versioned(episode, 1, ["job_title"])
    stale.job_title = "Second"
    with pytest.raises(StaleEditError) as caught:
        save_versioned(stale, 1, ["job_title"])
    assert caught.value.current.job_title == "First"
