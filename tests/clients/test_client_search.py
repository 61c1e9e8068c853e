"""Client search (name, NHS number, date of birth, reference) within the service only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.clients.queries import search_clients
from vocrehab.referrals.services import create_referral, merge_into

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(service, other_service):
    ann = create_referral(service=service, channel="phone", data=intake()).referral
    bob = create_referral(
        service=service,
        channel="phone",
        data=intake(
            first_name="Bob",
            last_name="Brown",
            nhs_number="",
            date_of_birth=datetime.date(1965, 2, 1),
        ),
    ).referral
    theirs = create_referral(service=other_service, channel="phone", data=intake()).referral
    return ann, bob, theirs


@pytest.mark.parametrize(
    "query", ["Smith", "smi", "Ann Smith", "Smith Ann", "943 476 5919", "14/05/1970", "1970-05-14"]
)
def test_search_finds_ann(people, service, query):
    ann, _bob, _theirs = people
    assert list(search_clients(service, query)) == [ann.episode.client]


def test_search_by_episode_and_client_reference(people, service):
    ann, _bob, _theirs = people
    assert list(search_clients(service, ann.reference.lower())) == [ann.episode.client]
    assert list(search_clients(service, ann.episode.client.reference)) == [ann.episode.client]


def test_search_by_the_reference_of_a_referral_merged_into_an_episode(people, service):
    ann, _bob, _theirs = people
    duplicate = create_referral(service=service, channel="phone", data=intake()).referral
    merge_into(duplicate, ann.episode)
    duplicate.refresh_from_db()
    assert duplicate.episode is None
    assert list(search_clients(service, duplicate.reference)) == [ann.episode.client]


def test_search_never_crosses_services(people, other_service, service):
    _ann, _bob, theirs = people
    assert list(search_clients(other_service, "Smith")) == [theirs.episode.client]
    assert list(search_clients(service, theirs.reference)) == []


def test_search_page_and_record_page(signed_in, people):
    ann, _bob, theirs = people
    client, user = signed_in(Role.CASE_MANAGER)
    page = client.get("/clients/", {"q": "Smith"})
    assert page.status_code == 200
    assert f"/clients/{ann.episode.client_id}/".encode() in page.content
    assert f"/clients/{theirs.episode.client_id}/".encode() not in page.content
    record = client.get(f"/clients/{ann.episode.client_id}/")
    assert record.status_code == 200
    assert ann.reference.encode() in record.content
    listing, event = AccessEvent.objects.filter(user=user, action="read").order_by("pk")
    assert listing.object_type == "list" and listing.detail.startswith("client search:")
    assert event.client_id == ann.episode.client_id
    assert client.get(f"/clients/{theirs.episode.client_id}/").status_code == 404
    assert client.get("/clients/999999/").status_code == 404


def test_search_is_one_query(people, service):
    with CaptureQueriesContext(connection) as queries:
        list(search_clients(service, "Smith"))
    assert len(queries) == 1


def test_search_page_queries_do_not_grow(signed_in, service, django_assert_max_num_queries):
    client, _user = signed_in(Role.CASE_MANAGER)
    create_referral(service=service, channel="phone", data=intake(nhs_number=""))
    client.get("/clients/", {"q": "Smith"})
    with CaptureQueriesContext(connection) as few:
        client.get("/clients/", {"q": "Smith"})
    for n in range(10):
        create_referral(
            service=service,
            channel="phone",
            data=intake(nhs_number="", date_of_birth=datetime.date(1980, 1, n + 1)),
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get("/clients/", {"q": "Smith"})
    assert len(page.context["results"]) == 11


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.AUDITOR, Role.ADMINISTRATOR])
def test_roles_without_view_person_are_refused(signed_in, people, role):
    ann, _bob, _theirs = people
    client, _user = signed_in(role)
    assert client.get("/clients/", {"q": "Smith"}).status_code == 403
    assert client.get(f"/clients/{ann.episode.client_id}/").status_code == 403
