"""Reading and searching through /fhir/r4/: who may, what they find, what the log says."""

import pytest

from tests.fhir.conftest import NHS_NUMBER
from tests.fhir.helpers import entries
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.fhir import systems


@pytest.fixture
def record(make_record, service):
    return make_record(service)


def _outcome(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


@pytest.mark.django_db
def test_anonymous_requests_get_401_not_a_sign_in_page(client, record):
    issue = _outcome(client.get(f"/fhir/r4/Patient/{record.client_id}"), 401)
    assert issue["code"] == "login"


@pytest.mark.django_db
def test_anyone_may_read_the_capability_statement(client, record):
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    body = response.json()
    assert body["resourceType"] == "CapabilityStatement"
    assert "Alex" not in response.content.decode()  # it describes the interface, no record


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN_ASSISTANT, Role.AUDITOR])
def test_roles_that_may_not_see_people_are_refused(signed_in, record, role):
    client, _user = signed_in(role)
    assert _outcome(client.get(f"/fhir/r4/Patient/{record.client_id}"), 403)["code"] == "forbidden"
    assert _outcome(client.get("/fhir/r4/Observation"), 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.SERVICE_MANAGER])
def test_staff_who_see_people_may_read(signed_in, record, role):
    client, _user = signed_in(role)
    response = client.get(f"/fhir/r4/EpisodeOfCare/{record.pk}")
    assert response.status_code == 200
    assert response.json()["patient"] == {"reference": f"Patient/{record.client_id}"}


@pytest.mark.django_db
def test_another_services_records_are_not_found(signed_in, make_record, other_service):
    theirs = make_record(other_service, reference="OT001")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    for path in (
        f"Patient/{theirs.client_id}",
        f"EpisodeOfCare/{theirs.pk}",
        f"ServiceRequest/referral-{theirs.pk}",
        f"Encounter/{theirs.contacts.first().pk}",
        f"Observation/work-{theirs.pk}-referral",
        f"Patient/{theirs.client_id}/$everything",
    ):
        assert _outcome(client.get(f"/fhir/r4/{path}"), 404)["code"] == "not-found", path
    assert entries(client.get("/fhir/r4/Patient").json()) == []
    assert entries(client.get(f"/fhir/r4/Encounter?patient={theirs.client_id}").json()) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,status,words",
    [
        ("Patient/abc", 404, "No Patient abc"),
        ("Observation/score-1-nothing", 404, "No Observation"),
        ("Practitioner/1", 404, "no resource type Practitioner"),
        ("Patient?name=Smith", 400, "cannot be searched by name"),
        ("Encounter?date=yesterday", 400, "is not a date"),
        ("Encounter?patient=Group/1", 400, "not a Patient id"),
        ("Encounter?_count=-3", 400, "_count must be"),
        ("Patient?identifier=urn:other|123", 400, "not one this server knows"),
        ("Patient?_format=xml", 400, "JSON only"),
    ],
)
def test_bad_requests_answer_with_an_operation_outcome(signed_in, record, path, status, words):
    client, _user = signed_in(Role.CASE_MANAGER)
    issue = _outcome(client.get(f"/fhir/r4/{path}"), status)
    assert words in issue["diagnostics"]


@pytest.mark.django_db
def test_writes_are_not_supported(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.post("/fhir/r4/Patient", {}, content_type="application/fhir+json")
    assert _outcome(response, 405)["code"] == "not-supported"


@pytest.mark.django_db
def test_patient_by_nhs_number_reference_and_id(signed_in, record, make_record, service):
    make_record(service, reference="FC002", nhs_number="")
    client, _user = signed_in(Role.CASE_MANAGER)

    def ids(query):
        return [r["id"] for r in entries(client.get(f"/fhir/r4/Patient?{query}").json())]

    assert ids(f"identifier={systems.NHS_NUMBER}|{NHS_NUMBER}") == [str(record.client_id)]
    assert ids(f"identifier={systems.CHI_NUMBER}|{NHS_NUMBER}") == []
    assert ids(f"identifier={systems.client_reference(service.code)}|FC001") == [
        str(record.client_id)
    ]
    assert ids("identifier=FC001") == [str(record.client_id)]
    assert ids(f"_id={record.client_id}") == [str(record.client_id)]
    assert len(ids("")) == 2


@pytest.mark.django_db
def test_encounters_by_patient_and_date(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    base = f"/fhir/r4/Encounter?patient=Patient/{record.client_id}"
    assert len(entries(client.get(base).json())) == 2
    found = entries(client.get(f"{base}&date=ge2025-03-10").json())
    assert [r["period"]["start"] for r in found] == ["2025-03-23"]
    found = entries(client.get(f"{base}&date=2025-03-06").json())
    assert [r["period"]["start"] for r in found] == ["2025-03-06"]


@pytest.mark.django_db
def test_observations_by_code(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    base = f"/fhir/r4/Observation?patient={record.client_id}"
    found = entries(client.get(f"{base}&code=hads.anxiety").json())
    assert [r["valueQuantity"]["value"] for r in found] == [7]
    scores = systems.code_system("observations")
    found = entries(client.get(f"{base}&code={scores}|work-status&date=ge2025-04-01").json())
    assert [r["id"] for r in found] == [f"work-{record.pk}-discharge"]


@pytest.mark.django_db
def test_paging_follows_next_links(signed_in, make_record, service):
    for n in range(5):
        make_record(service, reference=f"PG{n}", nhs_number="")
    client, _user = signed_in(Role.CASE_MANAGER)
    url, seen, pages = "/fhir/r4/Patient?_count=2", [], 0
    while url:
        bundle = client.get(url).json()
        seen += [r["id"] for r in entries(bundle)]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    # Observations: several per questionnaire, paged across both of their sources.
    every = [r["id"] for r in entries(client.get("/fhir/r4/Observation?_count=500").json())]
    url, paged = "/fhir/r4/Observation?_count=7", []
    while url:
        bundle = client.get(url).json()
        paged += [r["id"] for r in entries(bundle)]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    assert paged == every


@pytest.mark.django_db
def test_search_pages_take_a_fixed_number_of_queries(
    signed_in, make_record, service, django_assert_max_num_queries
):
    for n in range(3):
        make_record(service, reference=f"Q{n}", nhs_number="")
    client, _user = signed_in(Role.CASE_MANAGER)
    client.get("/fhir/r4/metadata")  # the session and the user's memberships, once
    for type_name in ("Patient", "EpisodeOfCare", "Encounter", "QuestionnaireResponse"):
        with django_assert_max_num_queries(12):
            assert client.get(f"/fhir/r4/{type_name}").status_code == 200


@pytest.mark.django_db
def test_reads_searches_and_everything_are_in_the_access_log(signed_in, record):
    client, user = signed_in(Role.CASE_MANAGER)
    client.get(f"/fhir/r4/Encounter/{record.contacts.first().pk}")
    event = AccessEvent.objects.get(user=user, detail__startswith="FHIR Encounter/")
    assert event.action == Action.READ
    assert (event.client_id, event.service_id) == (record.client_id, record.service_id)
    client.get("/fhir/r4/Observation")
    listed = AccessEvent.objects.get(user=user, detail__startswith="FHIR Observation search")
    assert listed.clients_listed == f" {record.client_id} "
    client.get(f"/fhir/r4/Patient/{record.client_id}/$everything")
    assert AccessEvent.objects.filter(
        user=user, client_id=record.client_id, detail__endswith="$everything"
    ).exists()
    client.get("/fhir/r4/Questionnaire/hads")  # a definition, nobody's record
    assert not AccessEvent.objects.filter(detail__contains="Questionnaire/").exists()
