"""The Retention page: a service manager sees who is due, and confirms disposal."""

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.clients.models import Client
from vocrehab.retention import services, views
from vocrehab.retention.models import Disposal, DisposalState

from .conftest import TODAY, closed_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(service, old_episode):
    services.find_due(service, today=TODAY)
    return old_episode


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(views.timezone, "localdate", lambda: TODAY)


def test_a_manager_sees_who_is_due_and_the_listing_is_audited(signed_in, due):
    http, user = signed_in(Role.SERVICE_MANAGER)
    page = http.get(reverse("retention:due"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ann Smith" in body and due.reference in body
    assert "20 Nov 2024" in body and "1 person, 1 episodes" in body
    event = AccessEvent.objects.get(user=user, action=Action.READ, path="/retention/")
    assert f" {due.client_id} " in event.clients_listed


def test_a_manager_confirms_and_the_records_are_anonymised(signed_in, due):
    http, user = signed_in(Role.SERVICE_MANAGER)
    shown = http.get(reverse("retention:due")).context["confirm_form"].initial["shown"]
    response = http.post(reverse("retention:due"), {"shown": shown}, follow=True)
    assert "1 people&#x27;s records (1 episodes) anonymised" in response.content.decode()
    assert Client.objects.get(pk=due.client_id).last_name == ""
    disposal = Disposal.objects.get(client_id=due.client_id)
    assert disposal.state == DisposalState.DISPOSED and disposal.confirmed_by == user
    assert AccessEvent.objects.filter(user=user, action=Action.DISPOSE).count() == 1


def test_a_list_changed_since_it_was_shown_is_not_confirmed(signed_in, due, service, worker):
    http, _user = signed_in(Role.SERVICE_MANAGER)
    shown = http.get(reverse("retention:due")).context["confirm_form"].initial["shown"]
    closed_episode(service, worker, last_name="Jones", nhs_number="")
    services.find_due(service, today=TODAY)
    response = http.post(reverse("retention:due"), {"shown": shown}, follow=True)
    assert "The list changed after you opened it" in response.content.decode()
    assert Client.objects.get(pk=due.client_id).last_name == "Smith"


@pytest.mark.parametrize(
    "role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT, Role.ADMINISTRATOR]
)
def test_other_roles_may_not_see_or_confirm(signed_in, due, role):
    http, _user = signed_in(role)
    assert http.get(reverse("retention:due")).status_code == 403
    assert http.post(reverse("retention:due"), {"shown": "1:1"}).status_code == 403
    assert Client.objects.get(pk=due.client_id).last_name == "Smith"


def test_another_services_manager_sees_and_disposes_nothing_of_ours(signed_in, due, other_service):
    http, _user = signed_in(Role.SERVICE_MANAGER, other_service)
    body = http.get(reverse("retention:due")).content.decode()
    assert "Smith" not in body and "Nothing is due" in body
    http.post(reverse("retention:due"), {"shown": "0:0"})
    assert Client.objects.get(pk=due.client_id).last_name == "Smith"


def test_the_page_reads_a_fixed_number_of_queries(
    signed_in, due, service, worker, django_assert_max_num_queries
):
    for n in range(5):
        closed_episode(service, worker, last_name=f"Person{n}", nhs_number="")
    services.find_due(service, today=TODAY)
    http, _user = signed_in(Role.SERVICE_MANAGER)
    with django_assert_max_num_queries(20):
        assert http.get(reverse("retention:due")).status_code == 200


def test_the_manager_and_administrator_set_the_schedule(signed_in, service):
    http, _user = signed_in(Role.SERVICE_MANAGER)
    url = reverse("retention:schedule")
    assert http.get(url).status_code == 200
    page = http.get(url).content.decode()
    assert "30 years from the diagnosis" in page and 'value="30"' in page
    assert page.count("nhsuk-input--width-3") == 4  # each box sized for a number of years
    periods = {
        "closed_episode_years": "0",
        "unassessed_referral_years": "8",
        "cancer_years": "30",
        "cancer_after_death_years": "8",
    }
    bad = http.post(url, periods)
    assert bad.status_code == 200 and "greater than or equal to 1" in bad.content.decode()
    http.post(url, {**periods, "closed_episode_years": "10", "cancer_years": "25"})
    schedule = service.retention_schedule
    assert (schedule.closed_episode_years, schedule.cancer_years) == (10, 25)


def test_a_case_manager_may_not_set_the_schedule(signed_in):
    http, _user = signed_in(Role.CASE_MANAGER)
    assert http.get(reverse("retention:schedule")).status_code == 403
