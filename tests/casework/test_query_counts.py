"""The caseload and the episode page take the same number of queries however big they get."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework import services
from vocrehab.casework.models import Contact


def _fill(episode, user, contacts):
    today = timezone.localdate()
    for i in range(contacts):
        c = Contact.objects.create(
            episode=episode,
            contact_date=today - datetime.timedelta(days=i % 15),
            mode="phone",
            recorded_by=user,
        )
        c.interventions.create(code="problem_solving")
    services.add_reminder(episode, by=user, text="Call", due_on=today)
    goal = services.add_goal(episode, by=user, description="Goal", term="short")
    services.review_goal(goal, by=user, status="open")
    employer = services.save_employer(episode, name="Acme", consent_to_contact=True)
    services.record_employer_meeting(employer, by=user, date=today)
    services.add_employer_contact(employer, role="hr", name="HR")
    services.add_adjustment(employer, description="Breaks", status="agreed")
    services.add_onward_referral(
        episode, by=user, date=today, kind="signpost", category="welfare", service_name="CAB"
    )
    services.add_note(episode, by=user, text="Note")
    services.save_return_plan(
        episode,
        by=user,
        start_date=today,
        phases=[{"week": 1, "hours": 8, "days": "Mon"}],
        review_dates=[today],
        based_on=episode.return_plans.filter(is_current=True).first(),
    )


def _count(web, url):
    web.get(url)  # the first request of a session writes to it; count a settled one
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_caseload_queries_do_not_grow_with_the_caseload(case_manager, make_episode, service):
    web, user = case_manager
    for _ in range(2):
        _fill(make_episode(service, worker=user), user, 2)
    small = _count(web, reverse("casework:caseload"))
    for _ in range(25):
        _fill(make_episode(service, worker=user), user, 3)
    large = _count(web, reverse("casework:caseload"))
    assert large == small


@pytest.mark.django_db
def test_manager_view_of_every_caseload_is_constant(signed_in, make_staff, make_episode, service):
    web, manager = signed_in(Role.SERVICE_MANAGER)
    workers = [make_staff(Role.CASE_MANAGER, service) for _ in range(2)]
    for w in workers:
        make_episode(service, worker=w)
    small = _count(web, reverse("casework:caseload") + "?everyone=1")
    for w in workers + [make_staff(Role.CASE_MANAGER, service)]:
        for _ in range(10):
            make_episode(service, worker=w, tier="2")
    large = _count(web, reverse("casework:caseload") + "?everyone=1")
    assert large == small


@pytest.mark.django_db
def test_episode_page_queries_do_not_grow_with_its_records(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    _fill(episode, user, 2)
    url = reverse("casework:episode", args=[episode.pk])
    small = _count(web, url)
    for _ in range(3):
        _fill(episode, user, 30)
    assert _count(web, url) == small


@pytest.mark.django_db
def test_caseload_query_count_is_asserted_exactly(
    case_manager, make_episode, service, django_assert_max_num_queries
):
    web, user = case_manager
    for _ in range(30):
        _fill(make_episode(service, worker=user), user, 2)
    with django_assert_max_num_queries(20):
        web.get(reverse("casework:caseload"))
