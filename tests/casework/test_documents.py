"""Documents kept with an episode: checked on upload, served as downloads, audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.casework.models import EpisodeDocument

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
def test_upload_and_download(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("casework:document_add", args=[episode.pk]),
        {"title": "Fit note", "upload": SimpleUploadedFile("fit note.pdf", PDF)},
    )
    assert r.status_code == 302, r.content
    document = EpisodeDocument.objects.get(episode=episode)
    assert document.original_name == "fit note.pdf"
    assert "fit note" not in document.file.name  # the server chose the stored name
    page = web.get(reverse("casework:episode", args=[episode.pk])).text
    assert "Document: Fit note" in page
    r = web.get(reverse("casework:document_download", args=[document.pk]))
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    assert b"".join(r.streaming_content) == PDF
    reads = AccessEvent.objects.filter(action="read", object_id=str(episode.pk))
    assert any(f"document:{document.pk}" in e.fields for e in reads)


@pytest.mark.django_db
def test_a_disguised_file_is_refused(case_manager, make_episode, service):
    web, user = case_manager
    episode = make_episode(service, worker=user)
    r = web.post(
        reverse("casework:document_add", args=[episode.pk]),
        {"title": "Letter", "upload": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert r.status_code == 200 and "is not a PDF file" in r.text
    r = web.post(
        reverse("casework:document_add", args=[episode.pk]),
        {"title": "Letter", "upload": SimpleUploadedFile("letter.exe.pdf", PDF)},
    )
    assert r.status_code == 200 and "hides another type" in r.text
    assert not EpisodeDocument.objects.exists()


@pytest.mark.django_db
def test_another_services_document_is_404(case_manager, make_episode, other_service, make_staff):
    from vocrehab.casework import services

    web, user = case_manager
    them = make_staff(Role.CASE_MANAGER, other_service)
    episode = make_episode(other_service, worker=them)
    document = services.add_document(
        episode, by=them, title="OH report", upload=SimpleUploadedFile("oh.pdf", PDF)
    )
    assert web.get(reverse("casework:document_download", args=[document.pk])).status_code == 404
