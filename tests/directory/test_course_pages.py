"""Courses through HTTP: assess, enrol, register attendance, withdraw and promote."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.directory.models import Enrolment, PreCourseAssessment, Programme
from vocrehab.directory.services import (
    create_cohort,
    enrol,
    record_pre_course_assessment,
)

SOON = datetime.date.today() + datetime.timedelta(days=14)


@pytest.fixture
def cohort(service):
    programme = Programme.objects.create(
        service=service, title="Stress at work", topic="stress_anxiety", sessions=4,
        delivery="group", completion_sessions=3,
    )  # fmt: skip
    return create_cohort(programme=programme, start_date=SOON, capacity=1, venue="Room 2")


@pytest.mark.django_db
def test_a_manager_adds_a_course_and_a_cohort(signed_in):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("directory:programme_create"),
        {"title": "Pain", "topic": "pain", "sessions": 8, "delivery": "group",
         "completion_sessions": 6, "active": "on"},
    )  # fmt: skip
    programme = Programme.objects.get()
    assert response["Location"] == reverse("directory:programme", args=[programme.pk])
    response = client.post(
        reverse("directory:cohort_create", args=[programme.pk]),
        {"start_date_day": "2", "start_date_month": "6", "start_date_year": "2026", "capacity": 10,
         "online_link": "https://example.org/room"},
    )  # fmt: skip
    cohort = programme.cohorts.get()
    assert cohort.course_sessions.count() == 8


@pytest.mark.django_db
def test_course_rules_are_checked_on_the_form(signed_in):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.post(
        reverse("directory:programme_create"),
        {"title": "Long", "topic": "pain", "sessions": 20, "delivery": "group",
         "completion_sessions": 21},
    ).content.decode()  # fmt: skip
    assert "less than or equal to 16" in page
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_assess_then_enrol_from_the_episode(signed_in, cohort, service, make_episode):
    episode = make_episode(service)
    client, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("directory:pre_course", args=[episode.pk])
    today = datetime.date.today()
    client.post(
        url,
        {"action": "assess", "date_day": today.day, "date_month": today.month,
         "date_year": today.year, "needs": ["stress_anxiety"]},
    )  # fmt: skip
    assessment = PreCourseAssessment.objects.get()
    page = client.get(url).content.decode()
    assert "Stress at work" in page
    client.post(url, {"action": "enrol", "assessment": assessment.pk, "cohort": cohort.pk})
    assert Enrolment.objects.get().status == "enrolled"


@pytest.mark.django_db
def test_attendance_and_withdrawal_promote_the_waiting_list(
    signed_in, cohort, service, make_episode
):
    first, second = (
        enrol(
            assessment=record_pre_course_assessment(
                episode=make_episode(service), needs=["stress_anxiety"]
            ),
            cohort=cohort,
        )
        for _ in range(2)
    )
    assert second.status == "waiting"
    client, _user = signed_in(Role.SUPPORT_WORKER)
    session = cohort.course_sessions.first()
    client.post(reverse("directory:attendance", args=[session.pk]), {"present": [first.pk]})
    assert first.attendance.get().attended is True
    register = client.get(reverse("directory:cohort", args=[cohort.pk]))
    assert first.episode.client.last_name in register.content.decode()
    assert register["Cache-Control"].startswith("no-store")
    client.post(reverse("directory:withdraw", args=[first.pk]))
    second.refresh_from_db()
    assert second.status == "enrolled"


@pytest.mark.django_db
def test_commissioners_see_counts_not_people(signed_in, cohort, service, make_episode):
    enrol(
        assessment=record_pre_course_assessment(
            episode=make_episode(service), needs=["stress_anxiety"]
        ),
        cohort=cohort,
    )
    client, _user = signed_in(Role.COMMISSIONER)
    page = client.get(reverse("directory:programme", args=[cohort.programme_id])).content.decode()
    assert ">*<" in page  # one enrolled: suppressed
    assert reverse("directory:cohort", args=[cohort.pk]) not in page
    assert client.get(reverse("directory:cohort", args=[cohort.pk])).status_code == 403


@pytest.mark.django_db
def test_another_services_cohort_is_not_found(signed_in, cohort, other_service):
    client, _user = signed_in(Role.CASE_MANAGER, other_service)
    assert client.get(reverse("directory:cohort", args=[cohort.pk])).status_code == 404
    session = cohort.course_sessions.first()
    assert client.post(reverse("directory:attendance", args=[session.pk])).status_code == 404


@pytest.mark.django_db
def test_tampered_ids_are_refused_cleanly(signed_in, cohort, service, make_episode):
    episode = make_episode(service)
    assessment = record_pre_course_assessment(episode=episode, needs=["stress_anxiety"])
    client, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("directory:pre_course", args=[episode.pk])
    assert client.post(url, {"action": "enrol", "assessment": "x"}).status_code == 404
    response = client.post(url, {"action": "enrol", "assessment": assessment.pk, "cohort": "x"})
    assert "Choose one of the courses" in response.content.decode()
    session = cohort.course_sessions.first()
    response = client.post(
        reverse("directory:attendance", args=[session.pk]), {"present": ["x"]}, follow=True
    )
    assert "Only people enrolled" in response.content.decode()
    assert not Enrolment.objects.exists()
