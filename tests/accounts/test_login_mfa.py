"""Signing in: password then a TOTP code, over HTTP, as a member of staff does it."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action

PASSWORD = "correct horse battery staple"


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def staff_with_totp(make_staff, service):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_staff(Role.CASE_MANAGER, service, mfa=False, email="cm@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


@pytest.mark.django_db
def test_password_then_code_signs_in(client, staff_with_totp):
    user, secret = staff_with_totp
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the home page still sends us to sign in.
    assert client.get(reverse("home")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert AccessEvent.objects.filter(user=user, action=Action.LOGIN).exists()


@pytest.mark.django_db
def test_a_wrong_code_does_not_sign_in(client, staff_with_totp):
    user, _secret = staff_with_totp
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, staff_with_totp):
    user, secret = staff_with_totp
    code = current_code(secret)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # refused: form shown again
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_staff_without_a_second_factor_must_enrol_first(client, make_staff, service):
    user = make_staff(Role.CASE_MANAGER, service, mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("audit:log")).status_code == 302


@pytest.mark.django_db
def test_unknown_account_and_wrong_password_get_the_same_message(client, make_staff, service):
    user = make_staff(Role.CASE_MANAGER, service)
    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "nope-nope"})
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(
    client, make_staff, service, django_capture_on_commit_callbacks
):
    from django.core import mail

    user = make_staff(Role.CASE_MANAGER, service)
    # The email is queued when the request commits, and sent by the worker.
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": user.email})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_password_reset_does_not_bypass_the_second_factor(
    client, staff_with_totp, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    user, _secret = staff_with_totp
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "a whole new passphrase 2026"
    client.post(form_url, {"password1": new_password, "password2": new_password})
    # The reset does not sign in; signing in still asks for the code.
    assert client.get(reverse("home")).status_code == 302
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": new_password}
    )
    assert response["Location"] == reverse("mfa_authenticate")


@pytest.mark.django_db
def test_logout_ends_the_session(client, signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert b"closed" in response.content.lower() or response.status_code in (403, 404)


@pytest.mark.django_db
def test_first_enrolment_needs_no_second_password_but_changes_do(client, make_staff, service):
    from allauth.mfa.models import Authenticator

    from vocrehab.accounts.middleware import user_has_mfa

    user = make_staff(Role.CASE_MANAGER, service, mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert user_has_mfa(user)
    # Recovery codes come with the first factor.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("home")).status_code == 200
    # Removing the factor asks for the password again.
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_the_sign_in_page_leads_referrers_and_clients_to_the_public_referral_form(client):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    start = reverse("referrals:public_start")
    assert f'href="{start}"' in page.text
    assert client.get(start).status_code == 200  # open to anyone, no account needed
