"""Pages that list people by name write one access-log event naming whom they showed:
client search, caseload, triage queue and My tasks. One INSERT per page view, however
many rows (query counts asserted), and none for roles that may not see the page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.audit.queries import filter_events
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db

PAGES = [
    ("client search", "clients:search", {"q": "Smith"}),
    ("caseload", "casework:caseload", {}),
    ("triage queue", "referrals:queue", {}),
    ("my tasks", "casework:tasks", {}),
]


def _add_clients(service, worker, count, start):
    """Clients named Smith, referred three weeks ago, allocated to ``worker``, never
    contacted: on the caseload, in the triage queue (not assessed) and in My tasks
    (first-contact standard breached)."""
    ids = []
    received = timezone.localdate() - datetime.timedelta(days=21)
    for n in range(start, start + count):
        episode = create_referral(
            service=service,
            channel="phone",
            data=intake(
                nhs_number="", first_name=f"Pat{n}", date_of_birth=datetime.date(1980, 1, n + 1)
            ),
            received=received,
        ).referral.episode
        episode.case_manager = worker
        episode.save(update_fields=["case_manager"])
        ids.append(episode.client_id)
    return ids


def _listings(page):
    return AccessEvent.objects.filter(object_type="list", detail__startswith=f"{page}:")


def _view(http, name, params):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse(name), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("page", "name", "params"), PAGES)
def test_one_event_per_view_naming_every_client_shown(signed_in, service, page, name, params):
    http, worker = signed_in(Role.CASE_MANAGER)
    first = _add_clients(service, worker, 2, 1)
    http.get(reverse(name), params)  # warm the session and memberships
    few = _view(http, name, params)
    more = first + _add_clients(service, worker, 8, 3)
    before = _listings(page).count()
    assert _view(http, name, params) == few  # the same queries for 10 rows as for 2
    assert _listings(page).count() == before + 1
    event = _listings(page).first()
    assert event.user == worker and event.action == "read"
    assert sorted(int(i) for i in event.clients_listed.split()) == sorted(more)
    # Asking the audit log about one client finds the list that showed them.
    assert event in filter_events(client_id=more[-1])


@pytest.mark.parametrize(("page", "name", "params"), PAGES)
def test_a_page_that_lists_nobody_logs_nothing(signed_in, page, name, params):
    http, _worker = signed_in(Role.CASE_MANAGER)
    assert http.get(reverse(name), params).status_code == 200
    assert not _listings(page).exists()


@pytest.mark.parametrize(("page", "name", "params"), PAGES)
def test_roles_refused_the_page_log_nothing(signed_in, service, page, name, params):
    http, _user = signed_in(Role.COMMISSIONER)
    _add_clients(service, None, 2, 1)
    assert http.get(reverse(name), params).status_code == 403
    assert not AccessEvent.objects.filter(object_type="list").exists()
