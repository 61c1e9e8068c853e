"""Disposal anonymises: identifiers and free text go, the statistics stay."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.casework.models import CaseNote, Contact, EpisodeDocument
from vocrehab.clients.models import Client
from vocrehab.clients.postcodes import decile_from_rank
from vocrehab.episodes.models import Episode
from vocrehab.retention import services
from vocrehab.retention.models import Disposal, DisposalState

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff, service):
    return make_staff(Role.SERVICE_MANAGER, service)


def test_a_person_past_retention_is_anonymised_and_the_figures_kept(
    service, old_episode, manager, django_capture_on_commit_callbacks
):
    client = old_episode.client
    stored = EpisodeDocument.objects.get(episode=old_episode).file.name
    assert LogEntry.objects.filter(additional_data__client_id=client.pk).exists()
    services.find_due(service, today=TODAY)

    with django_capture_on_commit_callbacks(execute=True):  # files go once it commits
        done = services.dispose(service, by=manager, today=TODAY)

    assert done.clients == 1 and done.episodes == 1
    client = Client.objects.get(pk=client.pk)
    for name in ("first_name", "last_name", "nhs_number", "phone", "email", "address"):
        assert getattr(client, name) == "", name
    assert client.postcode == "" and client.date_of_birth is None
    assert client.reference.startswith("ANON-")
    episode = Episode.objects.get(pk=old_episode.pk)
    assert episode.reference.startswith("ANON-")
    assert episode.discharge_reason == "" and episode.job_title == "" and episode.area_code == ""
    # What the evaluation counts is kept: dates of the pathway, codes, age, decile.
    assert episode.assessment_date == datetime.date(2024, 3, 11)
    assert episode.condition == "ms" and episode.condition_detail == "G35"
    assert episode.age_at_referral == old_episode.age_at_referral
    assert decile_from_rank("simd2020", episode.deprivation_rank) == 1
    assert episode.deprivation_rank != 432
    contact = Contact.objects.get(episode=episode)
    assert contact.note == "" and contact.contact_date == datetime.date(2024, 4, 1)
    assert contact.mode == "phone"
    assert not CaseNote.objects.filter(episode=episode).exists()
    assert not EpisodeDocument.objects.filter(episode=episode).exists()
    assert not default_storage.exists(stored)
    # The change history kept old values (a phone number): the person's entries go.
    assert not LogEntry.objects.filter(additional_data__client_id=client.pk).exists()
    assert "Smith" not in str(list(LogEntry.objects.values_list("changes", flat=True)))


def test_every_disposal_is_recorded_with_who_when_and_what(service, old_episode, manager):
    services.find_due(service, today=TODAY)
    services.dispose(service, by=manager, today=TODAY)
    disposal = Disposal.objects.get(client=old_episode.client)
    assert disposal.state == DisposalState.DISPOSED
    assert disposal.confirmed_by == manager and disposal.confirmed_at is not None
    assert disposal.counts["deleted"]["case notes"] == 1
    assert disposal.counts["change history entries deleted"] >= 1
    event = AccessEvent.objects.get(action=Action.DISPOSE)
    assert event.user == manager and event.client_id == old_episode.client_id
    assert "1 episode(s)" in event.detail and "deleted" in event.detail
    # The access log names people by id only: nothing of theirs is left in it.
    assert not AccessEvent.objects.filter(detail__icontains="Smith").exists()


def test_a_person_with_an_open_episode_or_a_recent_one_is_not_due(service, old_episode, worker):
    from .conftest import closed_episode

    recent = closed_episode(
        service, worker, last_name="Jones", nhs_number="", discharged=datetime.date(2031, 1, 5)
    )
    found = services.find_due(service, today=TODAY)
    assert found.added == 1
    assert not Disposal.objects.filter(client=recent.client).exists()
    # Re-referred before confirmation: they leave the list.
    Episode.objects.filter(pk=old_episode.pk).update(discharge_date=None)
    assert services.find_due(service, today=TODAY).withdrawn == 1


def test_a_restricted_record_is_held(service, old_episode):
    Client.objects.filter(pk=old_episode.client_id).update(processing_restricted=True)
    assert services.find_due(service, today=TODAY).added == 0


def test_the_schedule_decides_when(service, old_episode):
    from vocrehab.retention.models import RetentionSchedule

    RetentionSchedule.objects.create(service=service, closed_episode_years=20)
    assert services.find_due(service, today=TODAY).added == 0


def test_nothing_is_half_done_when_disposal_fails(service, old_episode, manager, monkeypatch):
    services.find_due(service, today=TODAY)

    def broken(*args, **kwargs):
        raise RuntimeError("storage failed")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.dispose(service, by=manager, today=TODAY)
    client = Client.objects.get(pk=old_episode.client_id)
    assert client.last_name == "Smith" and client.nhs_number
    assert CaseNote.objects.filter(episode=old_episode).exists()
    assert LogEntry.objects.filter(additional_data__client_id=client.pk).exists()
    assert Disposal.objects.get(client=client).state == DisposalState.AWAITING


def test_only_a_manager_of_the_service_may_confirm(service, other_service, old_episode, make_staff):
    from django.core.exceptions import PermissionDenied

    services.find_due(service, today=TODAY)
    for user in (
        make_staff(Role.CASE_MANAGER, service),
        make_staff(Role.SERVICE_MANAGER, other_service),
    ):
        with pytest.raises(PermissionDenied):
            services.dispose(service, by=user, today=TODAY)
    assert Client.objects.get(pk=old_episode.client_id).last_name == "Smith"
