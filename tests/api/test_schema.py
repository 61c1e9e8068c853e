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
    ("/api/v1/episodes/{id}/", "patch"),
    ("/api/v1/episodes/{id}/onward-referrals/", "get"),
    ("/api/v1/episodes/{id}/onward-referrals/", "post"),
    ("/api/v1/episodes/{id}/questionnaires/", "get"),
    ("/api/v1/episodes/{id}/questionnaires/", "post"),
    ("/api/v1/questionnaires/{id}/", "get"),
    ("/api/v1/episodes/{id}/contacts/", "post"),
    ("/api/v1/episodes/{id}/discharge/", "post"),
    ("/api/v1/episodes/{id}/followup/", "post"),
    ("/api/v1/reports/evaluation", "get"),
    ("/api/v1/clients/", "get"),
    ("/api/v1/clients/{id}/", "get"),
    ("/api/v1/referrals/", "post"),
    ("/api/v1/submissions/", "post"),
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


def test_the_schema_documents_both_ways_of_signing_in_and_each_scope(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiToken"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["in"] == "cookie"
    episodes = schema["paths"]["/api/v1/episodes/"]["get"]
    assert {"apiToken": []} in episodes["security"]
    assert {"cookieAuth": []} in episodes["security"]
    assert episodes["x-token-scope"] == "episodes:read"
    assert "episodes:read" in episodes["description"]
    contact = schema["paths"]["/api/v1/episodes/{id}/contacts/"]["post"]
    assert contact["x-token-scope"] == "contacts:write"
    scopes = {
        ("/api/v1/episodes/{id}/", "patch"): "episodes:write",
        ("/api/v1/episodes/{id}/onward-referrals/", "get"): "episodes:read",
        ("/api/v1/episodes/{id}/onward-referrals/", "post"): "contacts:write",
        ("/api/v1/episodes/{id}/questionnaires/", "get"): "questionnaires:read",
        ("/api/v1/episodes/{id}/questionnaires/", "post"): "questionnaires:write",
        ("/api/v1/questionnaires/{id}/", "get"): "questionnaires:read",
        ("/api/v1/reports/evaluation", "get"): "reports:read",
    }
    for (path, method), scope in scopes.items():
        assert schema["paths"][path][method]["x-token-scope"] == scope, (path, method)
    # Not open to tokens: the session only.
    services = schema["paths"]["/api/v1/services/"]["get"]
    assert "x-token-scope" not in services
    assert {"apiToken": []} not in services["security"]
