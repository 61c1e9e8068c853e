from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_not(client):
    with mock.patch(
        "vocrehab.accounts.views.connection.cursor", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_anonymous_pages_other_than_public_ones_go_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_form_sent_without_its_token_gets_a_plain_english_page(make_staff, service):
    from django.test import Client

    from vocrehab.accounts.models import Role

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff(Role.CASE_MANAGER, service))
    response = client.post("/staff/switch-service/", {"service": service.pk})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
