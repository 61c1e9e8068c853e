"""Each casework page that records a date keeps the episode's rules (episodes/facts.py),
says which rule with the dates, and writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.casework.models import Assessment, Contact, ReturnPlan
from vocrehab.dates import human_date

from .helpers import plan_post

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def test_a_contact_after_the_discharge_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(
        service, worker=user, discharge_date=days_ago(2), work_status_at_discharge="at_work"
    )
    r = web.post(
        reverse("casework:contact_add", args=[episode.pk]),
        {"contact_date": TODAY.isoformat(), "mode": "phone", "contact_with": "client"},
    )
    assert r.status_code == 200
    assert (
        f"The contact ({human_date(TODAY)}) cannot be after the discharge "
        f"({human_date(days_ago(2))})" in r.text
    )
    assert not Contact.objects.exists()


def test_the_quick_contact_keeps_the_same_rule(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=5)
    prefix = f"qc{episode.pk}"
    r = web.post(
        reverse("casework:quick_contact", args=[episode.pk]),
        {
            f"{prefix}-contact_date": days_ago(6).isoformat(),
            f"{prefix}-mode": "phone",
            f"{prefix}-contact_with": "client",
        },
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert "cannot be before the referral" in r.text
    assert not Contact.objects.exists()


def test_an_assessment_before_the_first_contact_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, first_contact_date=days_ago(3))
    r = web.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": days_ago(4).isoformat(), "key_issues": "Fatigue"},
    )
    assert r.status_code == 200
    assert (
        f"The initial assessment ({human_date(days_ago(4))}) cannot be before the first contact "
        f"({human_date(days_ago(3))})." in r.text
    )
    assert not Assessment.objects.exists()


def test_a_discharge_before_the_last_contact_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    Contact.objects.create(episode=episode, contact_date=days_ago(1), mode="phone")
    r = web.post(
        reverse("casework:discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharge_date": days_ago(2).isoformat(),
            "work_status": "at_work",
            "reason": "Back at work",
        },
    )
    assert r.status_code == 200
    assert "cannot be before the last contact" in r.text
    episode.refresh_from_db()
    assert episode.discharge_date is None


def test_never_assessed_is_not_said_of_an_assessed_client(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, assessment_date=days_ago(10))
    r = web.post(
        reverse("casework:discharge", args=[episode.pk]),
        {
            "version": episode.version,
            "discharge_date": TODAY.isoformat(),
            "work_status": "unemployed",
            "engagement": "did_not_engage",
            "reason": "Stopped coming",
        },
    )
    assert r.status_code == 200
    assert "Did not engage means never assessed" in r.text
    episode.refresh_from_db()
    assert episode.discharge_date is None


def test_a_return_to_work_plan_cannot_start_before_the_referral(
    case_manager, make_episode, service
):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=10)
    r = web.post(
        reverse("casework:plan_edit", args=[episode.pk]),
        plan_post(days_ago(11), [(1, 8, "Mon Wed", "Light duties")]),
    )
    assert r.status_code == 200
    assert (
        f"The plan&#x27;s start date ({human_date(days_ago(11))}) cannot be before the referral"
        in r.text
    )
    assert not ReturnPlan.objects.exists()


def test_an_assessment_after_the_discharge_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(
        service,
        worker=user,
        days_ago=30,
        assessment_date=days_ago(20),
        discharge_date=days_ago(2),
        work_status_at_discharge="at_work",
    )
    r = web.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": TODAY.isoformat(), "key_issues": "Fatigue"},
    )
    assert r.status_code == 200
    assert (
        f"The assessment ({human_date(TODAY)}) cannot be after the discharge "
        f"({human_date(days_ago(2))})" in r.text
    )
    assert not Assessment.objects.exists()


def _edit(web, assessment, day):
    return web.post(
        reverse("casework:assessment_edit", args=[assessment.pk]),
        {"version": assessment.version, "assessed_on": day.isoformat(), "key_issues": "Fatigue"},
    )


def test_changing_an_assessments_date_keeps_the_same_rules(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user, days_ago=10, first_contact_date=days_ago(9))
    r = web.post(
        reverse("casework:assessment_add", args=[episode.pk]),
        {"assessed_on": days_ago(5).isoformat(), "key_issues": "Fatigue"},
    )
    assert r.status_code == 302
    assessment = Assessment.objects.get()
    for day, said in (
        (days_ago(11), f"cannot be before the referral ({human_date(days_ago(10))})"),
        (TODAY + datetime.timedelta(days=1), "cannot be in the future"),
        (days_ago(10), f"cannot be before the first contact ({human_date(days_ago(9))})"),
    ):
        r = _edit(web, assessment, day)
        assert r.status_code == 200
        assert f"({human_date(day)}) {said}" in r.text
        assessment.refresh_from_db()
        assert assessment.assessed_on == days_ago(5)
    # An earlier date, in order, becomes the episode's assessment date.
    r = _edit(web, assessment, days_ago(8))
    assert r.status_code == 302
    episode.refresh_from_db()
    assert (episode.assessment_date, episode.first_contact_date) == (days_ago(8), days_ago(9))
