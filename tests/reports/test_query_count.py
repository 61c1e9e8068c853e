"""The report costs a fixed number of queries, however much data there is."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact, OnwardReferral

from .helpers import give_measure, make_episode

pytestmark = pytest.mark.django_db


def _add(service, count):
    for i in range(count):
        episode = make_episode(
            service,
            tier=str(1 + i % 3),
            discharge_date=dt.date(2024, 4, 1),
            work_status_at_discharge="at_work",
            first_contact_date=dt.date(2024, 1, 9),
            assessment_date=dt.date(2024, 1, 15),
            age_at_referral=30 + i,
        )
        Contact.objects.create(episode=episode, contact_date=dt.date(2024, 1, 9), mode="phone")
        OnwardReferral.objects.create(
            episode=episode, date=dt.date(2024, 1, 9), kind="signpost", category="welfare"
        )
        for tp in ("entry", "discharge"):
            give_measure(
                episode,
                "eq5d5l",
                tp,
                {
                    "mobility": 1,
                    "self_care": 2,
                    "usual_activities": 1,
                    "pain_discomfort": 1,
                    "anxiety_depression": 1,
                    "vas": 60,
                },
            )
            give_measure(episode, "hads", tp, {"anxiety": 8, "depression": 4})


def _queries(report, services):
    with CaptureQueriesContext(connection) as ctx:
        report(services)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_data(service, report):
    _add(service, 1)
    report([service])  # first run fills the working-day calendar
    small = _queries(report, [service])
    _add(service, 12)
    large = _queries(report, [service])
    assert small == large
    assert large <= 35


def test_the_report_page_query_count_is_constant(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:evaluation")
    _add(service, 1)
    client.get(url, {"services": service.pk})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"services": service.pk})
    _add(service, 8)
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"services": service.pk})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_dashboard_query_count_is_constant(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("reports:dashboard")
    _add(service, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _add(service, 8)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
