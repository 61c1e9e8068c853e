"""A service's name and phone opening hours in Welsh are set where its details are
edited (the administration pages), beside the English."""

import pytest
from django.urls import reverse

from tests.ui.dom import parse
from vocrehab.accounts.models import Role, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client, make_staff, service):
    user = make_staff(Role.ADMINISTRATOR, service)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _form_values(page) -> dict:
    """What the browser would send back from the change form, unchanged."""
    form = page.find("form", id="service_form")
    values = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name or node.tag not in ("input", "select", "textarea"):
            continue
        if node.tag == "select":
            chosen = [
                o.attrs.get("value", "") for o in node.find_all("option") if "selected" in o.attrs
            ]
            values[name] = chosen[0] if chosen else ""
        elif node.tag == "textarea":
            values[name] = node.text()
        elif node.attrs.get("type") == "checkbox":
            if "checked" in node.attrs:
                values[name] = node.attrs.get("value", "on")
        elif node.attrs.get("type") not in ("submit", "button"):
            values[name] = node.attrs.get("value", "")
    return values


def test_the_welsh_name_and_hours_are_edited_beside_the_english(administrator, service):
    url = reverse("admin:accounts_service_change", args=[service.pk])
    page = parse(administrator.get(url).content.decode())
    names = [
        n.attrs["name"]
        for n in page.find("form", id="service_form").find_all("input")
        if "name" in n.attrs
    ]
    assert names.index("name_cy") == names.index("name") + 1
    assert names.index("opening_hours_cy") == names.index("opening_hours") + 1
    assert page.find("label", for_="id_name_cy").text() == "Name in Welsh:"
    values = _form_values(page)
    values.update(
        name_cy="Gwasanaeth Adsefydlu Galwedigaethol Glasgow",
        opening_hours="Monday to Friday, 9am to 5pm",
        opening_hours_cy="Dydd Llun i ddydd Gwener, 9am i 5pm",
    )
    response = administrator.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(pk=service.pk)
    assert service.name_cy == "Gwasanaeth Adsefydlu Galwedigaethol Glasgow"
    assert service.opening_hours_cy == "Dydd Llun i ddydd Gwener, 9am i 5pm"
    assert service.name == "Glasgow VR Service"


def test_the_welsh_may_be_left_empty(administrator, service):
    url = reverse("admin:accounts_service_change", args=[service.pk])
    values = _form_values(parse(administrator.get(url).content.decode()))
    assert values["name_cy"] == "" and values["opening_hours_cy"] == ""
    assert administrator.post(url, values).status_code == 302
