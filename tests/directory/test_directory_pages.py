"""Directory pages: search, review flags, CSV import and export through HTTP."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.audit.models import AccessEvent
from vocrehab.directory.csvio import COLUMNS
from vocrehab.directory.models import DirectoryService

GLASGOW = "S12000049"


@pytest.mark.django_db
def test_search_by_area_need_and_condition(signed_in, organisation, make_entry):
    make_entry(organisation, name="Glasgow money", categories=["financial"], areas=[GLASGOW])
    make_entry(organisation, name="Leeds money", categories=["financial"], areas=["E08000035"])
    make_entry(organisation, name="Glasgow legal", categories=["legal"], areas=[GLASGOW])
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(
        reverse("directory:index"),
        {"area_code": "s12000049", "category": "financial", "condition": "cancer"},
    ).content.decode()
    assert "Glasgow money" in page
    assert "Leeds money" not in page
    assert "Glasgow legal" not in page


@pytest.mark.django_db
def test_a_bad_area_code_is_explained(signed_in):
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(reverse("directory:index"), {"area_code": "Glasgow"}).content.decode()
    assert "Enter a GSS code" in page


@pytest.mark.django_db
def test_the_list_costs_a_fixed_number_of_queries(
    signed_in, organisation, make_entry, django_assert_max_num_queries
):
    client, _user = signed_in(Role.CASE_MANAGER)
    make_entry(organisation, areas=[GLASGOW])
    client.get(reverse("directory:index"))  # warm the session and memberships
    for _ in range(10):
        make_entry(organisation, areas=[GLASGOW], categories=["welfare", "legal"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("directory:index"))
    assert response.content.decode().count("nhsuk-card__heading") == 11


@pytest.mark.django_db
def test_entries_not_checked_for_the_review_period_are_flagged(
    signed_in, organisation, make_entry, settings
):
    today = datetime.date.today()
    make_entry(organisation, name="Fresh", last_verified=today)
    make_entry(organisation, name="Stale", last_verified=today - datetime.timedelta(days=400))
    make_entry(organisation, name="Never checked")
    client, _user = signed_in(Role.SERVICE_MANAGER)
    page = client.get(reverse("directory:review")).content.decode()
    assert "Stale" in page and "Never checked" in page and "Fresh" not in page
    settings.VOCREHAB_DIRECTORY_REVIEW_MONTHS = 24
    page = client.get(reverse("directory:review")).content.decode()
    assert "Stale" not in page and "Never checked" in page
    index = client.get(reverse("directory:index")).content.decode()
    assert index.count("Details need checking") == 1


@pytest.mark.django_db
def test_import_through_the_page(signed_in, organisation):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    text = ",".join(COLUMNS) + "\n" + "acas,ACAS,private,legal,,,,,,,,,,,2025-01-01,yes\n"
    response = client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("d.csv", text.encode())}
    )
    assert response.status_code == 302
    assert DirectoryService.objects.get().name == "ACAS"
    assert AccessEvent.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_a_bad_import_lists_every_problem_and_changes_nothing(signed_in, organisation):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    text = ",".join(COLUMNS) + "\n" + "acas,ACAS,private,housing,,,,,,,,,,,01/01/2025,yes\n"
    page = client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("d.csv", text.encode())}
    ).content.decode()
    assert "Nothing was imported" in page
    assert "Row 2, categories: housing is not an onward category." in page
    assert "Row 2, last_verified" in page
    assert not DirectoryService.objects.exists()


@pytest.mark.django_db
def test_export_is_a_neutralised_csv_download_and_is_logged(signed_in, organisation, make_entry):
    make_entry(organisation, name="@SUM(A1)", reference="sum")
    client, _user = signed_in(Role.CASE_MANAGER)
    response = client.get(reverse("directory:export"))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == "'@SUM(A1)"
    assert AccessEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_the_directory_is_paged(signed_in, organisation, make_entry):
    for i in range(55):
        make_entry(organisation, name=f"Service {i:02d}", areas=[GLASGOW])
    client, _user = signed_in(Role.CASE_MANAGER)
    first = client.get(reverse("directory:index")).content.decode()
    assert "55 services" in first and first.count("nhsuk-card__heading") == 50
    second = client.get(reverse("directory:index"), {"page": 2}).content.decode()
    assert second.count("nhsuk-card__heading") == 5
    searched = client.get(
        reverse("directory:index"), {"area_code": GLASGOW, "page": 2}
    ).content.decode()
    assert searched.count("nhsuk-card__heading") == 5
    assert "area_code=S12000049&amp;page=1" in searched
