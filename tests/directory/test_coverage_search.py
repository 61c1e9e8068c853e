"""A service covering an area is found for a client living there, and not for others."""

import pytest

from vocrehab.accounts.models import Organisation
from vocrehab.directory.areas import matching_areas, parse_areas, postcode_parts
from vocrehab.directory.queries import search_services

GLASGOW = "S12000049"
EDINBURGH = "S12000036"
LEEDS = "E08000035"


def names(qs):
    return sorted(s.name for s in qs)


@pytest.mark.django_db
def test_a_service_covering_a_local_authority_is_found_for_a_client_living_there(
    organisation, make_entry
):
    make_entry(organisation, name="Glasgow welfare rights", areas=[GLASGOW])
    assert names(search_services(area_code=GLASGOW)) == ["Glasgow welfare rights"]


@pytest.mark.django_db
def test_it_is_not_found_for_a_client_outside(organisation, make_entry):
    make_entry(organisation, name="Glasgow welfare rights", areas=[GLASGOW])
    assert names(search_services(area_code=EDINBURGH)) == []
    assert names(search_services(area_code=LEEDS)) == []


@pytest.mark.django_db
def test_nation_and_uk_wide_services_cover_everyone_in_them(organisation, make_entry):
    make_entry(organisation, name="Scotland line", areas=["S92000003"])
    make_entry(organisation, name="UK line", areas=["K02000001"])
    assert names(search_services(area_code=EDINBURGH)) == ["Scotland line", "UK line"]
    assert names(search_services(area_code=LEEDS)) == ["UK line"]


@pytest.mark.django_db
def test_postcode_district_and_area_coverage(organisation, make_entry):
    make_entry(organisation, name="West End drop-in", areas=["G12"])
    make_entry(organisation, name="Whole G area", areas=["G"])
    assert names(search_services(postcode="g12 8qq")) == ["West End drop-in", "Whole G area"]
    assert names(search_services(postcode="G1 1AA")) == ["Whole G area"]
    assert names(search_services(postcode="EH1 1AA")) == []


@pytest.mark.django_db
def test_need_and_condition_narrow_the_search(organisation, make_entry):
    make_entry(organisation, name="Money advice", categories=["financial"], areas=[GLASGOW])
    make_entry(
        organisation, name="MS society", categories=["welfare"], conditions=["ms"], areas=[GLASGOW]
    )
    make_entry(organisation, name="Any welfare", categories=["welfare"], areas=[GLASGOW])
    assert names(search_services(area_code=GLASGOW, category="welfare")) == [
        "Any welfare",
        "MS society",
    ]
    assert names(search_services(area_code=GLASGOW, category="welfare", condition="cancer")) == [
        "Any welfare"
    ]
    assert names(search_services(area_code=GLASGOW, condition="ms")) == [
        "Any welfare",
        "MS society",
        "Money advice",
    ]


@pytest.mark.django_db
def test_unlisted_entries_and_other_organisations_are_left_out(
    organisation, make_entry, make_staff, service
):
    other_org = Organisation.objects.create(name="Elsewhere", code="elsewhere")
    make_entry(organisation, name="Ours", areas=[GLASGOW])
    make_entry(organisation, name="Closed", areas=[GLASGOW], active=False)
    make_entry(other_org, name="Theirs", areas=[GLASGOW])
    user = make_staff("case_manager", service)
    assert names(search_services(area_code=GLASGOW, user=user)) == ["Ours"]
    assert names(search_services(area_code=GLASGOW)) == ["Ours", "Theirs"]


@pytest.mark.django_db
def test_search_costs_a_fixed_number_of_queries(
    organisation, make_entry, django_assert_num_queries
):
    for _ in range(5):
        make_entry(organisation, areas=[GLASGOW], categories=["welfare", "legal"])
    with django_assert_num_queries(4):
        results = list(search_services(area_code=GLASGOW))
        assert all(r.category_codes == ["legal", "welfare"] for r in results)


def test_area_parsing_and_postcodes():
    assert parse_areas("s12000049, G12;  eh ") == ["S12000049", "G12", "EH"]
    assert postcode_parts("G12 8QQ") == ("G12", "G")
    assert postcode_parts("not a postcode") is None
    assert matching_areas("S12000049") == {"S12000049", "S92000003", "K02000001"}
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_areas("Glasgow")
