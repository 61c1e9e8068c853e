"""The evaluation report through the API: the reports engine's figures, suppressed for
commissioners, for the user's services only."""

import datetime

import pytest
from django.db import connection
from django.test import Client as Program
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.conftest import bearer
from tests.accounts.test_areas import commissioner_of, tree  # noqa: F401 - a fixture
from tests.conftest import enrol_totp
from vocrehab.accounts.models import Role, Scope
from vocrehab.reports.queries import evaluation_for

pytestmark = pytest.mark.django_db


def _referred(report):
    cells = report["tables"]["summary"]["cells"]
    return next(c for c in cells if c["metric"] == "referred")


def test_a_manager_gets_the_full_report(signed_in, make_episode, service):
    for _ in range(3):
        make_episode(service)
    client, user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("api:evaluation"), {"service": service.code})
    assert response.status_code == 200
    assert response["Vocrehab-Suppressed"] == "false"
    report = response.json()
    assert report["report"] == "evaluation" and report["vrmds_version"] == "1.1"
    assert report["filters"] == {"services": [service.code], "from": None, "to": None}
    assert _referred(report) == {"metric": "referred", "count": 3, "suppressed": False}
    # The same figures the web page gets from the reports engine.
    expected, suppressed = evaluation_for(user, [service])
    assert not suppressed
    assert report["tables"].keys() == expected["tables"].keys()
    assert report["tables"]["summary"] == expected["tables"]["summary"]


def test_a_commissioner_gets_small_numbers_suppressed(signed_in, make_episode, service):
    for _ in range(3):
        make_episode(service)
    client, _user = signed_in(Role.COMMISSIONER)
    response = client.get(reverse("api:evaluation"), {"service": service.code})
    assert response.status_code == 200
    assert response["Vocrehab-Suppressed"] == "true"
    assert _referred(response.json()) == {"metric": "referred", "count": None, "suppressed": True}


def test_the_period_filters_by_referral_date(signed_in, make_episode, service):
    make_episode(service, days_ago=10)
    make_episode(service, days_ago=100)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    start = datetime.date.today() - datetime.timedelta(days=30)
    report = client.get(
        reverse("api:evaluation"), {"service": service.code, "from": start.isoformat()}
    ).json()
    assert report["filters"]["from"] == start.isoformat()
    assert _referred(report)["count"] == 1


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "service"),
        ({"service": "LEEDS-VR"}, "service"),
        ({"service": "NO-SUCH"}, "service"),
        ({"service": "GGC-VR", "from": "01/02/2024"}, "from"),
        ({"service": "GGC-VR", "from": "2024-03-01", "to": "2024-02-01"}, "to"),
        ({"service": "GGC-VR", "area": "S08000031"}, "service"),
        ({"area": "NO-SUCH"}, "area"),
    ],
)
def test_bad_requests_name_the_field(signed_in, service, other_service, params, field):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("api:evaluation"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_commissioner_of_one_service_cannot_report_on_another(
    signed_in, make_episode, service, other_service
):
    make_episode(other_service)
    client, _user = signed_in(Role.COMMISSIONER)
    response = client.get(reverse("api:evaluation"), {"service": other_service.code})
    assert response.status_code == 400
    assert "tables" not in response.json()


def test_the_report_costs_the_same_queries_however_many_episodes(signed_in, make_episode, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    make_episode(service)
    url = reverse("api:evaluation")
    client.get(url, {"service": service.code})

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"service": service.code}).status_code == 200
        return len(captured)

    one = count()
    for _ in range(10):
        make_episode(service)
    assert count() == one


def test_a_token_needs_reports_read_and_its_service(
    make_staff, make_token, make_episode, service, other_service
):
    make_episode(service)
    owner = make_staff(Role.COMMISSIONER, service)
    make_staff_elsewhere = make_staff(Role.COMMISSIONER, other_service)
    _t, episodes_only = make_token(owner, [service], scopes=[Scope.EPISODES_READ])
    _t, reports = make_token(owner, [service], scopes=[Scope.REPORTS_READ], name="Dashboard")
    url = reverse("api:evaluation")
    query = {"service": service.code}
    assert Program().get(url, query, **bearer(episodes_only)).status_code == 403
    response = Program().get(url, query, **bearer(reports))
    assert response.status_code == 200
    # A commissioner's token gets what the commissioner does: small numbers suppressed.
    assert response["Vocrehab-Suppressed"] == "true"
    _t, elsewhere = make_token(make_staff_elsewhere, [other_service], scopes=[Scope.REPORTS_READ])
    refused = Program().get(url, query, **bearer(elsewhere))
    assert refused.status_code == 400
    assert "service" in refused.json()


def test_a_commissioner_of_an_area_gets_its_services_together_suppressed(
    client,
    tree,  # noqa: F811
    make_episode,
    service,
):
    for _ in range(7):
        make_episode(service)
    for _ in range(3):
        make_episode(tree["third"])
    commissioner = commissioner_of(tree["west"])
    enrol_totp(commissioner)
    client.force_login(commissioner, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.get(reverse("api:evaluation"), {"area": tree["west"].code})
    assert response.status_code == 200, response.json()
    report = response.json()
    assert sorted(report["filters"]["services"]) == ["GGC-VR", "LAN-VR"]
    assert _referred(report)["count"] == 10
    assert response["Vocrehab-Suppressed"] == "true"
    # A node outside the grant is refused by name.
    refused = client.get(reverse("api:evaluation"), {"area": tree["england"].code})
    assert refused.status_code == 400 and "area" in refused.json()
