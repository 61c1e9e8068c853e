"""The web export page: who may, which services, pseudonymised, audited."""

import io
import zipfile

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent, Action

from .helpers import EXAMPLE
from .importing import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(service, settings):
    settings.VOCREHAB_IMPORT_DIR = settings.VAR_DIR / "test-imports"
    assert run_import(EXAMPLE, service_code=service.code).ok


def _members(response) -> dict[str, bytes]:
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_manager_exports_their_service(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    assert client.get(reverse("interchange:export")).status_code == 200
    response = client.post(
        reverse("interchange:export"), {"services": [service.pk], "format": "zip"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    files = _members(response)
    assert b"9434765919" in files["episodes.csv"]
    assert AccessEvent.objects.filter(action=Action.EXPORT, service_id=service.pk).exists()


def test_pseudonymised_web_export(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("interchange:export"),
        # Four example episodes cannot reach the default k of 5 (test_safe_pseudonyms.py).
        {"services": [service.pk], "format": "zip", "pseudonymise": "on", "min_k": 1},
    )
    files = _members(response)
    assert b"9434765919" not in files["episodes.csv"]
    assert b"EX-1" not in b"".join(files.values())


def test_xlsx_export(signed_in, service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("interchange:export"), {"services": [service.pk], "format": "xlsx"}
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"PK")


def test_another_service_is_refused(signed_in, other_service, data):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    response = client.post(
        reverse("interchange:export"), {"services": [other_service.pk], "format": "zip"}
    )
    assert response.status_code == 200
    assert "select a valid choice" in response.content.decode()
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize(
    "role",
    [Role.CASE_MANAGER, Role.SUPPORT_WORKER, Role.ADMIN_ASSISTANT, Role.COMMISSIONER, Role.AUDITOR],
)
def test_other_roles_may_not_export(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(reverse("interchange:export")).status_code == 403
    assert client.post(reverse("interchange:export"), {"format": "zip"}).status_code == 403


def test_export_function_refuses_a_service_the_user_may_not_export(
    make_staff, service, other_service, data, tmp_path
):
    from django.core.exceptions import PermissionDenied

    from vocrehab.interchange.exporter import export_dataset

    user = make_staff(Role.SERVICE_MANAGER, service)
    with pytest.raises(PermissionDenied):
        export_dataset(tmp_path / "x", services=[other_service.code], user=user)
    export_dataset(tmp_path / "ok", services=[service.code], user=user)
    assert (tmp_path / "ok" / "episodes.csv").exists()
