"""API tokens: made with limits, stored as a digest, narrowed to their services and scopes."""

import datetime
import hashlib
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from tests.accounts.conftest import bearer
from tests.conftest import MID_WINDOW
from vocrehab import ratelimit
from vocrehab.accounts.models import ApiToken, Membership, Role, Scope
from vocrehab.accounts.tokens import (
    REFUSED_TOKENS_PER_MINUTE,
    TokenAuthentication,
    issue_token,
    revoke_token,
)
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.clients.models import Client
from vocrehab.codes import Condition, MainReason, ReferralSource, WorkStatus
from vocrehab.episodes.models import Episode

pytestmark = pytest.mark.django_db

_n = iter(range(1, 10_000))


def _episode(service, **fields):
    n = next(_n)
    client = Client.objects.create(
        service=service,
        reference=f"TK{n:05d}",
        first_name="Sam",
        last_name=f"Synthetic{n}",
        date_of_birth=datetime.date(1975, 5, 5),
    )
    values = {
        "referral_date": timezone.localdate() - datetime.timedelta(days=20),
        "referral_source": ReferralSource.ACUTE_NHS,
        "condition": Condition.CANCER,
        "work_status_at_referral": WorkStatus.OFF_SICK,
        "main_reason": MainReason.RETURN_FROM_SICKNESS,
        "tier": "3",
        "highest_tier": "3",
    }
    values.update(fields)
    return Episode.objects.create(service=service, client=client, reference=f"TE{n:05d}", **values)


def _api():
    # A program: no session, no cookies.
    return Browser()


# --- making a token ---------------------------------------------------------------------


def test_the_secret_is_returned_once_and_stored_only_as_its_digest(make_staff, service):
    owner = make_staff(Role.CASE_MANAGER, service)
    issued = issue_token(
        name="Dashboard",
        owner=owner,
        scopes=[Scope.EPISODES_READ],
        services=[service],
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        by=owner,
    )
    token = ApiToken.objects.get()
    assert issued.secret.startswith(f"vrt_{token.prefix}_")
    assert len(issued.secret) > 50
    assert token.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert issued.secret not in stored


def test_a_token_may_not_cover_a_service_its_owner_does_not_work_in(
    make_staff, service, other_service
):
    owner = make_staff(Role.CASE_MANAGER, service)
    with pytest.raises(ValidationError) as error:
        issue_token(
            name="Too wide",
            owner=owner,
            scopes=[Scope.EPISODES_READ],
            services=[service, other_service],
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
            by=owner,
        )
    assert "services" in error.value.message_dict
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "days,scopes,field",
    [
        (366, ["episodes:read"], "expires_on"),
        (-1, ["episodes:read"], "expires_on"),
        (30, [], "scopes"),
        (30, ["everything:write"], "scopes"),
    ],
)
def test_expiry_and_scopes_are_checked(make_staff, service, days, scopes, field):
    owner = make_staff(Role.CASE_MANAGER, service)
    with pytest.raises(ValidationError) as error:
        issue_token(
            name="Bad",
            owner=owner,
            scopes=scopes,
            services=[service],
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
            by=owner,
        )
    assert field in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_year_to_the_day_is_allowed(make_token, make_staff, service):
    token, _secret = make_token(make_staff(Role.CASE_MANAGER, service), [service], days=365)
    assert token.expires_on == timezone.localdate() + datetime.timedelta(days=365)


# --- signing in with a token --------------------------------------------------------------


def test_a_token_reads_the_api_as_its_owner(make_token, make_staff, service):
    episode = _episode(service)
    _token, secret = make_token(make_staff(Role.CASE_MANAGER, service), [service])
    response = _api().get(reverse("api:episodes"), **bearer(secret))
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [episode.pk]
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("problem", ["expired", "revoked", "owner inactive", "wrong secret"])
def test_a_dead_token_gets_401(make_token, make_staff, service, problem):
    owner = make_staff(Role.CASE_MANAGER, service)
    token, secret = make_token(owner, [service])
    if problem == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    elif problem == "revoked":
        revoke_token(token, by=owner)
    elif problem == "owner inactive":
        owner.is_active = False
        owner.save()
    else:
        secret = secret[:-4] + "AAAA"
    response = _api().get(reverse("api:episodes"), **bearer(secret))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Invalid token" in response.json()["detail"]
    refused = AccessEvent.objects.get(action=Action.LOGIN_FAILED)
    assert refused.detail == f"API token refused: vrt_{token.prefix}"


def test_garbage_after_bearer_is_401_not_an_error(db):
    for value in ["Bearer", "Bearer a b", "Bearer not-a-token", "Bearer vrt_zz_zz"]:
        response = _api().get(reverse("api:episodes"), HTTP_AUTHORIZATION=value)
        assert response.status_code == 401, value


def test_the_last_use_is_recorded(make_token, make_staff, service):
    token, secret = make_token(make_staff(Role.CASE_MANAGER, service), [service])
    assert token.last_used_at is None
    _api().get(reverse("api:episodes"), **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- scopes ---------------------------------------------------------------------------


def test_a_token_without_the_operations_scope_is_refused(make_token, make_staff, service):
    episode = _episode(service)
    owner = make_staff(Role.CASE_MANAGER, service)
    _token, secret = make_token(owner, [service], scopes=[Scope.REPORTS_READ])
    response = _api().get(reverse("api:episode", args=[episode.pk]), **bearer(secret))
    assert response.status_code == 403
    assert "episodes:read" in response.json()["detail"]
    response = _api().post(
        reverse("api:contacts", args=[episode.pk]),
        {"contact_date": str(episode.referral_date), "mode": "phone", "contact_with": "client"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert not episode.contacts.exists()


def test_an_operation_that_declares_no_scope_is_refused_to_tokens(make_token, make_staff, service):
    _token, secret = make_token(make_staff(Role.SERVICE_MANAGER, service), [service])
    response = _api().get(reverse("api:schema"), **bearer(secret))
    assert response.status_code == 403


def test_a_token_cannot_do_more_than_its_owners_roles(make_token, make_staff, service):
    # A commissioner's token holding every scope still reads no episode.
    _episode(service)
    _token, secret = make_token(make_staff(Role.COMMISSIONER, service), [service])
    assert _api().get(reverse("api:episodes"), **bearer(secret)).status_code == 403
    response = _api().get(reverse("api:evaluation"), {"service": service.code}, **bearer(secret))
    assert response.status_code == 200


# --- services -------------------------------------------------------------------------


@pytest.fixture
def two_service_manager(make_staff, service, other_service, organisation):
    user = make_staff(Role.SERVICE_MANAGER, service)
    Membership.objects.create(
        user=user, organisation=organisation, service=other_service, role=Role.SERVICE_MANAGER
    )
    return user


def test_a_token_sees_only_its_services(make_token, two_service_manager, service, other_service):
    mine = _episode(service)
    theirs = _episode(other_service)
    _token, secret = make_token(two_service_manager, [service])
    listing = _api().get(reverse("api:episodes"), **bearer(secret))
    assert [row["id"] for row in listing.json()["results"]] == [mine.pk]
    other = _api().get(reverse("api:episode", args=[theirs.pk]), **bearer(secret))
    assert other.status_code == 404
    refused = _api().get(reverse("api:episodes"), {"service": other_service.code}, **bearer(secret))
    assert refused.status_code == 400
    report = _api().get(
        reverse("api:evaluation"), {"service": other_service.code}, **bearer(secret)
    )
    assert report.status_code == 400
    # The owner's session still sees both.
    browser = Browser()
    browser.force_login(two_service_manager)
    assert browser.get(reverse("api:episodes")).json()["count"] == 2


def test_an_organisation_wide_role_is_narrowed_to_the_tokens_services(
    make_token, make_staff, service, other_service
):
    from vocrehab.accounts import access

    admin = make_staff(Role.ADMINISTRATOR)
    token, _secret = make_token(admin, [service])
    admin.api_token = token
    assert list(access.services_for(admin, access.Perm.MANAGE_SERVICE)) == [service]
    assert access.roles(admin, other_service) == set()


def test_a_token_loses_a_service_when_its_owner_does(make_token, make_staff, service):
    _episode(service)
    owner = make_staff(Role.CASE_MANAGER, service)
    _token, secret = make_token(owner, [service])
    Membership.objects.filter(user=owner).update(active=False)
    assert _api().get(reverse("api:episodes"), **bearer(secret)).status_code == 403


# --- the access log --------------------------------------------------------------------


def test_every_token_request_is_in_the_access_log_with_the_tokens_name(
    make_token, make_staff, service
):
    episode = _episode(service)
    token, secret = make_token(make_staff(Role.CASE_MANAGER, service), [service])
    _api().get(reverse("api:episode", args=[episode.pk]), **bearer(secret))
    label = f"Outcomes dashboard ({token.prefix})"
    request_event = AccessEvent.objects.get(action=Action.API_REQUEST)
    assert request_event.token == label
    assert request_event.detail == f"GET /api/v1/episodes/{episode.pk}/ answered 200"
    read = AccessEvent.objects.get(action=Action.READ, object_id=str(episode.pk))
    assert read.token == label
    assert read.user_id == token.owner_id
    # A refused request is logged too.
    _api().get(reverse("api:schema"), **bearer(secret))
    assert AccessEvent.objects.filter(action=Action.API_REQUEST, token=label).count() == 2


def test_a_change_made_with_a_token_names_its_owner_and_token(make_token, make_staff, service):
    from auditlog.models import LogEntry

    owner = make_staff(Role.CASE_MANAGER, service)
    episode = _episode(service, case_manager=owner)
    token, secret = make_token(owner, [service], scopes=[Scope.CONTACTS_WRITE])
    response = _api().post(
        reverse("api:contacts", args=[episode.pk]),
        {"contact_date": str(episode.referral_date), "mode": "phone", "contact_with": "client"},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 201, response.content
    entry = LogEntry.objects.get(content_type__model="contact")
    assert entry.actor_id == owner.pk
    created = AccessEvent.objects.get(action=Action.CREATE, object_type="casework.contact")
    assert created.token == f"Outcomes dashboard ({token.prefix})"


def test_the_audit_log_page_shows_the_token(make_token, make_staff, signed_in, service):
    episode = _episode(service)
    token, secret = make_token(make_staff(Role.CASE_MANAGER, service), [service])
    _api().get(reverse("api:episode", args=[episode.pk]), **bearer(secret))
    auditor, _user = signed_in(Role.AUDITOR)
    page = auditor.get(reverse("audit:log"))
    assert f"with API token Outcomes dashboard ({token.prefix})" in page.content.decode()


# --- never the web pages --------------------------------------------------------------


def test_a_token_opens_no_web_page_nor_the_admin(make_token, make_staff, service):
    episode = _episode(service)
    owner = make_staff(Role.SERVICE_MANAGER, service)
    owner.is_staff = owner.is_superuser = True
    owner.save()
    _token, secret = make_token(owner, [service])
    for url in [
        reverse("home"),
        reverse("casework:episode", args=[episode.pk]),
        reverse("api:docs"),
        reverse("accounts:tokens"),
        "/admin/",
        "/admin/accounts/user/",
    ]:
        response = _api().get(url, **bearer(secret))
        assert response.status_code == 302, url
        assert "login" in response["Location"], url


def test_the_token_authentication_refuses_paths_outside_the_api(make_token, make_staff, service):
    _token, secret = make_token(make_staff(Role.CASE_MANAGER, service), [service])
    request = Request(RequestFactory().get("/casework/", **bearer(secret)))
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate(request)


def test_a_system_account_cannot_sign_in(make_staff, service, client):
    account = make_staff(Role.CASE_MANAGER, service, password="a long synthetic passphrase")
    account.is_system_account = True
    account.save()
    client.post(
        reverse("account_login"),
        {"login": account.email, "password": "a long synthetic passphrase"},
    )
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- rate limits ------------------------------------------------------------------------


def test_an_address_guessing_tokens_is_refused_every_token_for_the_rest_of_the_minute(
    make_token, make_staff, service, rate_clock, monkeypatch
):
    """After REFUSED_TOKENS_PER_MINUTE refused tokens from one address, every token from
    it gets 429, a good one too (or a guesser could tell a hit by its 200); another
    address, and the next minute, are not held up."""
    owner = make_staff(Role.CASE_MANAGER, service)
    _token, secret = make_token(owner, [service])
    guess = f"vrt_{'a' * 10}_{'b' * 43}"
    url = reverse("api:episodes")
    refused = [
        _api().get(url, **bearer(guess)).status_code for _ in range(REFUSED_TOKENS_PER_MINUTE)
    ]
    assert refused == [401] * REFUSED_TOKENS_PER_MINUTE
    held = _api().get(url, **bearer(secret))
    assert held.status_code == 429
    assert int(held["Retry-After"]) == 30  # the rest of the minute
    assert _api().get(url, **bearer(guess)).status_code == 429
    elsewhere = _api().get(url, REMOTE_ADDR="192.0.2.7", **bearer(secret))
    assert elsewhere.status_code == 200
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: MID_WINDOW + 60))
    assert _api().get(url, **bearer(secret)).status_code == 200


def test_requests_over_the_tokens_rate_get_429_with_retry_after(
    make_token, make_staff, service, settings, rate_clock
):
    settings.VOCREHAB_API_TOKEN_RATE = "3/minute"
    owner = make_staff(Role.CASE_MANAGER, service)
    _token, secret = make_token(owner, [service])
    _other, other_secret = make_token(owner, [service], name="Another")
    codes = [_api().get(reverse("api:episodes"), **bearer(secret)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = _api().get(reverse("api:episodes"), **bearer(secret))
    assert int(limited["Retry-After"]) == 30  # the rest of the minute
    # Each token has its own count; the owner's session is not limited by it.
    assert _api().get(reverse("api:episodes"), **bearer(other_secret)).status_code == 200
    browser = Browser()
    browser.force_login(owner)
    assert browser.get(reverse("api:episodes")).status_code == 200
