"""The report pages say which services they cover in names, and do not show the header's
service bar, which chooses where casework happens and would suggest another scope."""

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Membership, Role

from .helpers import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_of_two(signed_in, service, other_service):
    make_episode(service)
    make_episode(other_service)
    client, user = signed_in(Role.SERVICE_MANAGER, service)
    Membership.objects.create(
        user=user,
        organisation=other_service.organisation,
        service=other_service,
        role=Role.SERVICE_MANAGER,
    )
    return client


def test_the_report_names_its_services_and_has_no_service_bar(
    manager_of_two, service, other_service
):
    page = manager_of_two.get(
        reverse("reports:evaluation"), {"services": [service.pk, other_service.pk]}
    ).content.decode()
    assert f"Services: {service.name}, {other_service.name}" in page
    assert "app-service-bar" not in page


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:benchmark"])
def test_the_other_report_pages_have_no_service_bar_either(manager_of_two, name):
    response = manager_of_two.get(reverse(name))
    assert response.status_code == 200
    assert "app-service-bar" not in response.content.decode()


def test_casework_pages_keep_it(manager_of_two):
    page = manager_of_two.get(reverse("casework:caseload")).content.decode()
    assert "app-service-bar" in page and "Switch service" in page
