"""Who may and who may not use each API endpoint."""

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role

pytestmark = pytest.mark.django_db

EPISODE_READERS = {
    Role.SERVICE_MANAGER,
    Role.CASE_MANAGER,
    Role.SUPPORT_WORKER,
}
CONTACT_WRITERS = {Role.SERVICE_MANAGER, Role.CASE_MANAGER, Role.SUPPORT_WORKER}
REPORT_READERS = {Role.SERVICE_MANAGER, Role.COMMISSIONER}


def _urls(episode):
    return {
        "services": reverse("api:services"),
        "episodes": reverse("api:episodes"),
        "episode": reverse("api:episode", args=[episode.pk]),
        "contacts": reverse("api:contacts", args=[episode.pk]),
        "evaluation": reverse("api:evaluation") + "?service=GGC-VR",
        "schema": reverse("api:schema"),
        "docs": reverse("api:docs"),
    }


def test_anonymous_requests_are_sent_to_sign_in(client, make_episode, service):
    episode = make_episode(service)
    for name, url in _urls(episode).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name
    response = client.post(
        reverse("api:contacts", args=[episode.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_episode_reads_by_role(signed_in, make_episode, service, role):
    episode = make_episode(service)
    client, _user = signed_in(role)
    listing = client.get(reverse("api:episodes"))
    detail = client.get(reverse("api:episode", args=[episode.pk]))
    if role in EPISODE_READERS:
        assert listing.status_code == 200
        assert [row["id"] for row in listing.json()["results"]] == [episode.pk]
        assert detail.status_code == 200
    else:
        assert listing.status_code == 403
        assert detail.status_code == 403
        assert listing["Content-Type"] == "application/json"
        assert "detail" in listing.json()


@pytest.mark.parametrize("role", list(Role))
def test_contact_writes_by_role(signed_in, make_episode, service, role):
    from vocrehab.casework.models import Contact

    client, user = signed_in(role)
    # Allocated to the user, so a support worker is on their own caseload.
    episode = make_episode(service, case_manager=user)
    response = client.post(
        reverse("api:contacts", args=[episode.pk]),
        {"contact_date": str(episode.referral_date), "mode": "phone", "contact_with": "client"},
        content_type="application/json",
    )
    if role in CONTACT_WRITERS:
        assert response.status_code == 201, response.content
        assert Contact.objects.filter(episode=episode).count() == 1
    else:
        assert response.status_code == 403
        assert not Contact.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_evaluation_by_role(signed_in, make_episode, service, role):
    make_episode(service)
    client, _user = signed_in(role)
    response = client.get(reverse("api:evaluation"), {"service": service.code})
    assert response.status_code == (200 if role in REPORT_READERS else 403)


@pytest.mark.parametrize("role", list(Role))
def test_any_signed_in_member_of_staff_may_read_the_services_schema_and_docs(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("api:services")).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200


def test_services_lists_only_the_users_services_with_their_roles(signed_in, service, other_service):
    client, _user = signed_in(Role.CASE_MANAGER)
    rows = client.get(reverse("api:services")).json()
    assert [r["code"] for r in rows] == [service.code]
    assert rows[0]["roles"] == [Role.CASE_MANAGER]
    assert "edit_person" in rows[0]["permissions"]
    assert "view_reports" not in rows[0]["permissions"]


def test_a_user_whose_membership_ended_may_not_read_episodes(signed_in, make_episode, service):
    from vocrehab.accounts.models import Membership

    make_episode(service)
    client, user = signed_in(Role.CASE_MANAGER)
    Membership.objects.filter(user=user).update(active=False)
    assert client.get(reverse("api:episodes")).status_code == 403


def test_posts_need_the_csrf_token(make_staff, make_episode, service):
    from django.test import Client

    episode = make_episode(service)
    user = make_staff(Role.CASE_MANAGER, service)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = browser.post(
        reverse("api:contacts", args=[episode.pk]),
        {"contact_date": str(episode.referral_date), "mode": "phone", "contact_with": "client"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
