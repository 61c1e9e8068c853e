"""Every resource type the server produces parses and validates as FHIR, with UK Core's
profile and identifier systems; nothing licensed or private leaks into it."""

import json

import pytest

from tests.fhir.conftest import NHS_NUMBER
from tests.fhir.helpers import check_uk_core, entries, validate
from vocrehab.accounts.models import Role
from vocrehab.fhir import systems
from vocrehab.fhir.queries import ALL_TYPES
from vocrehab.measures.models import ItemWording


@pytest.fixture
def record(make_record, service):
    return make_record(service)


def _search(client, type_name, **params):
    response = client.get(f"/fhir/r4/{type_name}", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    validate(bundle)
    return entries(bundle)


@pytest.mark.django_db
def test_every_type_validates_and_claims_its_uk_core_profile(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    seen = {}
    for type_name in ALL_TYPES:
        params = {} if type_name == "Questionnaire" else {"_count": 100}
        found = _search(client, type_name, **params)
        assert found, f"no {type_name}"
        for resource in found:
            assert resource["resourceType"] == type_name
            validate(resource)
            check_uk_core(resource)
        seen[type_name] = found
    patient = seen["Patient"][0]
    assert {"system": systems.NHS_NUMBER, "value": NHS_NUMBER} in patient["identifier"]
    assert patient["gender"] == "female" and patient["birthDate"] == "1978-04-01"
    episode = seen["EpisodeOfCare"][0]
    assert episode["status"] == "finished"
    assert episode["type"][0]["coding"][0]["code"] == "3"
    assert episode["careManager"]["display"].startswith("Case Manager")
    ids = {r["id"] for r in seen["ServiceRequest"]}
    assert ids == {f"referral-{record.pk}", f"onward-{record.onward.get().pk}"}
    visit = next(r for r in seen["Encounter"] if r["class"]["code"] == "AMB")
    codes = [c["coding"][0]["code"] for c in visit["type"]]
    assert codes == ["face_to_face", "assessment", "goal_setting"]
    # Answers as given; the invited (unanswered) questionnaire gives no response.
    assert {r["questionnaire"].rsplit("/", 1)[1] for r in seen["QuestionnaireResponse"]} == {
        "eq5d5l",
        "hads",
        "copm",
        "followup_survey",
        "satisfaction",
    }
    scores = {
        c["code"]: r
        for r in seen["Observation"]
        for c in r["code"]["coding"]
        if c["system"] == systems.code_system("scores")
    }
    assert scores["hads.anxiety"]["valueQuantity"]["value"] == 7
    assert scores["hads.depression"]["valueQuantity"]["value"] == 14
    assert scores["hads.depression"]["interpretation"][0]["coding"][0]["code"] == "moderate"
    assert scores["eq5d5l.vas"]["valueQuantity"]["value"] == 70
    assert "eq5d5l.index" in scores
    assert scores["copm.performance"]["valueQuantity"]["value"] == 4
    work = [r for r in seen["Observation"] if r["id"].startswith("work-")]
    assert [w["valueCodeableConcept"]["coding"][0]["code"] for w in work] == [
        "off_sick",
        "at_work",
    ]
    assert seen["Goal"][0]["achievementStatus"]["coding"][0]["code"] == "achieved"
    plans = {p["title"]: p for p in seen["CarePlan"]}
    current = plans["Phased return to work, version 2"]
    assert current["status"] == "completed"  # the episode is discharged
    assert [a["detail"]["status"] for a in current["activity"]] == ["completed", "scheduled"]
    assert plans["Phased return to work, version 1"]["status"] == "revoked"
    assert "Private note" not in json.dumps(seen)


@pytest.mark.django_db
def test_everything_metadata_and_errors_validate(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    bundle = client.get(f"/fhir/r4/Patient/{record.client_id}/$everything").json()
    validate(bundle)
    kinds = {r["resourceType"] for r in entries(bundle)}
    assert kinds == set(ALL_TYPES) - {"Questionnaire"}
    assert entries(bundle)[0]["resourceType"] == "Patient"
    validate(client.get("/fhir/r4/metadata").json())
    validate(client.get("/fhir/r4/Patient/999999").json())
    validate(client.get("/fhir/r4/Patient?name=x").json())


@pytest.mark.django_db
def test_licensed_wording_only_when_loaded(signed_in, record):
    client, _user = signed_in(Role.CASE_MANAGER)
    items = {
        i["linkId"]: i["text"] for i in client.get("/fhir/r4/Questionnaire/hads").json()["item"]
    }
    assert items["a1"] == "HADS item A1"
    ItemWording.objects.create(instrument="hads", item="a1", text="Licensed wording of A1")
    questionnaire = client.get("/fhir/r4/Questionnaire/hads").json()
    validate(questionnaire)
    assert questionnaire["item"][0]["text"] == "Licensed wording of A1"
