"""Restriction of processing and disputed accuracy: set by a service manager, kept in the
change history, shown on the record; a restricted client is left out of exports."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.interchange.exporter import export_dataset
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(service):
    return create_referral(service=service, channel="phone", data=intake()).referral.episode


def _form(client, **values):
    data = {"version": client.version, "restriction_reason": "", "dispute_note": ""}
    data.update(values)
    return data


def test_a_manager_restricts_processing_and_it_shows(signed_in, episode):
    http, _user = signed_in(Role.SERVICE_MANAGER)
    client = episode.client
    url = reverse("clients:rights", args=[client.pk])
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        _form(
            client,
            processing_restricted="on",
            restriction_reason="Objects to processing while a complaint is looked at",
            accuracy_disputed="on",
            dispute_note="Says the diagnosis date is wrong",
        ),
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.processing_restricted and client.accuracy_disputed
    page = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Processing restricted" in page and "Says the diagnosis date is wrong" in page
    entry = LogEntry.objects.filter(object_pk=str(client.pk), action=LogEntry.Action.UPDATE).latest(
        "pk"
    )
    assert entry.changes_dict["processing_restricted"] == ["False", "True"]


def test_a_flag_needs_its_reason(signed_in, episode):
    http, _user = signed_in(Role.SERVICE_MANAGER)
    client = episode.client
    response = http.post(
        reverse("clients:rights", args=[client.pk]), _form(client, processing_restricted="on")
    )
    assert response.status_code == 200
    assert "Say why processing is restricted" in response.content.decode()
    client.refresh_from_db()
    assert not client.processing_restricted and client.version == 1


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT])
def test_other_roles_may_not(signed_in, episode, role):
    http, _user = signed_in(role)
    url = reverse("clients:rights", args=[episode.client_id])
    assert http.post(url, _form(episode.client, processing_restricted="on")).status_code == 403


def test_a_restricted_client_is_left_out_of_exports(episode, service, tmp_path):
    export_dataset(tmp_path / "before", fmt="csv", services=[service.code])
    assert episode.reference in (tmp_path / "before" / "episodes.csv").read_text()
    episode.client.processing_restricted = True
    episode.client.save()
    export_dataset(tmp_path / "after", fmt="csv", services=[service.code])
    assert episode.reference not in (tmp_path / "after" / "episodes.csv").read_text()
