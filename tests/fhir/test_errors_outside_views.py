"""Errors that happen outside the FHIR views still answer a FHIR client in FHIR."""

import json
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tests.database.helpers import database_locked
from vocrehab.accounts.models import Role
from vocrehab.views import permission_denied, server_error


@pytest.mark.django_db
def test_an_unknown_address_is_an_operation_outcome(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.get("/fhir/r4/Patient/1/_history/2/more")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["code"] == "not-found"


@pytest.mark.django_db
def test_a_busy_database_is_a_transient_operation_outcome(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    with mock.patch("vocrehab.fhir.queries.read", side_effect=database_locked()):
        response = client.get("/fhir/r4/Patient/1")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["issue"][0]["code"] == "transient"


@pytest.mark.django_db
def test_an_unexpected_error_is_an_operation_outcome_not_a_page(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    client.raise_request_exception = False
    with mock.patch("vocrehab.fhir.queries.read", side_effect=RuntimeError("synthetic fault")):
        response = client.get("/fhir/r4/Patient/1")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/fhir+json"
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "exception"
    assert "synthetic fault" not in response.content.decode()
    # The web pages keep their page.
    with mock.patch("vocrehab.views.render", return_value=HttpResponse(status=500)) as page:
        server_error(RequestFactory().get("/casework/"))
    page.assert_called_once()


def test_a_refusal_outside_the_views_is_an_operation_outcome():
    response = permission_denied(RequestFactory().get("/fhir/r4/Patient/1"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/fhir+json"
    assert json.loads(response.content)["issue"][0]["code"] == "forbidden"
