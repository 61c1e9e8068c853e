"""The report's local case-management tables reconcile with the recorded goals, plans,
employer liaison, courses, in-work reviews and awareness sessions."""

import datetime as dt

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import (
    Contact,
    Employer,
    EmployerMeeting,
    Goal,
    PlanPhase,
    PlanProgress,
    ReturnPlan,
)
from vocrehab.directory.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    PreCourseAssessment,
    Programme,
)
from vocrehab.directory.services import (
    record_awareness_session,
    record_in_work_review,
    start_in_work_support,
)
from vocrehab.reports.evaluation import build_evaluation
from vocrehab.reports.suppression import suppress
from vocrehab.reports.tables import TABLES

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 3, 4)
LOCAL = ("goals", "return_plans", "employer_liaison", "courses", "in_work_reviews",
         "awareness_sessions")  # fmt: skip


def _goal(episode, term, status):
    Goal.objects.create(episode=episode, description="A goal", term=term, set_on=DAY, status=status)


def _plan(episode, *, number=1, current=True, agreed=False, weeks=3, progress=()):
    plan = ReturnPlan.objects.create(
        episode=episode, number=number, is_current=current, start_date=DAY,
        agreed_on=DAY if agreed else None,
    )  # fmt: skip
    for week in range(1, weeks + 1):
        PlanPhase.objects.create(plan=plan, week=week, hours=8 * week, days="Mon")
    for week in progress:
        PlanProgress.objects.create(plan=plan, week=week, hours_worked=8, recorded_on=DAY)
    return plan


def _course(service, topic, *, completion=2):
    programme = Programme.objects.create(
        service=service, title=f"{topic} course", topic=topic, sessions=4, delivery="group",
        completion_sessions=completion,
    )  # fmt: skip
    cohort = Cohort.objects.create(programme=programme, start_date=DAY, capacity=10)
    sessions = [
        CohortSession.objects.create(cohort=cohort, number=n, date=DAY) for n in (1, 2, 3, 4)
    ]
    return cohort, sessions


def _enrol(cohort, sessions, episode, *, attended=0, status="enrolled"):
    assessment = PreCourseAssessment.objects.create(episode=episode, date=DAY)
    enrolment = Enrolment.objects.create(
        cohort=cohort, episode=episode, assessment=assessment, status=status
    )
    for n, session in enumerate(sessions):
        Attendance.objects.create(enrolment=enrolment, session=session, attended=n < attended)


@pytest.fixture
def world(service, other_service):
    a = make_episode(service, referral_date=dt.date(2024, 1, 8))
    b = make_episode(service, referral_date=dt.date(2024, 1, 9))
    late = make_episode(service, referral_date=dt.date(2025, 1, 9))  # outside the period
    elsewhere = make_episode(other_service, referral_date=dt.date(2024, 1, 9))
    # Goals: a has 2 short (1 achieved) and 1 long achieved; b 1 short partly achieved.
    _goal(a, "short", "achieved")
    _goal(a, "short", "open")
    _goal(a, "long", "achieved")
    _goal(b, "short", "partly")
    _goal(late, "short", "achieved")
    _goal(elsewhere, "short", "achieved")
    # Plans: a's old version superseded, current one agreed and run to its last week;
    # b's written, not agreed, progress for week 1 of 3 only.
    _plan(a, number=1, current=False, progress=(1, 2, 3))
    _plan(a, number=2, agreed=True, progress=(1, 2, 3))
    _plan(b, progress=(1,))
    _plan(elsewhere, agreed=True, progress=(1, 2, 3))
    # Employer liaison: 2 contacts with a's employer, 1 with b's client; 1 meeting.
    for episode, with_ in ((a, "employer"), (a, "employer"), (b, "client"), (late, "employer")):
        Contact.objects.create(episode=episode, contact_date=DAY, mode="phone", contact_with=with_)
    employer = Employer.objects.create(episode=b, name="Synthetic Ltd")
    EmployerMeeting.objects.create(employer=employer, date=DAY)
    # Courses: fatigue: a completed, b withdrew after one; pain: a attended one session.
    cohort, sessions = _course(service, "fatigue")
    _enrol(cohort, sessions, a, attended=3)
    _enrol(cohort, sessions, b, attended=1, status="withdrawn")
    _enrol(cohort, sessions, late, attended=3)
    pain, pain_sessions = _course(service, "pain")
    _enrol(pain, pain_sessions, a, attended=1)
    waiting, waiting_sessions = _course(service, "lifestyle")
    _enrol(waiting, waiting_sessions, b, status="waiting")
    # In-work reviews from a return on 5 Feb 2024: weeks 2, 6 and 12 by default.
    support = start_in_work_support(episode=a, return_date=dt.date(2024, 2, 5))
    week2, week6, _week12 = support.reviews.order_by("week")
    record_in_work_review(review=week2, on=week2.due_date, mode="phone", interventions=[])
    record_in_work_review(
        review=week6, on=week6.due_date + dt.timedelta(days=3), mode="phone", interventions=[]
    )
    # Awareness sessions: two for nurses in the period, one before it, one elsewhere.
    for day, audience, people in (
        (dt.date(2024, 2, 1), "nurses", 12),
        (dt.date(2024, 3, 1), "nurses", 9),
        (dt.date(2024, 3, 2), "primary_care", 3),
        (dt.date(2023, 12, 1), "nurses", 20),
    ):
        record_awareness_session(
            service=service, date=day, audience=audience, professionals=people, topic="Work"
        )
    record_awareness_session(
        service=other_service, date=dt.date(2024, 2, 1), audience="ahp", professionals=5,
        topic="Work",
    )  # fmt: skip
    return {"a": a, "b": b}


def _report(service):
    return build_evaluation([service], dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_the_local_tables_are_marked_local_and_follow_the_standard_ones(world, service):
    report = _report(service)
    assert list(report["tables"])[-len(LOCAL) :] == list(LOCAL)
    for table_id in LOCAL:
        assert TABLES[table_id].local
        assert str(TABLES[table_id].definition).startswith("Local table, not part of VRMDS.")
    assert not TABLES["interventions"].local


def test_goals_reconcile(world, service):
    table = _report(service)["tables"]["goals"]
    assert table["n"] == 4
    short = cell(table, term="short")
    assert (short["count"], short["achieved"], short["clients"]) == (3, 1, 2)
    assert short["percent_achieved"] == pytest.approx(100 / 3)
    long = cell(table, term="long")
    assert (long["count"], long["achieved"], long["clients"]) == (1, 1, 1)


def test_return_plans_count_episodes_by_their_current_version(world, service):
    table = _report(service)["tables"]["return_plans"]
    counts = {c["metric"]: c["count"] for c in table["cells"]}
    assert counts == {"plans_written": 2, "plans_agreed": 1, "plans_completed": 1}
    assert table["n"] == 2


def test_employer_liaison_reconciles(world, service):
    table = _report(service)["tables"]["employer_liaison"]
    contacts = cell(table, metric="employer_contacts")
    meetings = cell(table, metric="employer_meetings")
    # a's two calls to the employer, and the week-6 three-way review recorded with them.
    assert (contacts["count"], contacts["clients"]) == (3, 1)
    assert (meetings["count"], meetings["clients"]) == (1, 1)


def test_courses_count_places_taken_and_completed(world, service):
    table = _report(service)["tables"]["courses"]
    fatigue = cell(table, topic="fatigue")
    assert (fatigue["enrolled"], fatigue["completed"], fatigue["clients"]) == (2, 1, 2)
    pain = cell(table, topic="pain")
    assert (pain["enrolled"], pain["completed"]) == (1, 0)
    assert cell(table, topic="lifestyle")["enrolled"] == 0  # waiting list only
    assert table["n"] == 3


def test_in_work_reviews_done_on_time(world, service):
    (only,) = _report(service)["tables"]["in_work_reviews"]["cells"]
    # Weeks 2 and 6 fell due by the end of 2024, and so did week 12 (not done).
    assert (only["due"], only["done"], only["on_time"]) == (3, 2, 1)
    assert only["percent_on_time"] == pytest.approx(100 / 3)


def test_awareness_sessions_in_the_period(world, service):
    table = _report(service)["tables"]["awareness_sessions"]
    nurses = cell(table, audience="nurses")
    assert (nurses["sessions"], nurses["professionals"]) == (2, 21)
    assert cell(table, audience="primary_care")["sessions"] == 1
    assert cell(table, audience="ahp")["sessions"] == 0
    assert table["n"] == 3


def test_suppression_hides_small_counts_of_people_but_not_sessions(world, service):
    tables = suppress(_report(service))["tables"]
    assert cell(tables["goals"], term="short")["suppressed"]
    assert cell(tables["courses"], topic="fatigue")["enrolled"] is None
    assert not cell(tables["awareness_sessions"], audience="nurses")["suppressed"]
    assert cell(tables["awareness_sessions"], audience="nurses")["sessions"] == 2


def test_the_page_shows_the_local_tables_in_words(world, signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    html = client.get(
        reverse("reports:evaluation"),
        {
            "services": service.pk,
            "date_from": "2024-01-01",
            "date_to": "2024-12-31",
            "section": "casework",
        },
    ).content.decode()
    for words in (
        "Goals set and achieved",
        "Short term",
        "Plan completed (last planned week reached)",
        "Meetings with the employer",
        "Managing fatigue",
        "Awareness sessions for health professionals",
        "Nurses and nurse specialists",
        "Local table, not part of VRMDS.",
    ):
        assert words in html, words
