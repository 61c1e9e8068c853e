"""Clients found by NHS number, and electronic referrals, through the API (session and token)."""

import pytest
from django.test import Client as Program
from django.urls import reverse

from tests.accounts.conftest import bearer
from vocrehab.accounts.models import Role, Scope
from vocrehab.audit.models import AccessEvent
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.referrals.models import Channel, Referral

pytestmark = pytest.mark.django_db

REFERRAL = {
    "person": {
        "first_name": "Ann",
        "last_name": "Synthetic",
        "date_of_birth": "1970-05-14",
        "nhs_number": "943 476 5919",
        "postcode": "G31 9ZA",
        "phone": "0141 496 0000",
        "contact_methods": ["phone"],
        "safe_to_leave_message": "yes",
    },
    "health": {
        "condition": "cancer",
        "treatment_stage": "during",
        "work_status_at_referral": "off_sick",
        "weeks_absent_at_referral": 12,
        "occupation": "4",
        "main_reason": "return_from_sickness",
    },
    "referrer": {
        "referrer_name": "Nurse Jones",
        "referrer_role": "Breast care nurse",
        "referrer_organisation": "NHS GGC",
        "referral_source": "acute_nhs",
        "referrer_email": "nurse@example.org",
    },
    "consent": {"consent_to_contact": True, "consent_to_share": "yes"},
}


def _post(client, body, **extra):
    return client.post(reverse("api:referrals"), body, content_type="application/json", **extra)


def test_an_electronic_referral_makes_client_episode_and_referral(signed_in, service):
    client, user = signed_in(Role.CASE_MANAGER)
    response = _post(client, {"service": service.code, **REFERRAL})
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.channel == Channel.ELECTRONIC
    assert referral.entered_by == user
    assert response.json()["referral"] == referral.reference
    episode = Episode.objects.get(pk=response.json()["episode"])
    assert episode.client.nhs_number == "9434765919"
    assert str(episode.client.date_of_birth) == "1970-05-14"
    assert episode.tier == ""  # triage decides, as for every referral


@pytest.mark.parametrize(
    "change,where",
    [
        ({"service": "NOPE"}, "service"),
        ({"person": {**REFERRAL["person"], "nhs_number": "1234567890"}}, "person"),
        ({"person": {**REFERRAL["person"], "date_of_birth": "14/05/1970"}}, "person"),
        ({"consent": {"consent_to_share": "yes"}}, "consent"),
        ({"health": "text"}, "health"),
    ],
)
def test_bad_referrals_name_the_problem_and_write_nothing(signed_in, service, change, where):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = _post(client, {"service": service.code, **REFERRAL, **change})
    assert response.status_code == 400
    assert where in response.json()
    assert not Referral.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPORT_WORKER, Role.COMMISSIONER, Role.AUDITOR])
def test_roles_without_triage_may_not_send_referrals(signed_in, service, role):
    client, _user = signed_in(role)
    assert _post(client, {"service": service.code, **REFERRAL}).status_code == 403
    assert not Referral.objects.exists()


def test_a_token_needs_episodes_write_and_its_service(
    make_staff, make_token, service, other_service
):
    owner = make_staff(Role.SERVICE_MANAGER, service)
    _t, reader = make_token(owner, [service], scopes=[Scope.EPISODES_READ])
    _t, writer = make_token(owner, [service], scopes=[Scope.EPISODES_WRITE], name="EPR feed")
    assert (
        _post(Program(), {"service": service.code, **REFERRAL}, **bearer(reader)).status_code == 403
    )
    other = _post(Program(), {"service": other_service.code, **REFERRAL}, **bearer(writer))
    assert other.status_code == 400
    made = _post(Program(), {"service": service.code, **REFERRAL}, **bearer(writer))
    assert made.status_code == 201, made.content
    assert Referral.objects.count() == 1


def test_clients_are_found_by_nhs_number_within_the_users_services(
    signed_in, service, other_service
):
    mine = Client.objects.create(
        service=service, reference="C-0001", first_name="A", last_name="B", nhs_number="9434765919"
    )
    Client.objects.create(
        service=other_service,
        reference="C-0002",
        first_name="A",
        last_name="B",
        nhs_number="9434765919",
    )
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.get(reverse("api:clients"), {"nhs_number": "943 476 5919"})
    assert [row["id"] for row in response.json()] == [mine.pk]
    assert AccessEvent.objects.filter(clients_listed=f" {mine.pk} ").exists()
    assert client.get(reverse("api:clients"), {"nhs_number": "12"}).status_code == 400
    assert client.get(reverse("api:client", args=[mine.pk])).json()["reference"] == "C-0001"
    other = Client.objects.get(reference="C-0002")
    assert client.get(reverse("api:client", args=[other.pk])).status_code == 404


def test_client_reads_need_clients_read(make_staff, make_token, service):
    person = Client.objects.create(
        service=service, reference="C-0003", first_name="A", last_name="B", nhs_number="9434765919"
    )
    owner = make_staff(Role.CASE_MANAGER, service)
    _t, without = make_token(owner, [service], scopes=[Scope.EPISODES_READ])
    _t, with_scope = make_token(owner, [service], scopes=[Scope.CLIENTS_READ], name="Lookup")
    url = reverse("api:client", args=[person.pk])
    assert Program().get(url, **bearer(without)).status_code == 403
    assert Program().get(url, **bearer(with_scope)).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN_ASSISTANT, Role.COMMISSIONER])
def test_roles_that_may_not_read_records_may_not_read_clients(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("api:clients"), {"nhs_number": "9434765919"}).status_code == 403
