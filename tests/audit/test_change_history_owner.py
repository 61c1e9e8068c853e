"""The change history names whose record changed, with one implementation per kind of owner.

Records of an episode name its client and service (``episodes.models.EpisodeLinked``);
records of a service, or of an organisation's directory, name the service or nothing
(``audit.history.ServiceLinked``). Only the owners themselves say it their own way.
"""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.apps import apps

from vocrehab.accounts.models import Service
from vocrehab.audit.history import ServiceLinked
from vocrehab.directory.models import AwarenessSession, Cohort, DirectoryService, Programme

# The episode, the client and the referral (and its clock pauses) own the names.
OWNERS = {
    "episodes.episode",
    "clients.client",
    "referrals.referral",
    "referrals.clockpause",
}


def test_no_model_writes_its_own_change_history_owner_but_the_owners():
    written = {m._meta.label_lower for m in apps.get_models() if "get_additional_data" in vars(m)}
    assert written == OWNERS


def test_the_service_path_of_every_service_record_leads_to_a_service():
    models = [m for m in apps.get_models() if issubclass(m, ServiceLinked)]
    assert len(models) >= 9
    for model in models:
        if model.service_path is None:
            continue
        current = model
        for name in model.service_path.split("__"):
            current = current._meta.get_field(name).related_model
        assert current is Service, model


@pytest.mark.django_db
def test_a_change_to_a_cohort_is_logged_with_its_programmes_service(service):
    programme = Programme.objects.create(
        service=service,
        title="Back to work",
        topic="fatigue",
        sessions=6,
        delivery="group",
        completion_sessions=4,
    )
    cohort = Cohort.objects.create(programme=programme, start_date=dt.date(2026, 1, 5), capacity=8)
    for record in (programme, cohort):
        entry = LogEntry.objects.get_for_object(record).get()
        assert entry.additional_data == {"client_id": None, "service_id": service.pk}


@pytest.mark.django_db
def test_an_awareness_session_is_logged_with_its_service(service):
    session = AwarenessSession.objects.create(
        service=service,
        date=dt.date(2026, 1, 5),
        audience="primary_care",
        professionals=12,
        topic="Fit notes",
    )
    entry = LogEntry.objects.get_for_object(session).get()
    assert entry.additional_data == {"client_id": None, "service_id": service.pk}


@pytest.mark.django_db
def test_a_directory_entry_is_logged_with_no_client_and_no_service(organisation):
    entry = DirectoryService.objects.create(
        organisation=organisation,
        reference="cab",
        name="Citizens Advice",
        provider_type="voluntary",
    )
    logged = LogEntry.objects.get_for_object(entry).get()
    assert logged.additional_data == {"client_id": None, "service_id": None}
