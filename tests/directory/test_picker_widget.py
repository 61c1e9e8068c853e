"""The htmx picker that fills an onward referral's service name and reference."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from vocrehab.accounts.models import Role

GLASGOW = "S12000049"


@pytest.mark.django_db
def test_results_cover_the_client_for_the_need(signed_in, organisation, make_entry):
    make_entry(organisation, name="Glasgow money", categories=["financial"], areas=[GLASGOW])
    make_entry(organisation, name="Glasgow legal", categories=["legal"], areas=[GLASGOW])
    make_entry(organisation, name="Leeds money", categories=["financial"], areas=["E08000035"])
    client, _user = signed_in(Role.SUPPORT_WORKER)
    page = client.get(
        reverse("directory:picker"),
        {
            "directory_area_code": GLASGOW,
            "category": "financial",
            "name_input": "onward-service_name",
        },
    ).content.decode()
    assert "Glasgow money" in page
    assert "Glasgow legal" not in page and "Leeds money" not in page
    assert "name_input=onward-service_name" in page
    assert "<html" not in page  # a fragment, not a page


@pytest.mark.django_db
def test_choosing_fills_both_inputs_out_of_band(signed_in, organisation, make_entry):
    entry = make_entry(organisation, name="Money & advice", reference="money")
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(
        reverse("directory:picker_choose", args=[entry.pk]),
        {"name_input": "service_name", "ref_input": "service_ref"},
    ).content.decode()
    assert 'id="id_service_name" name="service_name"' in page
    assert 'value="Money &amp; advice"' in page
    assert 'id="id_service_ref" name="service_ref"' in page
    assert 'value="money"' in page
    assert page.count('hx-swap-oob="true"') == 2


@pytest.mark.django_db
def test_odd_input_names_fall_back_to_the_defaults(signed_in, organisation, make_entry):
    entry = make_entry(organisation)
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(
        reverse("directory:picker_choose", args=[entry.pk]),
        {"name_input": '"><script>', "ref_input": "x y"},
    ).content.decode()
    assert "<script>" not in page
    assert 'name="service_name"' in page and 'name="service_ref"' in page


def test_the_include_renders_without_a_form_of_its_own():
    html = render_to_string(
        "directory/_picker.html",
        {
            "area_code": GLASGOW,
            "postcode": "G12 8QQ",
            "condition": "ms",
            "name_input": "service_name",
        },
    )
    assert "<form" not in html
    assert 'name="directory_area_code" value="S12000049"' in html
    assert "hx-get=" in html and "/directory/picker/" in html


@pytest.mark.django_db
def test_a_prefixed_category_field_is_read(signed_in, organisation, make_entry):
    make_entry(organisation, name="Legal help", categories=["legal"], areas=[GLASGOW])
    make_entry(organisation, name="Money help", categories=["financial"], areas=[GLASGOW])
    client, _user = signed_in(Role.CASE_MANAGER)
    page = client.get(
        reverse("directory:picker"),
        {
            "directory_area_code": GLASGOW,
            "category_input": "onward-category",
            "onward-category": "legal",
        },
    ).content.decode()
    assert "Legal help" in page and "Money help" not in page


def test_the_include_reads_the_named_category_input():
    html = render_to_string("directory/_picker.html", {"category_input": "onward-category"})
    assert "form:has(.app-directory-picker) [name='onward-category']" in html
    assert "category_input=onward-category" in html


@pytest.mark.django_db
def test_filled_inputs_keep_their_hints(signed_in, organisation, make_entry):
    entry = make_entry(organisation)
    client, _user = signed_in(Role.CASE_MANAGER)
    url = reverse("directory:picker_choose", args=[entry.pk])
    page = client.get(url).content.decode()
    assert 'aria-describedby="id_service_name_helptext"' in page
    assert 'aria-describedby="id_service_ref_helptext"' in page
    assert "aria-describedby" not in client.get(url, {"hints": "0"}).content.decode()
