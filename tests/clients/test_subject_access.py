"""Subject access: one action gives everything held about a person (JSON, PDF and their
documents), for service managers of the person's service only; audited."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.referrals.conftest import intake
from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action
from vocrehab.casework import services as casework
from vocrehab.referrals.services import create_referral

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def person(service, make_staff):
    worker = make_staff(Role.CASE_MANAGER, service)
    episode = create_referral(service=service, channel="phone", data=intake()).referral.episode
    casework.record_contact(
        episode, by=worker, contact_date=timezone.localdate(), mode="phone", note="Talked hours"
    )
    casework.add_note(episode, by=worker, text="Worried about the commute")
    casework.add_document(
        episode, by=worker, title="Fit note", upload=SimpleUploadedFile("fit note.pdf", PDF)
    )
    AccessEvent.objects.create(
        action=Action.READ, user_email=worker.email, client_id=episode.client_id
    )
    return episode


def _unzip(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_a_service_manager_gets_everything_held_in_one_download(signed_in, person):
    http, manager = signed_in(Role.SERVICE_MANAGER)
    url = reverse("clients:subject_access", args=[person.client_id])
    assert http.get(url).status_code == 200
    response = http.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _unzip(response.content)
    assert files["subject-access.pdf"].startswith(b"%PDF")
    assert [n for n in files if n.startswith("documents/")] and PDF in files.values()
    held = json.loads(files["subject-access.json"])
    text = json.dumps(held)
    for expected in ("Smith", person.reference, "Talked hours", "Worried about the commute"):
        assert expected in text
    assert held["records"]["Access log"]
    assert "nonce" not in text and "digest" not in text
    event = AccessEvent.objects.filter(action=Action.EXPORT, user=manager).get()
    assert event.client_id == person.client_id and "subject access" in event.detail


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.ADMIN_ASSISTANT, Role.COMMISSIONER])
def test_other_roles_may_not(signed_in, person, role):
    http, _user = signed_in(role)
    assert http.post(reverse("clients:subject_access", args=[person.client_id])).status_code == 403
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_another_services_manager_gets_not_found(signed_in, person, other_service):
    http, _user = signed_in(Role.SERVICE_MANAGER, other_service)
    url = reverse("clients:subject_access", args=[person.client_id])
    assert http.post(url).status_code == 404


def test_command_line(person, service, tmp_path):
    out = tmp_path / "sar.zip"
    stdout = io.StringIO()
    call_command(
        "subject_access",
        "--service",
        service.code,
        "--client",
        person.client.reference,
        "--out",
        str(out),
        stdout=stdout,
    )
    assert "Wrote" in stdout.getvalue()
    assert set(_unzip(out.read_bytes())) >= {"subject-access.json", "subject-access.pdf"}
    assert AccessEvent.objects.filter(action=Action.EXPORT, client_id=person.client_id).exists()
    with pytest.raises(CommandError, match="No client"):
        call_command(
            "subject_access",
            "--service",
            service.code,
            "--client",
            "NOPE",
            "--out",
            str(tmp_path / "x.zip"),
        )


def test_letters_answers_every_read_and_earlier_values_are_included(signed_in, person, service):
    """Letters, questionnaire answers, the access log (record pages, list pages that
    showed the person, API reads) and the change history with earlier values."""
    from vocrehab.casework.models import Letter
    from vocrehab.clients.services import update_client
    from vocrehab.measures import services as measures

    # Recording the first contact wrote the letters to the referrer (and the GP, withheld).
    letters = list(Letter.objects.filter(episode=person).values_list("body", flat=True))
    assert letters
    worker = person.case_manager or person.contacts.first().recorded_by
    measures.record_staff_entry(
        person,
        instrument="phq9",
        timepoint="entry",
        date_completed=timezone.localdate(),
        values={**{f"q{n}": 1 for n in range(1, 10)}, "difficulty": 2},
        by=worker,
    )
    client = person.client
    update_client(client, values={"phone": "0141 496 0999"}, version=client.version)
    colleague, _user = signed_in(Role.CASE_MANAGER)
    assert colleague.get(reverse("clients:search"), {"q": "Smith"}).status_code == 200
    assert colleague.get(reverse("casework:episode", args=[person.pk])).status_code == 200
    colleague.logout()

    http, _manager = signed_in(Role.SERVICE_MANAGER)
    files = _unzip(http.post(reverse("clients:subject_access", args=[client.pk])).content)
    held = json.loads(files["subject-access.json"])["records"]
    assert sorted(row["body"] for row in held["Letters"]) == sorted(letters)
    answers = {row["item"]: row["value"] for row in held["Item values"]}
    assert answers["q1"] == 1 and answers["difficulty"] == 2
    details = [row["detail"] for row in held["Access log"]]
    assert any(d.startswith("client search:") for d in details)
    assert any(row["record"] == f"episodes.episode {person.pk}" for row in held["Access log"])
    changes = [row["changes"] for row in held["Change history"]]
    assert {"phone": ["0141 496 0000", "0141 496 0999"]} in changes
    pdf = files["subject-access.pdf"]
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
