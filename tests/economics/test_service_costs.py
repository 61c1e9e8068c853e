"""Service costs entered on screen: who may, what is checked, and the analysis using them."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.economics.models import ServiceCostYear
from vocrehab.economics.services import save_cost_year

D = datetime.date(2025, 6, 30)
LIST = "/economics/costs/"


def year_form(year=1, lines=(), **changes):
    data = {
        "year": year,
        "label": "2025/26",
        "non_staff": "2000",
        "overhead_pct": "10",
        "staff-TOTAL_FORMS": str(max(len(lines), 3)),
        "staff-INITIAL_FORMS": "0",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "30",
    }
    for i, (role, fte, cost) in enumerate(lines):
        data |= {f"staff-{i}-role": role, f"staff-{i}-fte": fte, f"staff-{i}-annual_cost": cost}
    data.update(changes)
    return data


TEAM = [("Case manager (Band 7)", "2.5", "48000"), ("Assistant (Band 3)", "1", "26000")]


@pytest.mark.django_db
def test_a_manager_enters_a_year_and_sees_its_total(signed_in, service):
    web, user = signed_in("service_manager")
    add = reverse("economics:cost_year_add", args=[service.pk])
    assert web.get(add).status_code == 200
    response = web.post(add, year_form(1, TEAM))
    assert response.status_code == 302
    year = ServiceCostYear.objects.get(service=service, year=1)
    assert [(s.role, s.fte, s.annual_cost) for s in year.staff.all()] == [
        ("Case manager (Band 7)", Decimal("2.50"), Decimal("48000.00")),
        ("Assistant (Band 3)", Decimal("1.00"), Decimal("26000.00")),
    ]
    assert year.updated_by == user
    # (2.5 × 48,000 + 26,000 + 2,000) × 1.10 = 162,800, shown in pounds with commas.
    page = web.get(LIST).content.decode()
    assert "£162,800" in page and "2025/26" in page and "Case manager (Band 7): 2.5" in page


@pytest.mark.django_db
def test_a_half_filled_staff_line_names_what_is_missing_and_saves_nothing(signed_in, service):
    web, _user = signed_in("service_manager")
    response = web.post(
        reverse("economics:cost_year_add", args=[service.pk]),
        year_form(1, [("Case manager", "", "48000")]),
    )
    assert response.status_code == 200
    assert "Give the whole-time equivalents for this staff line." in response.content.decode()
    assert not ServiceCostYear.objects.exists()


@pytest.mark.django_db
def test_bad_numbers_are_refused_with_the_field_named(signed_in, service):
    web, _user = signed_in("service_manager")
    response = web.post(
        reverse("economics:cost_year_add", args=[service.pk]),
        year_form(0, TEAM, overhead_pct="150", non_staff="-5"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Year of the period" in page and "Overhead (%)" in page
    assert "greater than or equal to 1" in page and "less than or equal to 100" in page
    assert not ServiceCostYear.objects.exists()


@pytest.mark.django_db
def test_a_year_already_entered_is_not_silently_overwritten(signed_in, service):
    web, user = signed_in("service_manager")
    save_cost_year(service, year=1, staff=[{"role": "Lead", "fte": 1, "annual_cost": 50000}])
    response = web.post(reverse("economics:cost_year_add", args=[service.pk]), year_form(1, TEAM))
    assert response.status_code == 200
    assert "Year 1 of this service&#x27;s costs is already entered" in response.content.decode()
    assert [s.role for s in ServiceCostYear.objects.get(year=1).staff.all()] == ["Lead"]


@pytest.mark.django_db
def test_changing_a_year_replaces_its_lines_and_removing_it_deletes_it(signed_in, service):
    web, _user = signed_in("service_manager")
    save_cost_year(service, year=1, staff=[{"role": "Lead", "fte": 1, "annual_cost": 50000}])
    edit = reverse("economics:cost_year_edit", args=[service.pk, 1])
    page = web.get(edit).content.decode()
    assert 'value="Lead"' in page
    assert web.post(edit, year_form(2, TEAM)).status_code == 302
    year = ServiceCostYear.objects.get(service=service)
    assert year.year == 2 and [s.role for s in year.staff.all()] == [r for r, *_ in TEAM]
    delete = reverse("economics:cost_year_delete", args=[service.pk, 2])
    assert web.get(delete).status_code == 405
    assert web.post(delete).status_code == 302
    assert not ServiceCostYear.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["case_manager", "support_worker", "admin_assistant", "commissioner", "auditor"]
)
def test_roles_that_do_not_manage_the_service_may_not(signed_in, service, role):
    web, _user = signed_in(role)
    assert web.get(LIST).status_code == 403
    add = reverse("economics:cost_year_add", args=[service.pk])
    assert web.post(add, year_form(1, TEAM)).status_code == 403
    assert not ServiceCostYear.objects.exists()


@pytest.mark.django_db
def test_another_services_costs_are_not_found(signed_in, other_service):
    web, _user = signed_in("service_manager")
    save_cost_year(other_service, year=1, staff=[])
    assert web.get(reverse("economics:cost_year_add", args=[other_service.pk])).status_code == 404
    assert (
        web.get(reverse("economics:cost_year_edit", args=[other_service.pk, 1])).status_code == 404
    )
    assert (
        web.post(reverse("economics:cost_year_delete", args=[other_service.pk, 1])).status_code
        == 404
    )
    assert ServiceCostYear.objects.count() == 1
    assert other_service.name not in web.get(LIST).content.decode()


def analysis_form(service, preset="uk-current@1", **changes):
    return {
        "preset": preset,
        "services": [service.pk],
        "draws": 200,
        "seed": 1,
        "output": "html",
        **changes,
    }


@pytest.fixture
def outcomes(service, make_episode):
    for _ in range(5):
        make_episode(service, "off_sick", "at_work", discharged=D)


@pytest.mark.django_db
def test_a_preset_without_costs_runs_on_the_costs_entered(signed_in, service, outcomes):
    web, _user = signed_in("service_manager")
    response = web.post("/economics/", analysis_form(service))
    assert "has no costs of its own: enter the costs of the services" in response.content.decode()

    save_cost_year(
        service,
        year=1,
        non_staff=1000,
        staff=[{"role": "Case manager", "fte": 1, "annual_cost": 45000}],
    )
    response = web.post("/economics/", analysis_form(service))
    data = response.context["data"]
    assert data["costs"] == pytest.approx(46000)
    assert data["ratio"] is not None

    # An uploaded file wins over the costs entered on screen.
    upload = SimpleUploadedFile(
        "costs.csv", b"year,role,fte,annual_cost\n1,Lead,1,10000\n", content_type="text/csv"
    )
    response = web.post("/economics/", analysis_form(service, costs_file=upload))
    assert response.context["data"]["costs"] == pytest.approx(10000)


@pytest.mark.django_db
def test_costs_for_only_some_of_the_services_are_refused_by_name(
    signed_in, service, other_service, outcomes
):
    from vocrehab.accounts.models import Membership, Role

    web, user = signed_in("service_manager")
    Membership.objects.create(
        user=user,
        organisation=other_service.organisation,
        service=other_service,
        role=Role.SERVICE_MANAGER,
    )
    save_cost_year(service, year=1, staff=[{"role": "Lead", "fte": 1, "annual_cost": 40000}])
    response = web.post(
        "/economics/", analysis_form(service, services=[service.pk, other_service.pk])
    )
    page = response.content.decode()
    assert f"No costs are entered for {other_service.name}" in page
    assert not response.context.get("data")
