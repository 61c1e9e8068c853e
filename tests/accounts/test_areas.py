"""The commissioning hierarchy: nodes nest nation → region → area, are kept by
administrators, and a commissioner granted a node may see every service beneath it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.conftest import enrol_totp
from vocrehab.accounts import access
from vocrehab.accounts.access import Perm
from vocrehab.accounts.models import Area, AreaLevel, Membership, Organisation, Role, Service, User
from vocrehab.codes import Nation

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(organisation, service, other_service):
    """Scotland → West → GGC board (service) and Lanarkshire board (a third service);
    England → North East and Yorkshire → West Yorkshire ICB (other_service)."""
    scotland = Area.objects.create(code="S92000003", name="Scotland", level=AreaLevel.NATION)
    west = Area.objects.create(
        code="SCOT-WEST", name="West of Scotland", level=AreaLevel.REGION, parent=scotland
    )
    ggc = Area.objects.create(
        code="S08000031",
        name="NHS Greater Glasgow and Clyde",
        level=AreaLevel.AREA,
        kind="health board",
        parent=west,
    )
    lanark = Area.objects.create(
        code="S08000032", name="NHS Lanarkshire", level=AreaLevel.AREA, parent=west
    )
    england = Area.objects.create(code="E92000001", name="England", level=AreaLevel.NATION)
    ney = Area.objects.create(
        code="E40000012", name="North East and Yorkshire", level=AreaLevel.REGION, parent=england
    )
    wy = Area.objects.create(
        code="E54000054", name="NHS West Yorkshire ICB", level=AreaLevel.AREA, parent=ney
    )
    third = Service.objects.create(
        organisation=organisation,
        code="LAN-VR",
        name="Lanarkshire VR Service",
        nation=Nation.SCOTLAND,
        area=lanark,
    )
    service.area = ggc
    service.save()
    other_service.area = wy
    other_service.save()
    return {
        "scotland": scotland,
        "west": west,
        "ggc": ggc,
        "lanark": lanark,
        "england": england,
        "ney": ney,
        "wy": wy,
        "third": third,
    }


def commissioner_of(area, email="commissioner@example.org"):
    user = User.objects.create_user(email=email, password="x" * 20, first_name="C", last_name="C")
    Membership.objects.create(user=user, area=area, role=Role.COMMISSIONER)
    return user


# -- the model ------------------------------------------------------------------------


def _invalid(area, field):
    with pytest.raises(ValidationError) as caught:
        area.full_clean()
    assert field in caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def test_levels_nest(tree):
    Area(code="W92000004", name="Wales", level=AreaLevel.NATION).full_clean()
    assert "not part of anything" in _invalid(
        Area(code="X1", name="X", level=AreaLevel.NATION, parent=tree["scotland"]), "parent"
    )
    assert "must be part of a nation" in _invalid(
        Area(code="X2", name="X", level=AreaLevel.REGION), "parent"
    )
    assert "NHS Greater Glasgow and Clyde is at the area level" in _invalid(
        Area(code="X3", name="X", level=AreaLevel.REGION, parent=tree["ggc"]), "parent"
    )
    assert "must be part of a region: Scotland is at the nation level" in _invalid(
        Area(code="X4", name="X", level=AreaLevel.AREA, parent=tree["scotland"]), "parent"
    )
    Area(code="X5", name="X", level=AreaLevel.AREA, parent=tree["west"]).full_clean()


def test_no_node_is_its_own_ancestor_and_a_level_change_keeps_the_children_nested(tree):
    west = tree["west"]
    west.parent = west
    _invalid(west, "parent")
    west.refresh_from_db()
    # A region with areas in it may not become an area (its areas would not nest).
    west.level = AreaLevel.AREA
    west.parent = tree["west"].parent
    with pytest.raises(ValidationError):
        west.full_clean()
    # Nor a nation become a region while regions are part of it.
    scotland = tree["scotland"]
    scotland.level = AreaLevel.REGION
    scotland.parent = tree["england"]
    assert "would not nest" in _invalid(scotland, "level")


def test_codes_are_unique_and_labels_name_the_kind(tree):
    assert str(tree["ggc"]) == "NHS Greater Glasgow and Clyde (health board)"
    assert str(tree["west"]) == "West of Scotland (region)"
    with pytest.raises(ValidationError):
        Area(code="S08000031", name="Again", level=AreaLevel.NATION).full_clean()


def test_a_membership_names_an_organisation_or_an_area(tree):
    user = commissioner_of(tree["west"])
    member = Membership(user=user, role=Role.CASE_MANAGER, area=tree["west"])
    with pytest.raises(ValidationError, match="Only a commissioner"):
        member.full_clean()
    organisation = tree["third"].organisation
    member = Membership(
        user=user, role=Role.COMMISSIONER, area=tree["west"], organisation=organisation
    )
    with pytest.raises(ValidationError, match="no service or organisation"):
        member.full_clean()
    with pytest.raises(ValidationError, match="organisation"):
        Membership(user=user, role=Role.COMMISSIONER).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=Role.COMMISSIONER)


# -- access -----------------------------------------------------------------------------


def test_a_commissioner_of_a_region_sees_every_service_beneath_it_and_no_other(tree, service):
    user = commissioner_of(tree["west"])
    reports = access.services_for(user, Perm.VIEW_REPORTS)
    assert set(reports) == {service, tree["third"]}
    assert set(access.services_for(user, Perm.VIEW_DASHBOARD)) == {service, tree["third"]}
    assert access.has_perm(user, Perm.VIEW_REPORTS, service)
    assert access.is_aggregate_only(user, service)
    other = tree["wy"].services.get()
    assert not access.has_perm(user, Perm.VIEW_REPORTS, other)
    # Aggregates only: never a person, a caseload or the data-quality page.
    for perm in (Perm.VIEW_PERSON, Perm.VIEW_CONTACTS, Perm.EXPORT_DATA, Perm.VIEW_DATA_QUALITY):
        assert not access.services_for(user, perm).exists()
        assert not access.has_perm(user, perm, service)


def test_a_nation_covers_its_regions_areas_and_a_service_of_its_own(tree, organisation):
    own = Service.objects.create(
        organisation=organisation,
        code="SCOT-NAT",
        name="National service",
        nation=Nation.SCOTLAND,
        area=tree["scotland"],
    )
    user = commissioner_of(tree["scotland"])
    assert set(access.services_for(user, Perm.VIEW_REPORTS).values_list("code", flat=True)) == {
        "GGC-VR",
        "LAN-VR",
        own.code,
    }


def test_an_inactive_service_or_membership_gives_nothing(tree):
    user = commissioner_of(tree["lanark"])
    assert list(access.services_for(user, Perm.VIEW_REPORTS)) == [tree["third"]]
    tree["third"].active = False
    tree["third"].save()
    user = User.objects.get(pk=user.pk)
    assert not access.services_for(user, Perm.VIEW_REPORTS).exists()
    Membership.objects.filter(user=user).update(active=False)
    user = User.objects.get(pk=user.pk)
    assert access.roles(user) == set()


def test_checking_access_costs_bounded_queries(tree, django_assert_max_num_queries):
    user = commissioner_of(tree["scotland"])
    with django_assert_max_num_queries(3):
        services = list(access.services_for(user, Perm.VIEW_REPORTS))
        for s in services:
            access.has_perm(user, Perm.VIEW_REPORTS, s)
            access.is_aggregate_only(user, s)


def test_the_service_switcher_and_a_token_follow_the_area(tree, service, client):
    from vocrehab.accounts.context_processors import services_of
    from vocrehab.accounts.tokens import services_holdable

    user = commissioner_of(tree["west"])
    assert set(services_of(user)) == {service, tree["third"]}
    assert set(services_holdable(user)) == {service, tree["third"]}


def test_a_token_narrows_an_area_grant_to_its_services(tree, service, make_token):
    user = commissioner_of(tree["west"])
    token, _secret = make_token(user, [service])
    user = User.objects.get(pk=user.pk)
    user.api_token = token
    assert list(access.services_for(user, Perm.VIEW_REPORTS)) == [service]


# -- the administration pages ---------------------------------------------------------


@pytest.fixture
def admin_client(client, organisation):
    user = User.objects.create_superuser(
        email="root@example.org", password="x" * 20, first_name="R", last_name="R"
    )
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMINISTRATOR)
    enrol_totp(user)
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def test_an_administrator_builds_the_hierarchy(admin_client, service):
    add = reverse("admin:accounts_area_add")
    response = admin_client.post(
        add, {"code": "W92000004", "name": "Wales", "level": "nation", "kind": "", "parent": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    wales = Area.objects.get(code="W92000004")
    response = admin_client.post(
        add,
        {"code": "WREG", "name": "Wales region", "level": "region", "parent": wales.pk},
    )
    assert response.status_code == 302
    region = Area.objects.get(code="WREG")
    # An area put straight under a nation is refused, with the reason.
    response = admin_client.post(
        add, {"code": "W11000028", "name": "Aneurin Bevan", "level": "area", "parent": wales.pk}
    )
    assert response.status_code == 200
    assert "must be part of a region: Wales is at the nation level" in response.content.decode()
    assert not Area.objects.filter(code="W11000028").exists()
    response = admin_client.post(
        add,
        {
            "code": "W11000028",
            "name": "Aneurin Bevan",
            "level": "area",
            "kind": "health board",
            "parent": region.pk,
        },
    )
    assert response.status_code == 302
    assert Area.objects.get(code="W11000028").parent == region
    assert admin_client.get(reverse("admin:accounts_area_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:accounts_area_change", args=[region.pk]))
    assert "Aneurin Bevan" in page.content.decode()  # its parts are listed
    # A service is placed in the hierarchy from its own page.
    change = admin_client.get(reverse("admin:accounts_service_change", args=[service.pk]))
    assert 'name="area"' in change.content.decode()


def test_an_administrator_grants_a_commissioner_an_area(admin_client, tree, service):
    user = User.objects.create_user(
        email="new.commissioner@example.org", password="x" * 20, first_name="N", last_name="C"
    )
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert admin_client.get(url).status_code == 200
    form = {
        "email": user.email,
        "first_name": "N",
        "last_name": "C",
        "job_title": "",
        "professional_registration": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-area": str(tree["west"].pk),
        "memberships-0-role": Role.COMMISSIONER,
        "memberships-0-active": "on",
    }
    # Not as a case manager: only a commissioner is granted an area.
    refused = admin_client.post(url, {**form, "memberships-0-role": Role.CASE_MANAGER})
    assert refused.status_code == 200
    assert "Only a commissioner may be granted a commissioning area." in refused.content.decode()
    assert not user.memberships.exists()
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    member = user.memberships.get()
    assert member.area == tree["west"] and member.organisation is None
    user = User.objects.get(pk=user.pk)
    assert set(access.services_for(user, Perm.VIEW_REPORTS)) == {service, tree["third"]}


def test_organisation_of_an_area_membership_is_not_needed(tree):
    user = commissioner_of(tree["ggc"])
    member = user.memberships.get()
    assert member.organisation is None
    assert "NHS Greater Glasgow and Clyde" in str(member)
    assert Organisation.objects.count() == 1
