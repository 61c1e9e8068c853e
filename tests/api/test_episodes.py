"""Reading episodes: only the user's services, filters, pagination, the access log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vocrehab.accounts.models import Membership, Role
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.services import record_contact
from vocrehab.codes import Intervention, WorkStatus

pytestmark = pytest.mark.django_db


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_the_list_holds_only_the_users_services(signed_in, make_episode, service, other_service):
    mine = make_episode(service)
    make_episode(other_service)
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.get(reverse("api:episodes"))
    assert response.status_code == 200
    assert _ids(response) == [mine.pk]
    assert response.json()["count"] == 1


def test_another_services_code_is_refused_naming_the_field(
    signed_in, make_episode, service, other_service
):
    make_episode(other_service)
    client, _user = signed_in(Role.CASE_MANAGER)
    for code in (other_service.code, "NO-SUCH"):
        response = client.get(reverse("api:episodes"), {"service": code})
        assert response.status_code == 400
        assert "service" in response.json()
    assert not AccessEvent.objects.filter(action="read", object_type="episodes.episode").exists()


def test_filters_by_service_and_open(signed_in, make_episode, service, other_service):
    open_one = make_episode(service, days_ago=10)
    closed = make_episode(
        service,
        days_ago=40,
        discharge_date=datetime.date.today() - datetime.timedelta(days=1),
        work_status_at_discharge=WorkStatus.AT_WORK,
    )
    elsewhere = make_episode(other_service)
    client, user = signed_in(Role.SERVICE_MANAGER)
    Membership.objects.create(
        user=user,
        organisation=other_service.organisation,
        service=other_service,
        role=Role.CASE_MANAGER,
    )
    url = reverse("api:episodes")
    assert set(_ids(client.get(url))) == {open_one.pk, closed.pk, elsewhere.pk}
    assert _ids(client.get(url, {"service": service.code})) == [open_one.pk, closed.pk]
    assert _ids(client.get(url, {"service": service.code, "open": "true"})) == [open_one.pk]
    assert _ids(client.get(url, {"service": service.code, "open": "false"})) == [closed.pk]
    bad = client.get(url, {"open": "perhaps"})
    assert bad.status_code == 400 and "open" in bad.json()


def test_the_list_is_paginated(signed_in, make_episode, service):
    episodes = [make_episode(service, days_ago=n) for n in range(1, 6)]
    client, _user = signed_in(Role.CASE_MANAGER)
    first = client.get(reverse("api:episodes"), {"page_size": 2}).json()
    assert first["count"] == 5
    assert [r["id"] for r in first["results"]] == [e.pk for e in episodes[:2]]
    assert first["next"] and first["previous"] is None
    third = client.get(reverse("api:episodes"), {"page_size": 2, "page": 3}).json()
    assert [r["id"] for r in third["results"]] == [episodes[4].pk]


def test_a_list_request_is_one_access_log_event_naming_service_and_ids(
    signed_in, make_episode, service
):
    episodes = [make_episode(service) for _ in range(3)]
    client, user = signed_in(Role.CASE_MANAGER)
    reads = AccessEvent.objects.filter(action="read")
    client.get(reverse("api:episodes"), {"service": service.code})
    assert reads.count() == 1
    event = reads.get()
    assert event.action == "read"
    assert event.user == user
    assert event.object_type == "episodes.episode"
    assert event.service_id == service.pk
    assert sorted(event.fields) == sorted(str(e.pk) for e in episodes)
    assert service.code in event.detail
    assert event.path == reverse("api:episodes")


def test_the_list_shows_no_names(signed_in, make_episode, service):
    episode = make_episode(service)
    client, _user = signed_in(Role.CASE_MANAGER)
    row = client.get(reverse("api:episodes")).json()["results"][0]
    assert row["reference"] == episode.reference
    assert row["client_reference"] == episode.client.reference
    assert episode.client.last_name not in str(row)


def test_detail_of_another_services_episode_is_404(signed_in, make_episode, other_service):
    theirs = make_episode(other_service)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.get(reverse("api:episode", args=[theirs.pk]))
    assert response.status_code == 404
    assert theirs.client.last_name not in response.content.decode()
    missing = client.get(reverse("api:episode", args=[999999]))
    assert missing.status_code == 404
    assert not AccessEvent.objects.filter(action="read", object_id=str(theirs.pk)).exists()


def test_detail_shows_the_record_and_is_logged(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    record_contact(
        episode,
        by=user,
        contact_date=episode.referral_date,
        mode="phone",
        interventions=[Intervention.PROBLEM_SOLVING, Intervention.ASSESSMENT],
    )
    response = client.get(reverse("api:episode", args=[episode.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["client"]["last_name"] == episode.client.last_name
    assert body["contacts"][0]["interventions"] == ["problem_solving", "assessment"]
    event = AccessEvent.objects.get(action="read", object_type="episodes.episode")
    assert (event.action, event.object_id, event.client_id, event.service_id) == (
        "read",
        str(episode.pk),
        episode.client_id,
        service.pk,
    )


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_episode_or_many(
    signed_in, make_episode, service, make_staff
):
    client, _user = signed_in(Role.CASE_MANAGER)
    worker = make_staff(Role.CASE_MANAGER, service)
    make_episode(service, case_manager=worker)
    url = reverse("api:episodes")
    _queries(client, url)  # the first request of a session also checks the second factor
    one = _queries(client, url)
    for _ in range(15):
        make_episode(service, case_manager=make_staff(Role.CASE_MANAGER, service))
    assert _queries(client, url) == one


def test_the_detail_costs_the_same_queries_for_few_contacts_or_many(
    signed_in, make_episode, service
):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    url = reverse("api:episode", args=[episode.pk])
    record_contact(episode, by=user, contact_date=episode.referral_date, mode="phone")
    _queries(client, url)
    one = _queries(client, url)
    for code in list(Intervention.values)[:6]:
        record_contact(
            episode, by=user, contact_date=episode.referral_date, mode="video", interventions=[code]
        )
    assert _queries(client, url) == one
