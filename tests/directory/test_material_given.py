"""Self-help material given to a client: sent by email or printed, recorded and counted."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from vocrehab.accounts.models import Organisation
from vocrehab.directory.models import MaterialGiven
from vocrehab.directory.queries import filter_library, material_given_counts
from vocrehab.directory.services import NotSent, give_material, save_material


@pytest.fixture
def leaflet(organisation):
    return save_material(
        organisation=organisation,
        values={
            "title": "Talking to your employer",
            "audience": "client",
            "link": "https://example.org/employer",
            "conditions": ["cancer"],
            "topics": ["disclosure"],
        },
    )


@pytest.mark.django_db
def test_emailing_sends_and_records(leaflet, make_episode, service):
    episode = make_episode(service, email="synthetic@example.org", contact_by_email=True)
    given = give_material(episode=episode, material=leaflet, channel="email")
    assert given.channel == "email"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["synthetic@example.org"]
    assert "https://example.org/employer" in mail.outbox[0].body


@pytest.mark.django_db
def test_uploaded_documents_are_attached(organisation, make_episode, service):
    doc = save_material(
        organisation=organisation,
        values={"title": "Fatigue diary", "audience": "client"},
        upload=SimpleUploadedFile("diary.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    episode = make_episode(service, email="synthetic@example.org", contact_by_email=True)
    give_material(episode=episode, material=doc, channel="email")
    assert mail.outbox[0].attachments[0][0] == "diary.pdf"


@pytest.mark.django_db
def test_no_email_without_address_or_consent_and_nothing_recorded(leaflet, make_episode, service):
    no_consent = make_episode(service, email="synthetic@example.org", contact_by_email=False)
    with pytest.raises(NotSent, match="agreed"):
        give_material(episode=no_consent, material=leaflet, channel="email")
    with pytest.raises(NotSent, match="no email"):
        give_material(episode=make_episode(service), material=leaflet, channel="email")
    assert not MaterialGiven.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_organisations_material_cannot_be_given(make_episode, service):
    other = Organisation.objects.create(name="Elsewhere", code="elsewhere")
    theirs = save_material(
        organisation=other, values={"title": "X", "audience": "client", "link": "https://x.org"}
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        give_material(episode=make_episode(service), material=theirs, channel="printed")


@pytest.mark.django_db
def test_counts_for_reports(leaflet, organisation, make_episode, service, other_service):
    carers = save_material(
        organisation=organisation,
        values={"title": "For carers", "audience": "carer", "link": "https://example.org/c"},
    )
    a, b = make_episode(service), make_episode(service)
    give_material(episode=a, material=leaflet, channel="printed")
    give_material(episode=a, material=leaflet, channel="printed")
    give_material(episode=b, material=leaflet, channel="printed")
    give_material(episode=b, material=carers, channel="printed")
    give_material(episode=make_episode(other_service), material=carers, channel="printed")
    rows = material_given_counts([service])
    assert [(r["title"], r["channel"], r["count"], r["clients"]) for r in rows] == [
        ("For carers", "printed", 1, 1),
        ("Talking to your employer", "printed", 3, 2),
    ]
    assert all(r["count"] is None for r in material_given_counts([service], suppress=True))


@pytest.mark.django_db
def test_library_filters_by_audience_condition_and_topic(leaflet, organisation):
    general = save_material(
        organisation=organisation,
        values={"title": "General", "audience": "client", "link": "https://example.org/g"},
    )
    from vocrehab.directory.models import SelfHelpMaterial

    qs = SelfHelpMaterial.objects.all()
    assert filter_library(qs, condition="ms") == [general]
    assert filter_library(qs, condition="cancer") == [general, leaflet]
    assert filter_library(qs, topic="Disclosure") == [leaflet]
    assert filter_library(qs, audience="employer") == []


@pytest.mark.django_db
def test_the_email_is_in_the_clients_language_with_the_services_welsh_name(
    leaflet, make_episode, service
):
    service.name_cy = "Gwasanaeth Adsefydlu Galwedigaethol Glasgow"
    service.save()
    episode = make_episode(service, email="synthetic@example.org", contact_by_email=True)
    episode.client.preferred_language = "cy"
    episode.client.save()
    give_material(episode=episode, material=leaflet, channel="email")
    (welsh,) = mail.outbox
    assert welsh.subject == "Gwybodaeth gan Gwasanaeth Adsefydlu Galwedigaethol Glasgow"
    assert welsh.body.startswith("Roedd eich gwasanaeth adsefydlu galwedigaethol")
    mail.outbox.clear()
    english = make_episode(service, email="other@example.org", contact_by_email=True)
    give_material(episode=english, material=leaflet, channel="email")
    assert mail.outbox[0].subject == "Information from Glasgow VR Service"
