"""The web import: upload, every error by file/row/column, confirm, summary; and who may."""

import io
import zipfile

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.episodes.models import Episode

from .helpers import EXAMPLE, read_example

pytestmark = pytest.mark.django_db


def _zip(files: dict[str, bytes], name="data.zip"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for member, data in files.items():
            zf.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def _example_bytes(changes=None) -> dict[str, bytes]:
    import csv

    files = {p.name: p.read_bytes() for p in EXAMPLE.glob("*.csv")}
    if changes:
        rows = read_example()
        for (name, index, column), value in changes.items():
            rows[name][index][column] = value
        for name, table in rows.items():
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(table[0]))
            writer.writeheader()
            writer.writerows(table)
            files[name] = out.getvalue().encode()
    return files


def _upload(client, service, upload):
    return client.post(reverse("interchange:import"), {"service": service.pk, "file": upload})


def test_manager_uploads_checks_confirms_and_sees_summary(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert client.get(reverse("interchange:import")).status_code == 200
    response = _upload(client, service, _zip(_example_bytes()))
    assert response.status_code == 302
    check = client.get(response["Location"])
    assert check.status_code == 200
    assert "episodes.csv: 4 created" in check.content.decode()
    assert Episode.objects.count() == 0  # checked, not saved
    token = response["Location"].rstrip("/").split("/")[-1]
    done = client.post(reverse("interchange:import_confirm", args=[token]))
    assert done.status_code == 302
    summary = client.get(done["Location"]).content.decode()
    assert "Import complete" in summary and "4 created" in summary
    assert Episode.objects.filter(service=service).count() == 4
    # The upload is gone: confirming again finds nothing.
    again = client.post(reverse("interchange:import_confirm", args=[token]))
    assert again.status_code == 404


def test_every_error_is_shown_by_file_row_and_column(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    client, _user = signed_in(Role.SERVICE_MANAGER)
    files = _example_bytes(
        {
            ("episodes.csv", 0, "referral_date"): "2024-13-45",
            ("contacts.csv", 2, "mode"): "pigeon",
            ("measures.csv", 3, "value"): "99",
        }
    )
    response = _upload(client, service, _zip(files))
    page = client.get(response["Location"]).content.decode()
    assert "3 problems" in page
    for expected in (
        ("episodes.csv", ">2<", "referral_date"),
        ("contacts.csv", ">4<", "mode"),
        ("measures.csv", ">5<", "value"),
    ):
        for text in expected:
            assert text in page
    token = response["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("interchange:import_confirm", args=[token]))
    assert Episode.objects.count() == 0


def test_many_errors_are_paginated(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    client, _user = signed_in(Role.SERVICE_MANAGER)
    header = "episode_id,contact_date,mode\n"
    contacts = header + "".join(f"EX-1,2024-02-0{1 + i % 8},pigeon\n" for i in range(120))
    files = _example_bytes()
    files["contacts.csv"] = contacts.encode()
    response = _upload(client, service, _zip(files))
    first = client.get(response["Location"]).content.decode()
    assert "120 problems" in first and "Page 1 of 3" in first
    third = client.get(response["Location"] + "?page=3").content.decode()
    assert "Page 3 of 3" in third and ">121<" in third


def test_not_a_zip_and_oversized_uploads_are_refused(signed_in, service, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = _upload(client, service, SimpleUploadedFile("data.csv", b"episode_id\n"))
    assert response.status_code == 200
    assert "Upload a .zip" in response.content.decode()
    settings.VOCREHAB_IMPORT_MAX_BYTES = 100
    response = _upload(client, service, _zip(_example_bytes()))
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    # A renamed file that is not a zip at all is caught by the reader.
    settings.VOCREHAB_IMPORT_MAX_BYTES = 10**6
    response = _upload(client, service, SimpleUploadedFile("data.zip", b"%PDF-1.4 not a zip"))
    page = client.get(response["Location"]).content.decode()
    assert "data.zip" in page and "PDF" in page


def test_zip_bomb_is_refused(signed_in, service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    settings.VOCREHAB_IMPORT_MAX_BYTES = 200_000
    client, _user = signed_in(Role.SERVICE_MANAGER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("episodes.csv", b"episode_id\n" + b"0" * 5_000_000)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _upload(client, service, SimpleUploadedFile("bomb.zip", buffer.getvalue()))
    page = client.get(response["Location"]).content.decode()
    assert "larger than the limit" in page
    assert Episode.objects.count() == 0


@pytest.mark.parametrize(
    "role",
    [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT, Role.COMMISSIONER, Role.AUDITOR],
)
def test_other_roles_may_not_import(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("interchange:import")).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(reverse("interchange:import"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_services_choice_is_refused(signed_in, service, other_service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = _upload(client, other_service, _zip(_example_bytes()))
    assert response.status_code == 200  # the form refuses a service not offered
    assert "select a valid choice" in response.content.decode()
    assert Episode.objects.count() == 0


def test_another_users_upload_is_not_found(signed_in, make_staff, service, settings, client):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    manager, _user = signed_in(Role.SERVICE_MANAGER)
    response = _upload(manager, service, _zip(_example_bytes()))
    token_url = response["Location"]
    token = token_url.rstrip("/").split("/")[-1]
    from django.test import Client

    other = Client()
    other.force_login(
        make_staff(Role.SERVICE_MANAGER, service),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    assert other.get(token_url).status_code == 404
    assert other.post(reverse("interchange:import_confirm", args=[token])).status_code == 404
    assert other.get("/data/import/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert Episode.objects.count() == 0
