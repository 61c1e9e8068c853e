"""Re-authentication before sensitive changes asks for the password or the authenticator.

A code sent by email would make a member of staff's mailbox a way around their second
factor, so allauth's re-authentication-by-code views are switched off and refuse.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from vocrehab.accounts.models import Role


@pytest.fixture
def staff_with_verified_email(signed_in):
    client, user = signed_in(Role.CASE_MANAGER)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return client, user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["account_request_reauthentication_code", "account_confirm_reauthentication_code"]
)
def test_reauthentication_by_emailed_code_is_refused(staff_with_verified_email, url_name):
    client, _ = staff_with_verified_email
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"email": "x@example.org"}).status_code == 403


@pytest.mark.django_db
def test_reauthentication_page_offers_no_emailed_code(staff_with_verified_email):
    client, _ = staff_with_verified_email
    page = client.get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    assert reverse("account_request_reauthentication_code") not in page.content.decode()
    assert reverse("mfa_reauthenticate") in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["account_request_reauthentication_code", "account_confirm_reauthentication_code"]
)
def test_anonymous_users_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
