"""Recording a contact through the API: the casework service's rules, all or nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact, ContactIntervention, SignOff
from vocrehab.episodes.models import Episode

pytestmark = pytest.mark.django_db


def _post(client, episode, body):
    return client.post(
        reverse("api:contacts", args=[episode.pk]), body, content_type="application/json"
    )


def _nothing_written():
    return not Contact.objects.exists() and not ContactIntervention.objects.exists()


def test_a_contact_with_interventions_is_recorded(signed_in, make_episode, service):
    client, user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    on = episode.referral_date + datetime.timedelta(days=2)
    response = _post(
        client,
        episode,
        {
            "contact_date": on.isoformat(),
            "mode": "face_to_face",
            "contact_with": "client",
            "minutes": 45,
            "interventions": ["goal_setting", "problem_solving", "goal_setting"],
            "note": "Talked through a phased return.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["interventions"] == ["goal_setting", "problem_solving"]
    contact = Contact.objects.get(pk=body["id"])
    assert (contact.episode, contact.recorded_by, contact.minutes) == (episode, user, 45)
    assert contact.contact_with == "client"
    # The casework rule: the first contact with the client sets the first-contact date.
    assert Episode.objects.get(pk=episode.pk).first_contact_date == on


@pytest.mark.parametrize(
    "body,field",
    [
        ({"mode": "phone", "contact_with": "client"}, "contact_date"),
        ({"contact_date": "14/03/2025", "mode": "phone", "contact_with": "client"}, "contact_date"),
        ({"contact_date": "2025-03-14"}, "mode"),
        ({"contact_date": "2025-03-14", "mode": "carrier_pigeon"}, "mode"),
        ({"contact_date": "2025-03-14", "mode": "phone", "contact_with": "cat"}, "contact_with"),
        ({"contact_date": "2025-03-14", "mode": "phone"}, "contact_with"),
        ({"contact_date": "2025-03-14", "mode": "phone", "minutes": 0}, "minutes"),
        ({"contact_date": "2025-03-14", "mode": "phone", "minutes": 601}, "minutes"),
        ({"contact_date": "2025-03-14", "mode": "phone", "minutes": "long"}, "minutes"),
        ({"contact_date": "2025-03-14", "mode": "phone", "interventions": ["x"]}, "interventions"),
        (
            {"contact_date": "2025-03-14", "mode": "phone", "interventions": "goal_setting"},
            "interventions",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(signed_in, make_episode, service, body, field):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, days_ago=400)
    response = _post(client, episode, body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert _nothing_written()


def test_a_body_that_is_not_json_is_refused(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    response = client.post(
        reverse("api:contacts", args=[episode.pk]),
        "contact_date=2025-01-01&mode=phone",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    malformed = client.post(
        reverse("api:contacts", args=[episode.pk]), "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert _nothing_written()


def test_the_casework_date_rules_apply_and_nothing_is_written(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service, days_ago=5)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before_referral = episode.referral_date - datetime.timedelta(days=1)
    for day in (tomorrow, before_referral):
        response = _post(
            client,
            episode,
            {"contact_date": day.isoformat(), "mode": "phone", "contact_with": "client"},
        )
        assert response.status_code == 400
        messages = response.json()["contact_date"]
        assert any("The contact (" in m for m in messages), messages
    assert _nothing_written()
    assert Episode.objects.get(pk=episode.pk).first_contact_date is None


def test_another_services_episode_is_404_and_untouched(signed_in, make_episode, other_service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    theirs = make_episode(other_service)
    response = _post(
        client,
        theirs,
        {"contact_date": str(theirs.referral_date), "mode": "phone", "contact_with": "client"},
    )
    assert response.status_code == 404
    assert _nothing_written()


def test_a_support_worker_records_only_on_their_own_caseload(
    signed_in, make_episode, make_staff, service
):
    client, worker = signed_in(Role.SUPPORT_WORKER)
    colleague = make_staff(Role.CASE_MANAGER, service)
    theirs = make_episode(service, case_manager=colleague)
    body = {"contact_date": str(theirs.referral_date), "mode": "phone", "contact_with": "client"}
    assert _post(client, theirs, body).status_code == 403
    assert _nothing_written()
    mine = make_episode(service, case_manager=worker)
    assert _post(client, mine, {**body, "contact_date": str(mine.referral_date)}).status_code == 201


def test_a_refused_sign_off_request_leaves_nothing_behind(signed_in, make_episode, service):
    """A supervised worker's employer contact needs a supervisor on record; without one
    the casework service refuses, and the contact it had begun to write is rolled back."""
    client, worker = signed_in(Role.SUPPORT_WORKER)
    episode = make_episode(service, case_manager=worker)
    response = _post(
        client,
        episode,
        {
            "contact_date": str(episode.referral_date),
            "mode": "phone",
            "contact_with": "employer",
            "interventions": ["employer_liaison"],
        },
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert _nothing_written()
    assert not SignOff.objects.exists()


def test_the_episode_page_shows_what_the_api_recorded(signed_in, make_episode, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    episode = make_episode(service)
    _post(
        client,
        episode,
        {"contact_date": str(episode.referral_date), "mode": "video", "contact_with": "client"},
    )
    detail = client.get(reverse("api:episode", args=[episode.pk])).json()
    assert [c["mode"] for c in detail["contacts"]] == ["video"]
