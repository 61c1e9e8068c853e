"""Every resource type the server produces parses and validates as FHIR, with UK Core's
profile and identifier systems; nothing licensed or private leaks into it."""

import datetime
import json

import pytest

from tests.fhir.conftest import NHS_NUMBER
from tests.fhir.helpers import check_uk_core, entries, validate
from vocrehab.accounts.models import Role
from vocrehab.codes import Timepoint, WorkStatus
from vocrehab.fhir import systems
from vocrehab.fhir.queries import ALL_TYPES
from vocrehab.measures.instruments import INSTRUMENTS, ItemKind
from vocrehab.measures.models import Administration, AdministrationStatus, ItemValue, ItemWording


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


def _answers_for(instrument) -> dict:
    """An answer to every item of ``instrument``: the highest number, the first code."""
    values = {}
    for item in instrument.items:
        if item.kind is ItemKind.NUMBER:
            values[item.code] = item.max if item.max is not None else (item.min or 1)
        elif item.kind is ItemKind.YES_NO:
            values[item.code] = 1
        elif item.kind is ItemKind.CODE:
            values[item.code] = item.choices[0]
        else:
            values[item.code] = "Synthetic answer"
    assert instrument.validate(values) == {}, instrument.code
    return values


@pytest.mark.django_db
def test_every_questionnaire_gives_valid_responses_and_scores(signed_in, record):
    """Every instrument the server knows, answered in full, gives a QuestionnaireResponse
    and its scores as Observations that validate; PHQ-9 and GAD-7 carry their LOINC
    codes beside the project's own, and the work status at follow-up is an Observation."""
    client, _user = signed_in(Role.CASE_MANAGER)
    record.followup_date = record.discharge_date + datetime.timedelta(days=180)
    record.work_status_at_followup = WorkStatus.AT_WORK
    record.save()
    for code, instrument in INSTRUMENTS.items():
        administration = Administration.objects.create(
            episode=record,
            instrument=code,
            timepoint=Timepoint.AD_HOC,
            date=record.referral_date + datetime.timedelta(days=30),
            status=AdministrationStatus.COMPLETED,
        )
        for item, value in _answers_for(instrument).items():
            if isinstance(value, str):
                ItemValue.objects.create(administration=administration, item=item, text_value=value)
            else:
                ItemValue.objects.create(administration=administration, item=item, value=value)

    bundle = client.get(f"/fhir/r4/Patient/{record.client_id}/$everything").json()
    found = entries(bundle)
    for resource in found:
        validate(resource)
        check_uk_core(resource)
    responses = {
        r["questionnaire"].rsplit("/", 1)[1]
        for r in found
        if r["resourceType"] == "QuestionnaireResponse"
    }
    assert responses == set(INSTRUMENTS)
    codings = [
        coding
        for r in found
        if r["resourceType"] == "Observation"
        for coding in r["code"]["coding"]
    ]
    own = {c["code"] for c in codings if c["system"] == systems.code_system("scores")}
    assert {"phq9.total", "gad7.total", "who5.total", "eq5d5l.index", "eq5d5l.vas"} <= own
    assert {"hads.anxiety", "hads.depression", "copm.performance", "copm.satisfaction"} <= own
    loinc = {c["code"] for c in codings if c["system"] == systems.LOINC}
    assert loinc == {"44261-6", "70274-6"}
    work = [r["id"] for r in found if r["id"].startswith("work-")]
    assert work == [f"work-{record.pk}-{point}" for point in ("referral", "discharge", "followup")]

    # A LOINC code finds the score it names.
    search = client.get(
        f"/fhir/r4/Observation?patient={record.client_id}&code={systems.LOINC}|44261-6"
    ).json()
    validate(search)
    assert [r["valueQuantity"]["value"] for r in entries(search)] == [27]
