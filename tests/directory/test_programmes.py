"""Courses: enrolment after a pre-course assessment, waiting lists, attendance, completion."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from vocrehab.directory.models import Enrolment, EnrolmentStatus, Programme
from vocrehab.directory.queries import (
    cohort_counts,
    cohort_register,
    completed_enrolments,
    matching_cohorts,
    waiting_list,
)
from vocrehab.directory.services import (
    create_cohort,
    enrol,
    record_attendance,
    record_pre_course_assessment,
    withdraw,
)

TODAY = datetime.date(2025, 3, 3)


@pytest.fixture
def programme(service):
    return Programme.objects.create(
        service=service,
        title="Managing fatigue at work",
        topic="fatigue",
        sessions=6,
        delivery="group",
        completion_sessions=4,
    )


@pytest.fixture
def cohort(programme):
    return create_cohort(
        programme=programme, start_date=datetime.date(2025, 3, 10), capacity=2, venue="Room 1"
    )


def assessed(make_episode, service, needs=("fatigue",), condition="cancer"):
    episode = make_episode(service, condition=condition)
    return record_pre_course_assessment(episode=episode, needs=list(needs), on=TODAY)


@pytest.mark.django_db
def test_a_cohort_gets_one_weekly_session_per_programme_session(cohort):
    dates = [s.date for s in cohort.course_sessions.all()]
    assert len(dates) == 6
    assert dates[0] == datetime.date(2025, 3, 10)
    assert dates[-1] == datetime.date(2025, 4, 14)


@pytest.mark.django_db
def test_programmes_have_4_to_16_sessions(service):
    with pytest.raises(IntegrityError):
        Programme.objects.create(
            service=service, title="Too long", topic="pain", sessions=17, delivery="group",
            completion_sessions=10,
        )  # fmt: skip


@pytest.mark.django_db
def test_matching_offers_courses_for_the_assessed_needs_and_condition(
    cohort, programme, make_episode, service
):
    ms_only = Programme.objects.create(
        service=service, title="MS fatigue", topic="fatigue", sessions=4, delivery="group",
        completion_sessions=3, conditions=["ms"],
    )  # fmt: skip
    ms_cohort = create_cohort(
        programme=ms_only, start_date=datetime.date(2025, 4, 1), capacity=8, online_link="https://example.org/join"
    )  # fmt: skip
    pain = assessed(make_episode, service, needs=["pain"])
    assert matching_cohorts(pain, today=TODAY) == []
    cancer = assessed(make_episode, service)
    assert matching_cohorts(cancer, today=TODAY) == [cohort]
    ms = assessed(make_episode, service, condition="ms")
    assert matching_cohorts(ms, today=TODAY) == [cohort, ms_cohort]
    assert matching_cohorts(cancer, today=datetime.date(2025, 3, 11)) == []


@pytest.mark.django_db
def test_enrolment_needs_an_assessment_and_a_course_of_the_same_service(
    cohort, make_episode, other_service
):
    with pytest.raises(ValidationError):
        record_pre_course_assessment(episode=make_episode(other_service), needs=[])
    stranger = assessed(make_episode, other_service)
    with pytest.raises(ValidationError):
        enrol(assessment=stranger, cohort=cohort)


@pytest.mark.django_db
def test_a_full_cohort_puts_people_on_the_waiting_list_and_promotes_on_withdrawal(
    cohort, make_episode, service
):
    a, b, c, d = (assessed(make_episode, service) for _ in range(4))
    ea = enrol(assessment=a, cohort=cohort)
    eb = enrol(assessment=b, cohort=cohort)
    ec = enrol(assessment=c, cohort=cohort)
    ed = enrol(assessment=d, cohort=cohort)
    assert [ea.status, eb.status, ec.status, ed.status] == [
        "enrolled", "enrolled", "waiting", "waiting",
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        enrol(assessment=a, cohort=cohort)
    assert list(waiting_list(cohort)) == [ec, ed]

    promoted = withdraw(eb, on=TODAY)
    assert promoted == ec
    ec.refresh_from_db()
    assert ec.status == EnrolmentStatus.ENROLLED
    assert list(waiting_list(cohort)) == [ed]
    # Someone only waiting leaves without moving anyone.
    assert withdraw(ed) is None
    assert cohort_counts(cohort) | {"per_session": None} == {
        "capacity": 2, "enrolled": 2, "waiting": 0, "withdrawn": 2, "completed": 0,
        "per_session": None,
    }  # fmt: skip


@pytest.mark.django_db
def test_attendance_and_completion_counts(cohort, make_episode, service, programme):
    cohort.capacity = 3
    cohort.save()
    a, b, c = (enrol(assessment=assessed(make_episode, service), cohort=cohort) for _ in range(3))
    sessions = list(cohort.course_sessions.all())
    # a attends all six, b four (the threshold), c three.
    for number, session in enumerate(sessions, start=1):
        present = [a.pk]
        if number <= 4:
            present.append(b.pk)
        if number <= 3:
            present.append(c.pk)
        assert record_attendance(session=session, present=present) == len(present)
    # Recording a session again replaces its marks rather than adding to them.
    record_attendance(session=sessions[0], present=[a.pk, b.pk, c.pk])

    register = {e.pk: (e.attended, e.completed) for e in cohort_register(cohort)}
    assert register == {a.pk: (6, True), b.pk: (4, True), c.pk: (3, False)}
    counts = cohort_counts(cohort)
    assert counts["completed"] == 2
    assert [s["present"] for s in counts["per_session"]] == [3, 3, 3, 2, 1, 1]
    assert set(completed_enrolments().values_list("pk", flat=True)) == {a.pk, b.pk}

    # The threshold is the programme's own.
    programme.completion_sessions = 6
    programme.save()
    assert list(completed_enrolments().values_list("pk", flat=True)) == [a.pk]


@pytest.mark.django_db
def test_only_enrolled_people_can_be_marked_present(cohort, make_episode, service):
    a = enrol(assessment=assessed(make_episode, service), cohort=cohort)
    enrol(assessment=assessed(make_episode, service), cohort=cohort)
    waiting = enrol(assessment=assessed(make_episode, service), cohort=cohort)
    session = cohort.course_sessions.first()
    with pytest.raises(ValidationError):
        record_attendance(session=session, present=[a.pk, waiting.pk])
    assert not Enrolment.objects.get(pk=waiting.pk).attendance.exists()


@pytest.mark.django_db
def test_programme_cohort_counts_in_a_fixed_number_of_queries(
    programme, make_episode, service, django_assert_num_queries
):
    from vocrehab.directory.queries import programme_cohorts

    for week in range(3):
        c = create_cohort(
            programme=programme,
            start_date=datetime.date(2025, 3, 10) + datetime.timedelta(weeks=week),
            capacity=1,
            venue="Room",
        )
        for _ in range(2):
            enrol(assessment=assessed(make_episode, service), cohort=c)
    first = programme.cohorts.first()
    enrolled = first.enrolments.get(status="enrolled")
    for session in first.course_sessions.all():
        record_attendance(session=session, present=[enrolled.pk])
    with django_assert_num_queries(2):
        rows = programme_cohorts(programme)
    assert [counts for _c, counts in rows][0] == {
        "capacity": 1, "enrolled": 1, "waiting": 1, "withdrawn": 0, "completed": 1,
    }  # fmt: skip
    assert [counts["completed"] for _c, counts in rows] == [1, 0, 0]
    suppressed = programme_cohorts(programme, suppress=True)
    assert suppressed[0][1]["enrolled"] is None and suppressed[0][1]["capacity"] == 1
    assert suppressed[1][1]["withdrawn"] == 0
