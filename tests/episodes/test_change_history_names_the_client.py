"""Every record that hangs off an episode names the client and service in its history."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.apps import apps

from vocrehab.casework.models import Contact, ContactIntervention
from vocrehab.episodes.models import Episode, EpisodeLinked


def _linked_models():
    return [m for m in apps.get_models() if issubclass(m, EpisodeLinked)]


def test_the_episode_path_of_every_linked_model_leads_to_the_episode():
    assert len(_linked_models()) > 20
    for model in _linked_models():
        current = model
        for name in model.episode_path.split("__"):
            current = current._meta.get_field(name).related_model
        assert current is Episode, model


@pytest.mark.django_db
def test_a_change_two_steps_from_the_episode_is_logged_with_the_client(episode_factory):
    episode = episode_factory()
    contact = Contact.objects.create(
        episode=episode, contact_date=dt.date(2024, 3, 4), mode="phone"
    )
    intervention = ContactIntervention.objects.create(contact=contact, code="assessment")
    entry = LogEntry.objects.get_for_object(intervention).get()
    assert entry.additional_data == {
        "client_id": episode.client_id,
        "service_id": episode.service_id,
    }
