"""The OpenAPI description: generated without warnings, served, and listed on a page."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from vocrehab.accounts.models import Role

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/services/", "get"),
    ("/api/v1/episodes/", "get"),
    ("/api/v1/episodes/{id}/", "get"),
    ("/api/v1/episodes/{id}/contacts/", "post"),
    ("/api/v1/episodes/{id}/discharge/", "post"),
    ("/api/v1/episodes/{id}/followup/", "post"),
    ("/api/v1/reports/evaluation", "get"),
}


def test_the_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    found = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert found == OPERATIONS


def test_the_schema_is_served_to_signed_in_staff(signed_in):
    client, _user = signed_in(Role.AUDITOR)
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    contact = schema["components"]["schemas"]["ContactInput"]
    assert set(contact["required"]) == {"contact_date", "mode", "contact_with"}
    assert "Intervention" in schema["components"]["schemas"]


def test_the_docs_page_lists_operations_without_external_scripts(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for path, method in OPERATIONS:
        assert f"{method.upper()} {path}" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html
    assert "unsafe-inline" not in response.get("Content-Security-Policy", "")
