"""The cost-benefit web page: who may use it, what it shows, downloads."""

import datetime

import pytest
from django.urls import reverse

from vocrehab.audit.models import AccessEvent
from vocrehab.economics.models import CostPreset

D = datetime.date(2025, 6, 30)
URL = "/economics/"


def form_data(service, **changes):
    data = {
        "preset": "glasgow-2014@1",
        "services": [service.pk],
        "draws": 200,
        "seed": 1,
        "output": "html",
    }
    data.update(changes)
    return data


@pytest.fixture
def outcomes(service, make_episode, health_use):
    for _ in range(6):
        make_episode(service, "at_work", "at_work", discharged=D)
    for _ in range(8):
        ep = make_episode(service, "off_sick", "at_work", discharged=D)
        health_use(ep, "entry", gp=3, outpatient=2)
        health_use(ep, "discharge", gp=1, outpatient=1)
    make_episode(service, "off_sick", "off_sick", discharged=D)


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["case_manager", "support_worker", "admin_assistant", "auditor"])
def test_roles_without_the_permission_may_not(signed_in, role):
    client, _user = signed_in(role)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("economics:preset_list")).status_code == 403


@pytest.mark.parametrize("role", ["service_manager", "commissioner"])
def test_managers_and_commissioners_may(signed_in, role):
    client, _user = signed_in(role)
    response = client.get(URL)
    assert response.status_code == 200
    assert "glasgow-2014" in response.content.decode()


def test_running_shows_ratio_benefits_and_sensitivity(signed_in, service, outcomes):
    client, _user = signed_in("service_manager")
    response = client.post(URL, form_data(service))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Benefit-cost ratio" in page
    assert "Savings in welfare payments" in page
    assert "<svg" in page and "<rect" in page  # tornado chart
    assert response.context["data"]["outcomes"]["returned_to_work"] == 8
    assert "style=" not in page.split('id="result-title"')[1]  # CSP: no inline styles


def test_another_services_outcomes_cannot_be_chosen(signed_in, service, other_service, outcomes):
    client, _user = signed_in("service_manager")
    response = client.post(URL, form_data(service, services=[other_service.pk]))
    assert response.status_code == 200
    assert "data" not in response.context
    assert response.context["form"].errors["services"]


def test_model_errors_are_shown_not_crashed(signed_in, service, db):
    client, _user = signed_in("service_manager")
    response = client.post(URL, form_data(service))  # nothing discharged
    assert response.status_code == 200
    assert "no outcomes" in response.content.decode()


def test_commissioners_do_not_see_small_counts(signed_in, service, make_episode):
    for _ in range(6):
        make_episode(service, "off_sick", "at_work", discharged=D)
    make_episode(service, "unemployed", "at_work", discharged=D)
    client, _user = signed_in("commissioner")
    page = client.post(URL, form_data(service)).content.decode()
    assert "fewer than 5" in page


@pytest.mark.parametrize(
    ("output", "content_type", "magic"),
    [
        ("json", "application/json", b"{"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads_are_files_and_logged_as_exports(
    signed_in, service, outcomes, output, content_type, magic
):
    client, user = signed_in("service_manager")
    response = client.post(URL, form_data(service, output=output))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(magic)
    assert AccessEvent.objects.filter(action="export", user=user).exists()


def test_uploaded_costs_are_used(signed_in, service, outcomes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _user = signed_in("service_manager")
    costs = SimpleUploadedFile("costs.json", b'[{"year": 1, "non_staff": 12345}]')
    response = client.post(URL, form_data(service, costs_file=costs))
    assert response.context["data"]["costs"] == 12345


def test_preset_pages_and_copy_and_edit(signed_in):
    client, user = signed_in("service_manager")
    detail = client.get(reverse("economics:preset_detail", args=["glasgow-2014", 1]))
    assert detail.status_code == 200
    assert "Black &amp; Frost" in detail.content.decode()
    copy_url = reverse("economics:preset_copy", args=["glasgow-2014", 1])
    form = client.get(copy_url).context["form"]
    data = dict(form.initial)
    for name, field in form.fields.items():
        value = field.initial
        if value is None or value is False:
            continue
        data[name] = value
    data |= {"name": "glasgow-local", "note": "Local ESA", "p_esa_annual_cost": 9100}
    response = client.post(copy_url, data)
    assert response.status_code == 302, response.context["form"].errors
    row = CostPreset.objects.get(name="glasgow-local")
    assert row.parameters["parameters"]["esa_annual_cost"]["value"] == 9100
    assert row.created_by == user
    assert client.get(response["Location"]).status_code == 200


def test_unknown_preset_page_is_404(signed_in):
    client, _user = signed_in("service_manager")
    assert client.get(reverse("economics:preset_detail", args=["nope", 1])).status_code == 404


def test_copying_a_stored_preset_offers_its_next_version(signed_in):
    from vocrehab.economics.services import copy_preset

    client, user = signed_in("service_manager")
    copy_preset(source="uk-current", name="ours", user=user)
    form = client.get(reverse("economics:preset_copy", args=["ours", 1])).context["form"]
    assert form.fields["name"].initial == "ours"
    shipped = client.get(reverse("economics:preset_copy", args=["uk-current", 1])).context["form"]
    assert shipped.fields["name"].initial == "uk-current-local"
