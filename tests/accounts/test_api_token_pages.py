"""The API tokens pages: staff make, list and revoke theirs; administrators, system accounts'."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import ApiToken, Membership, Role, User
from vocrehab.audit.models import AccessEvent, Action

pytestmark = pytest.mark.django_db


def _form(service, **overrides):
    data = {
        "name": "Outcomes dashboard",
        "scopes": ["episodes:read", "reports:read"],
        "services": [service.pk],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def system_account(organisation, service):
    account = User.objects.create_user(
        email="dashboard@example.org", first_name="Outcomes", last_name="Dashboard"
    )
    account.is_system_account = True
    account.set_unusable_password()
    account.save()
    Membership.objects.create(
        user=account, organisation=organisation, service=service, role=Role.SERVICE_MANAGER
    )
    return account


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.COMMISSIONER, Role.SUPPORT_WORKER])
def test_staff_make_a_token_and_see_its_secret_once(signed_in, service, role):
    client, user = signed_in(role)
    assert client.get(reverse("accounts:token_create")).status_code == 200
    response = client.post(reverse("accounts:token_create"), _form(service))
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.owner == user
    assert token.scopes == ["episodes:read", "reports:read"]
    html = response.content.decode()
    assert f'value="vrt_{token.prefix}_' in html
    assert 'data-app-copy="new-token"' in html
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "Outcomes dashboard" in listing
    assert token.prefix in listing
    assert f"vrt_{token.prefix}_" not in listing
    # Made in the change history and so in the access log.
    assert AccessEvent.objects.filter(action=Action.CREATE, object_type="accounts.apitoken")


def test_the_form_starts_unanswered_and_offers_only_the_owners_services(
    signed_in, service, other_service
):
    client, _user = signed_in(Role.CASE_MANAGER)
    html = client.get(reverse("accounts:token_create")).content.decode()
    assert service.name in html
    assert other_service.name not in html
    assert "checked" not in html


@pytest.mark.parametrize(
    "overrides,field_message",
    [
        ({"expires_on": "2099-01-01"}, "at most a year"),
        ({"expires_on": "2001-01-01"}, "must not be in the past"),
        ({"expires_on": "not a date"}, "Last day it works: enter a valid date"),
        ({"scopes": []}, "Choose what it may do"),
        ({"scopes": ["everything"]}, "What it may do: select a valid choice"),
        ({"name": ""}, "Enter name"),
    ],
)
def test_bad_input_is_named_and_nothing_is_made(signed_in, service, overrides, field_message):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(reverse("accounts:token_create"), _form(service, **overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_service_the_owner_does_not_work_in_is_refused(signed_in, service, other_service):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post(
        reverse("accounts:token_create"), _form(service, services=[other_service.pk])
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(signed_in, service):
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.post(reverse("accounts:token_create"), _form(service)).content.decode()
    token = ApiToken.objects.get()
    secret = re.search(r'value="(vrt_[^"]+)"', page)[1]
    api = reverse("api:episodes")
    from django.test import Client as Program

    assert Program().get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 200
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Program().get(api, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert "Revoked" in client.get(reverse("accounts:tokens")).content.decode()
    assert AccessEvent.objects.filter(action=Action.CHANGE, object_type="accounts.apitoken")


def test_nobody_sees_or_revokes_another_persons_token(signed_in, make_staff, make_token, service):
    colleague = make_staff(Role.CASE_MANAGER, service)
    token, _secret = make_token(colleague, [service], name="Colleague's script")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert "Colleague's script" not in client.get(reverse("accounts:tokens")).content.decode()
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_administrator_makes_and_revokes_a_system_accounts_token(
    signed_in, system_account, service
):
    client, admin = signed_in(Role.ADMINISTRATOR)
    listing = client.get(reverse("accounts:tokens")).content.decode()
    url = reverse("accounts:system_token_create", args=[system_account.pk])
    assert url in listing
    response = client.post(url, _form(service))
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.owner == system_account
    assert token.created_by == admin
    assert "system account" in client.get(reverse("accounts:tokens")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_by == admin


@pytest.mark.parametrize("role", [Role.SERVICE_MANAGER, Role.CASE_MANAGER, Role.AUDITOR])
def test_only_administrators_make_system_accounts_tokens(signed_in, system_account, service, role):
    client, _user = signed_in(role)
    url = reverse("accounts:system_token_create", args=[system_account.pk])
    assert client.post(url, _form(service)).status_code == 403
    assert not ApiToken.objects.exists()


def test_an_ordinary_account_is_not_a_system_account_for_tokens(signed_in, make_staff, service):
    person = make_staff(Role.CASE_MANAGER, service)
    client, _admin = signed_in(Role.ADMINISTRATOR)
    url = reverse("accounts:system_token_create", args=[person.pk])
    assert client.get(url).status_code == 404


def test_the_list_is_a_fixed_number_of_queries(
    signed_in, make_token, system_account, service, django_assert_max_num_queries
):
    client, admin = signed_in(Role.ADMINISTRATOR)
    for n in range(5):
        make_token(system_account, [service], name=f"Feed {n}")
    client.get(reverse("accounts:tokens"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:tokens"))
    html = response.content.decode()
    assert all(f"Feed {n}" in html for n in range(5))


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in [reverse("accounts:tokens"), reverse("accounts:token_create")]:
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
