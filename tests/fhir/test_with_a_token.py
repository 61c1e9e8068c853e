"""An integration holding only a token: it reads a service's records as FHIR, exports them
in bulk and records a contact through the API; everything it does is in the access log
with the token's name, and it sees nothing outside the token's services and scopes."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from vocrehab.accounts.models import Role, Scope
from vocrehab.accounts.tokens import issue_token
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import Contact

from .helpers import validate

pytestmark = pytest.mark.django_db
NAME = "Regional outcomes feed"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # token rate limits are counted in the cache
    yield
    cache.clear()


def _token(owner, services, scopes):
    issued = issue_token(
        name=NAME,
        owner=owner,
        scopes=scopes,
        services=list(services),
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        by=owner,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


@pytest.fixture
def integration(make_staff, make_record, service, other_service, client):
    """A service manager of both services; a token for the first, FHIR and contacts only."""
    owner = make_staff(Role.SERVICE_MANAGER, service)
    owner.memberships.create(
        organisation=other_service.organisation, service=other_service, role=Role.SERVICE_MANAGER
    )
    ours = make_record(service)
    theirs = make_record(other_service, reference="OTHER1", nhs_number="9434765870")
    bearer = _token(owner, [service], [Scope.FHIR_READ, Scope.CONTACTS_WRITE])
    return client, bearer, ours, theirs


def test_reads_its_services_records_as_fhir_and_nothing_else(integration):
    client, bearer, ours, theirs = integration
    response = client.get(f"/fhir/r4/Patient/{ours.client_id}", **bearer)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    validate(response.json())
    # The owner manages the other service too, but the token does not cover it.
    response = client.get(f"/fhir/r4/Patient/{theirs.client_id}", **bearer)
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    bundle = client.get("/fhir/r4/EpisodeOfCare", **bearer).json()
    assert [e["resource"]["id"] for e in bundle.get("entry", [])] == [str(ours.pk)]
    # A token never opens a web page.
    assert client.get(reverse("casework:episode", args=[ours.pk]), **bearer).status_code in (
        302,
        401,
        403,
    )
    events = AccessEvent.objects.filter(token__startswith=NAME)
    assert events.filter(client_id=ours.client_id).exists()
    assert not events.filter(client_id=theirs.client_id).exists()


def test_a_token_without_the_fhir_scope_is_refused(make_staff, make_record, service, client):
    owner = make_staff(Role.SERVICE_MANAGER, service)
    record = make_record(service)
    bearer = _token(owner, [service], [Scope.CONTACTS_WRITE])
    response = client.get(f"/fhir/r4/Patient/{record.client_id}", **bearer)
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


def test_exports_in_bulk_with_the_token(integration, django_capture_on_commit_callbacks):
    client, bearer, ours, theirs = integration
    # The owner may export both services; the token covers one.
    refused = client.get(
        f"/fhir/r4/Group/{theirs.service.code}/$export", HTTP_PREFER="respond-async", **bearer
    )
    assert refused.status_code == 404
    assert refused.json()["resourceType"] == "OperationOutcome"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/fhir/r4/$export", HTTP_PREFER="respond-async", **bearer)
    assert response.status_code == 202, response.content
    status_url = response["Content-Location"]
    manifest = client.get(status_url, **bearer).json()
    patients = next(o for o in manifest["output"] if o["type"] == "Patient")
    download = client.get(patients["url"], **bearer)
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(ours.client_id)]
    assert AccessEvent.objects.filter(token__startswith=NAME, detail__contains="export").exists()
    # The token cancels its export.
    assert client.delete(status_url, **bearer).status_code == 202
    assert client.get(status_url, **bearer).status_code == 404


def test_records_a_contact_through_the_api(integration):
    client, bearer, ours, theirs = integration
    body = {
        "contact_date": (ours.referral_date + datetime.timedelta(days=3)).isoformat(),
        "mode": "phone",
        "contact_with": "client",
        "minutes": 20,
        "interventions": ["goal_setting"],
    }
    url = reverse("api:contacts", args=[ours.pk])
    response = client.post(url, body, content_type="application/json", **bearer)
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.episode_id == ours.pk
    theirs_url = reverse("api:contacts", args=[theirs.pk])
    response = client.post(theirs_url, body, content_type="application/json", **bearer)
    assert response.status_code == 404
    assert not Contact.objects.filter(episode=theirs, minutes=20).exists()
    assert AccessEvent.objects.filter(token__startswith=NAME, path__contains="contacts").exists()


def test_a_token_over_its_rate_gets_a_throttled_operation_outcome(
    integration, settings, rate_clock
):
    client, bearer, ours, _theirs = integration
    settings.VOCREHAB_API_TOKEN_RATE = "2/hour"
    url = f"/fhir/r4/Patient/{ours.client_id}"
    codes = [client.get(url, **bearer).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = client.get(url, **bearer)
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["code"] == "throttled"
    assert int(response["Retry-After"]) == 1770  # the rest of the hour
