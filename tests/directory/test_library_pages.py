"""The self-help library through HTTP: safe uploads, downloads as attachments, giving."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.directory.models import MaterialGiven, SelfHelpMaterial
from vocrehab.directory.services import save_material

PDF = b"%PDF-1.7\n%%EOF\n"


def form(**extra):
    return {"title": "Fatigue and work", "audience": "client", "active": "on", **extra}


@pytest.mark.django_db
def test_a_manager_uploads_a_document(signed_in):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("directory:material_create"),
        form(upload=SimpleUploadedFile("Fatigue leaflet.pdf", PDF), topics="fatigue, work"),
    )
    assert response.status_code == 302
    item = SelfHelpMaterial.objects.get()
    assert item.original_name == "Fatigue leaflet.pdf"
    assert item.topics == ["fatigue", "work"]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("tool.exe", b"MZ", "not accepted"),
        ("renamed.pdf", b"MZ\x90", "content is not a PDF"),
        ("invoice.exe.pdf", PDF, "hides another type"),
    ],
)
@pytest.mark.django_db
def test_unsafe_uploads_are_refused_with_a_reason(signed_in, name, content, message):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("directory:material_create"), form(upload=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SelfHelpMaterial.objects.exists()


@pytest.mark.django_db
def test_oversize_uploads_are_refused(signed_in, settings):
    settings.VOCREHAB_SELF_HELP_MAX_BYTES = 100
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("directory:material_create"),
        form(upload=SimpleUploadedFile("big.pdf", PDF + b"x" * 200)),
    )
    assert "larger than" in response.content.decode()
    assert not SelfHelpMaterial.objects.exists()


@pytest.mark.django_db
def test_downloads_are_attachments_that_are_never_sniffed(signed_in, organisation):
    item = save_material(
        organisation=organisation,
        values={"title": "Leaflet", "audience": "employer"},
        upload=SimpleUploadedFile('Em"ployer guide.pdf', PDF),
    )
    client, _user = signed_in(Role.SUPPORT_WORKER)
    response = client.get(reverse("directory:material_download", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Em_ployer guide.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_link_only_material_has_no_download(signed_in, organisation):
    item = save_material(
        organisation=organisation,
        values={"title": "Link", "audience": "carer", "link": "https://example.org"},
    )
    client, _user = signed_in(Role.SUPPORT_WORKER)
    assert client.get(reverse("directory:material_download", args=[item.pk])).status_code == 404


@pytest.mark.django_db
def test_giving_printed_material_records_it_and_opens_the_print_page(
    signed_in, organisation, service, make_episode
):
    item = save_material(
        organisation=organisation,
        values={"title": "Back to work", "audience": "client", "link": "https://example.org/b"},
    )
    episode = make_episode(service)
    client, user = signed_in(Role.SUPPORT_WORKER)
    page = client.get(reverse("directory:give_material", args=[episode.pk]))
    assert page["Cache-Control"].startswith("no-store")
    assert AccessEvent.objects.filter(action="read", client_id=episode.client_id).exists()
    response = client.post(
        reverse("directory:give_material", args=[episode.pk]),
        {"material": item.pk, "channel": "printed"},
    )
    given = MaterialGiven.objects.get()
    assert (given.episode, given.by, given.channel) == (episode, user, "printed")
    assert response["Location"] == reverse("directory:material_print", args=[given.pk])
    printed = client.get(response["Location"]).content.decode()
    assert "https://example.org/b" in printed and "data-app-print" in printed


@pytest.mark.django_db
def test_emailing_without_consent_is_refused_on_the_page(
    signed_in, organisation, service, make_episode
):
    item = save_material(
        organisation=organisation,
        values={"title": "Back to work", "audience": "client", "link": "https://example.org/b"},
    )
    episode = make_episode(service, email="synthetic@example.org")
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.post(
        reverse("directory:give_material", args=[episode.pk]),
        {"material": item.pk, "channel": "email"},
    ).content.decode()
    assert "has not agreed to be contacted by email" in page
    assert not MaterialGiven.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_services_client_is_not_found(signed_in, other_service, make_episode):
    episode = make_episode(other_service)
    client, _user = signed_in(Role.CASE_MANAGER)
    assert client.get(reverse("directory:give_material", args=[episode.pk])).status_code == 404
