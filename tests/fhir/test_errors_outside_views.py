"""Errors that happen outside the FHIR views still answer a FHIR client in FHIR."""

from unittest import mock

import pytest

from tests.database.helpers import database_locked
from vocrehab.accounts.models import Role


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
