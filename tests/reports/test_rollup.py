"""Roll-up: reports, benchmarks and the dashboard for a node of the commissioning
hierarchy, as a commissioner granted the node sees them (suppressed) and as a manager
does; and suppression across a node's parts and its total."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.accounts.test_areas import commissioner_of, tree  # noqa: F401 - a fixture
from tests.conftest import enrol_totp
from vocrehab.accounts.models import Area, AreaLevel, Membership, Role, Service
from vocrehab.audit.models import AccessEvent
from vocrehab.codes import Nation
from vocrehab.reports.queries import benchmark_for, evaluation_for, node_parts
from vocrehab.reports.suppression import suppress, suppress_across, suppress_dashboard

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tree, service, other_service, make_staff):  # noqa: F811
    """GGC: 7 episodes, one case manager; Lanarkshire: 3; West Yorkshire: 6."""
    worker = make_staff(Role.CASE_MANAGER, service)
    worker.first_name, worker.last_name = "Isobel", "Quarrie"
    worker.save()
    for i in range(7):
        make_episode(service, age_at_referral=40 + i, tier="2", case_manager=worker)
    for _ in range(3):
        make_episode(tree["third"], referral_source="self")
    for _ in range(6):
        make_episode(other_service, referral_source="employer")
    return tree


def _sign_in(client, user):
    enrol_totp(user)
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _commissioner(client, area):
    return _sign_in(client, commissioner_of(area))


def _referred(report):
    return cell(report, "summary", metric="referred")["count"]


# -- the evaluation report for a node -------------------------------------------------


def test_a_commissioner_of_an_area_sees_the_rollup_of_its_services_suppressed(client, data):
    _commissioner(client, data["west"])
    page = client.get(reverse("reports:evaluation"), {"area": data["west"].pk})
    assert page.status_code == 200
    assert page.context["suppressed"] is True
    report = page.context["report"]
    assert sorted(report["filters"]["services"]) == ["GGC-VR", "LAN-VR"]
    assert _referred(report) == 10  # 7 + 3 together: the 3 alone would be hidden
    sources = {c["referral_source"]: c for c in report["tables"]["referral_sources"]["cells"]}
    assert sources["self"]["suppressed"] and sources["self"]["count"] is None
    html = page.content.decode()
    assert "Commissioning area: West of Scotland (region)" in html
    # The form offers the nodes beneath the grant and no node above it.
    offered = {str(a) for a in page.context["form"].fields["area"].queryset}
    assert offered == {
        "West of Scotland (region)",
        "NHS Greater Glasgow and Clyde (health board)",
        "NHS Lanarkshire (area)",
    }


def test_a_commissioner_is_refused_what_lies_outside_their_area(client, data, other_service):
    _commissioner(client, data["west"])
    url = reverse("reports:evaluation")
    for params in ({"area": data["england"].pk}, {"area": data["scotland"].pk}):
        page = client.get(url, params)
        assert page.status_code == 200 and "report" not in page.context
        assert "that one is not one you may see" in page.content.decode()
    page = client.get(url, {"services": other_service.pk})
    assert "report" not in page.context
    user = page.wsgi_request.user
    with pytest.raises(PermissionDenied):
        evaluation_for(user, [other_service])
    with pytest.raises(PermissionDenied):
        benchmark_for(user, [other_service], area=data["england"])


def test_an_area_and_services_together_or_neither_are_explained(client, data, service):
    _commissioner(client, data["west"])
    url = reverse("reports:evaluation")
    both = client.get(url, {"area": data["west"].pk, "services": service.pk})
    assert "Choose a commissioning area or tick services, not both." in both.content.decode()
    neither = client.get(url, {"date_from": "2024-01-01"})
    assert "Choose a commissioning area, or at least one service." in neither.content.decode()


def test_a_saved_query_string_gives_the_same_node_report_and_download(client, data):
    _commissioner(client, data["west"])
    query = {"area": data["west"].pk, "date_from": "2024-01-01", "date_to": "2024-12-31"}
    first = client.get(reverse("reports:evaluation"), query).context["report"]
    again = client.get(reverse("reports:evaluation"), query).context["report"]
    assert first == again and _referred(first) == 10
    download = client.get(reverse("reports:download"), {**query, "format": "json"})
    assert download.status_code == 200
    import json

    body = json.loads(download.content)
    assert sorted(body["filters"]["services"]) == ["GGC-VR", "LAN-VR"]
    assert cell(body, "referral_sources", referral_source="self")["suppressed"] is True
    event = AccessEvent.objects.latest("pk")
    assert "area=SCOT-WEST services=" in event.detail and "suppressed" in event.detail


def test_a_manager_of_every_service_beneath_a_node_may_report_on_it_unsuppressed(
    client, data, service, make_staff
):
    manager = make_staff(Role.SERVICE_MANAGER, service)
    Membership.objects.create(
        user=manager,
        organisation=service.organisation,
        service=data["third"],
        role=Role.SERVICE_MANAGER,
    )
    client.force_login(manager, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("reports:evaluation"), {"area": data["west"].pk})
    assert page.context["suppressed"] is False
    report = page.context["report"]
    assert cell(report, "referral_sources", referral_source="self")["count"] == 3
    # England is not theirs: not offered.
    offered = set(page.context["form"].fields["area"].queryset)
    assert data["england"] not in offered and data["west"] in offered


def test_a_user_with_no_node_sees_the_form_as_before(signed_in, service):
    client, _user = signed_in(Role.SERVICE_MANAGER)
    form = client.get(reverse("reports:evaluation")).context["form"]
    assert "area" not in form.fields


# -- benchmarking a node ----------------------------------------------------------------


def test_the_benchmark_of_a_node_shows_its_parts_and_total_suppressed_across(client, data):
    _commissioner(client, data["west"])
    page = client.get(reverse("reports:benchmark"), {"area": data["west"].pk})
    assert page.status_code == 200
    assert page.context["columns"] == [
        "NHS Greater Glasgow and Clyde",
        "NHS Lanarkshire",
        "West of Scotland – all",
    ]
    summary = next(s for s in page.context["sections"] if s["id"] == "summary")
    referred = next(r for r in summary["rows"] if r[0] == "Referrals")
    # Lanarkshire's 3 is hidden; so is Glasgow's 7, or 10 - 7 would give the 3 back.
    assert referred[1:] == ["suppressed", "suppressed", "10"]


def test_a_nation_benchmarks_its_regions_and_a_service_of_its_own(
    client, data, organisation, django_assert_max_num_queries
):
    own = Service.objects.create(
        organisation=organisation,
        code="SCOT-NAT",
        name="Scottish national service",
        nation=Nation.SCOTLAND,
        area=data["scotland"],
    )
    for _ in range(5):
        make_episode(own)
    east = Area.objects.create(
        code="SCOT-EAST", name="East of Scotland", level=AreaLevel.REGION, parent=data["scotland"]
    )
    lothian = Area.objects.create(
        code="S08000024", name="NHS Lothian", level=AreaLevel.AREA, parent=east
    )
    lothian_service = Service.objects.create(
        organisation=organisation,
        code="LOTH-VR",
        name="Lothian VR",
        nation=Nation.SCOTLAND,
        area=lothian,
    )
    for _ in range(6):
        make_episode(lothian_service)
    _commissioner(client, data["scotland"])
    url = reverse("reports:benchmark")
    client.get(url, {"area": data["scotland"].pk})  # fills the working-day calendar
    # One report per part and one for the total: bounded, whatever the data.
    with django_assert_max_num_queries(4 * 60):
        page = client.get(url, {"area": data["scotland"].pk})
    assert page.context["columns"] == [
        "East of Scotland",
        "West of Scotland",
        "Scottish national service",
        "Scotland – all",
    ]
    summary = next(s for s in page.context["sections"] if s["id"] == "summary")
    referred = next(r for r in summary["rows"] if r[0] == "Referrals")
    assert referred[1:] == ["6", "10", "5", "21"]


def test_node_parts_do_not_overlap_and_make_up_the_whole(data, service, other_service):
    services = list(Service.objects.select_related("area__parent__parent"))
    beneath_west = [s for s in services if s.area and s.area.parent_id == data["west"].pk]
    parts = node_parts(data["west"], beneath_west)
    assert [(label, [s.code for s in group], part) for label, group, part in parts] == [
        ("NHS Greater Glasgow and Clyde", ["GGC-VR"], data["ggc"]),
        ("NHS Lanarkshire", ["LAN-VR"], data["lanark"]),
    ]
    with pytest.raises(PermissionDenied):
        node_parts(data["west"], [s for s in services if s.code == other_service.code])


def test_a_manager_benchmarking_a_node_sees_it_unsuppressed(client, data, service, make_staff):
    manager = make_staff(Role.SERVICE_MANAGER, service)
    Membership.objects.create(
        user=manager,
        organisation=service.organisation,
        service=data["third"],
        role=Role.SERVICE_MANAGER,
    )
    client.force_login(manager, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("reports:benchmark"), {"area": data["west"].pk})
    summary = next(s for s in page.context["sections"] if s["id"] == "summary")
    referred = next(r for r in summary["rows"] if r[0] == "Referrals")
    assert referred[1:] == ["7", "3", "10"]
    assert page.context["suppressed"] is False


def test_a_node_with_one_part_compares_the_parts_beneath_it(client, data):
    _commissioner(client, data["scotland"])
    page = client.get(reverse("reports:benchmark"), {"area": data["scotland"].pk})
    # Scotland has one region (West): its two boards are compared, with the total.
    assert page.context["columns"] == [
        "NHS Greater Glasgow and Clyde",
        "NHS Lanarkshire",
        "Scotland – all",
    ]
    page = client.get(reverse("reports:benchmark"), {"area": data["ggc"].pk})
    assert page.context["columns"] == ["Glasgow VR Service"]


# -- the dashboard of a node -------------------------------------------------------------


def test_a_commissioner_sees_the_dashboard_of_their_area_suppressed_without_staff(
    client, data, django_assert_max_num_queries
):
    _commissioner(client, data["west"])
    url = reverse("reports:dashboard")
    client.get(url)
    with django_assert_max_num_queries(40):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["area"] == data["west"]
    assert {s.code for s in page.context["services"]} == {"GGC-VR", "LAN-VR"}
    assert page.context["suppressed"] is True
    figures = page.context["figures"]
    assert figures["open_by_case_manager"] == []
    assert figures["open_total"] == 10
    tiers = {t["tier"]: t["n"] for t in figures["open_by_tier"]}
    # Three not yet tiered (hidden), so the 7 in tier 2 is hidden too.
    assert tiers == {"": None, "1": 0, "2": None, "3": 0}
    html = page.content.decode()
    assert "Quarrie" not in html
    assert reverse("reports:data_quality") not in html
    assert "Dashboard: West of Scotland" in html
    assert f"?area={data['west'].pk}" in html  # on to the node's report and benchmark
    # The choices read as choices: no "---------".
    assert "---------" not in html and "None: show the area chosen above" in html


def test_the_dashboard_of_a_part_and_a_refused_node(client, data, other_service):
    _commissioner(client, data["west"])
    url = reverse("reports:dashboard")
    page = client.get(url, {"area": data["ggc"].pk})
    assert [s.code for s in page.context["services"]] == ["GGC-VR"]
    assert page.context["figures"]["open_total"] == 7
    # A node, or a service, outside the grant is not shown: back to their own node.
    page = client.get(url, {"area": data["england"].pk})
    assert page.context["area"] == data["west"]
    page = client.get(url, {"service": other_service.pk})
    assert other_service not in page.context["services"]


def test_a_manager_dashboard_is_unchanged_and_may_show_a_node(client, data, service, make_staff):
    manager = make_staff(Role.SERVICE_MANAGER, service)
    client.force_login(manager, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("reports:dashboard"))
    assert page.context["service"] == service and page.context["area"] is None
    assert page.context["suppressed"] is False
    assert "Quarrie" in page.content.decode()
    assert reverse("reports:data_quality") in page.content.decode()
    page = client.get(reverse("reports:dashboard"), {"area": data["ggc"].pk})
    assert page.context["area"] == data["ggc"] and page.context["suppressed"] is False


# -- suppression across parts and total -----------------------------------------------


def _sources_report(counts: dict[str, int]) -> dict:
    cells = [
        {"referral_source": k, "count": v, "percent": 0.0, "suppressed": False}
        for k, v in counts.items()
    ]
    table = {"title": "t", "n": sum(counts.values()), "cells": cells}
    return {"tables": {"referral_sources": table}}


def _hidden(report):
    return {
        c["referral_source"]
        for c in report["tables"]["referral_sources"]["cells"]
        if c["suppressed"]
    }


def test_a_hidden_part_cannot_be_had_back_from_the_total():
    a = {"acute_nhs": 3, "self": 10, "employer": 20}
    b = {"acute_nhs": 8, "self": 12, "employer": 30}
    parts = [suppress(_sources_report(a)), suppress(_sources_report(b))]
    total = suppress(_sources_report({k: a[k] + b[k] for k in a}))
    assert _hidden(parts[0]) == {"acute_nhs", "self"}  # its own secondary suppression
    assert _hidden(parts[1]) == set() and _hidden(total) == set()
    suppress_across(parts, total)
    # Each row shown in the total now has at least two parts hidden, or none.
    assert _hidden(parts[1]) == {"acute_nhs", "self"}
    assert _hidden(total) == set()


def test_a_total_hidden_on_its_own_terms_is_not_given_back_by_its_parts():
    a = {"acute_nhs": 3, "self": 6, "employer": 20, "voluntary": 5}
    b = {"acute_nhs": 0, "self": 9, "employer": 30, "voluntary": 20}
    parts = [suppress(_sources_report(a)), suppress(_sources_report(b))]
    total = suppress(_sources_report({k: a[k] + b[k] for k in a}))
    # The total hides its 3 and, to protect it, its smallest other count, self (15);
    # but the parts show self as 6 and 9, which add up to it.
    assert _hidden(total) == {"acute_nhs", "self"}
    assert _hidden(parts[0]) == {"acute_nhs", "voluntary"} and _hidden(parts[1]) == set()
    suppress_across(parts, total)
    assert "self" in _hidden(parts[0])
    # voluntary: the total shows 25, the first part hides its 5, so the second's 20 goes,
    # and with it (its own group now has one hidden cell) its next smallest, self.
    assert _hidden(parts[1]) == {"voluntary", "self"}
    assert _hidden(total) == {"acute_nhs", "self"}


def test_a_small_part_population_is_not_had_back_from_the_total():
    small = _sources_report({"acute_nhs": 3})
    big = _sources_report({"acute_nhs": 20})
    bigger = _sources_report({"acute_nhs": 40})
    parts = [suppress(small), suppress(big), suppress(bigger)]
    total = suppress(_sources_report({"acute_nhs": 63}))
    suppress_across(parts, total)
    ns = [p["tables"]["referral_sources"]["n"] for p in parts]
    assert ns == [None, None, 40]
    assert total["tables"]["referral_sources"]["n"] == 63


def test_the_dashboard_figures_are_suppressed_with_their_complements():
    figures = {
        "months": [{"month": dt.date(2024, 1, 1), "referrals": 3}, {"referrals": 0}],
        "trends": {},
        "open_total": 30,
        "open_by_tier": [
            {"tier": "", "n": 2},
            {"tier": "1", "n": 8},
            {"tier": "2", "n": 20},
            {"tier": "3", "n": 0},
        ],
        "open_by_case_manager": [{"first_name": "Isobel", "last_name": "Quarrie", "n": 30}],
        "standards": {
            "contact_met": 18,
            "contact_eligible": 20,
            "assess_met": 2,
            "assess_eligible": 3,
        },
        "outcomes": {
            "discharged": 40,
            "in_work_at_entry": 10,
            "in_work_at_discharge": 37,
            "off_sick_returned": 6,
            "off_sick_at_entry": 12,
        },
        "outstanding": {"total": 9, "overdue": 1},
        "no_recent_contact": 4,
    }
    out = suppress_dashboard(figures)
    assert [m["referrals"] for m in out["months"]] == [None, 0]
    assert [t["n"] for t in out["open_by_tier"]] == [None, None, 20, 0]
    assert out["open_total"] == 30
    assert out["open_by_case_manager"] == []
    # 18 of 20: 2 did not meet it, so 18 is hidden; 2 of 3: all hidden.
    assert out["standards"] == {
        "contact_met": None,
        "contact_eligible": 20,
        "assess_met": None,
        "assess_eligible": None,
    }
    assert out["outcomes"]["in_work_at_entry"] == 10
    assert out["outcomes"]["in_work_at_discharge"] is None  # 40 - 37 = 3
    assert out["outcomes"]["off_sick_returned"] == 6
    assert out["outstanding"] == {"total": 9, "overdue": None}
    assert out["no_recent_contact"] is None
    assert figures["open_by_case_manager"]  # the original is left as it was
