"""A synthetic service of 1,000 episodes through bulk export: every resource validates and
the counts per type are the database's."""

import datetime
import json

import pytest

from tests.fhir.helpers import check_uk_core, validate
from vocrehab.accounts.models import Role, Service
from vocrehab.casework.models import Contact, Goal, OnwardReferral, ReturnPlan
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.fhir.queries import ALL_TYPES
from vocrehab.interchange.importer import import_dataset
from vocrehab.interchange.synth import write_synthetic_dataset
from vocrehab.measures.instruments import INSTRUMENTS
from vocrehab.measures.models import Administration, AdministrationStatus
from vocrehab.measures.scores import scorable

pytestmark = pytest.mark.django_db
EPISODES = 1000


def _database_counts(service) -> dict[str, int]:
    episodes = Episode.objects.filter(service=service)
    work_statuses = sum(
        episodes.exclude(**{field: ""}).count()
        for field in (
            "work_status_at_referral",
            "work_status_at_discharge",
            "work_status_at_followup",
        )
    )
    answered = Administration.objects.filter(
        episode__service=service,
        status__in=[AdministrationStatus.COMPLETED, AdministrationStatus.IN_PROGRESS],
    )
    return {
        "Patient": Client.objects.filter(service=service).count(),
        "EpisodeOfCare": episodes.count(),
        "ServiceRequest": episodes.count()
        + OnwardReferral.objects.filter(episode__service=service).count(),
        "Encounter": Contact.objects.filter(episode__service=service).count(),
        "QuestionnaireResponse": answered.count(),
        "work status": work_statuses,
        "Goal": Goal.objects.filter(episode__service=service).count(),
        "CarePlan": ReturnPlan.objects.filter(episode__service=service).count(),
        "Questionnaire": len(INSTRUMENTS),
    }


def test_a_synthetic_service_round_trips_through_bulk_export(
    signed_in, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    write_synthetic_dataset(tmp_path / "synth", episodes=EPISODES, seed=7, services=1)
    summary = import_dataset(
        tmp_path / "synth", create_services=True, today=datetime.date(2026, 1, 1)
    )
    assert not summary.errors, summary.errors[:3]
    service = Service.objects.get()
    assert Episode.objects.filter(service=service).count() == EPISODES
    client, _user = signed_in(Role.SERVICE_MANAGER, service)

    with django_capture_on_commit_callbacks(execute=True):
        kick_off = client.get(f"/fhir/r4/Group/{service.code}/$export", HTTP_PREFER="respond-async")
    manifest = client.get(kick_off["Content-Location"]).json()
    exported: dict[str, list[dict]] = {}
    for output in manifest["output"]:
        body = b"".join(client.get(output["url"]).streaming_content)
        exported[output["type"]] = [json.loads(line) for line in body.splitlines()]
        assert len(exported[output["type"]]) == output["count"]
    assert list(exported) == list(ALL_TYPES)

    expected = _database_counts(service)
    observations = exported.pop("Observation")
    work = [o for o in observations if o["id"].startswith("work-")]
    assert len(work) == expected.pop("work status")
    assert {len(found) for found in exported.values()} != {0}
    assert {name: len(found) for name, found in exported.items()} == expected

    # Every scorable questionnaire gives its scores, and only those do.
    scored = {
        int(o["derivedFrom"][0]["reference"].split("/")[1])
        for o in observations
        if o["id"].startswith("score-")
    }
    assert scored == set(
        Administration.objects.filter(scorable(), episode__service=service).values_list(
            "pk", flat=True
        )
    )
    assert scored, "the synthetic service has scored questionnaires"

    # Every resource validates and claims its UK Core profile (a sample of the largest
    # types keeps this quick).
    for found in [*exported.values(), observations]:
        for resource in found[:300]:
            validate(resource)
            check_uk_core(resource)
