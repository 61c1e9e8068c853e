"""The VRMDS v1.1 interventions table: contacts and people per tier and intervention
code, reconciled with the recorded contacts one by one in Python."""

import datetime as dt
from collections import defaultdict

import pytest
from django.urls import reverse

from vocrehab.accounts.models import Role
from vocrehab.casework.models import Contact, ContactIntervention
from vocrehab.codes import Intervention
from vocrehab.reports.evaluation import build_evaluation
from vocrehab.reports.suppression import suppress

from .helpers import cell, make_episode

pytestmark = pytest.mark.django_db


def _contact(episode, *codes, day=10):
    contact = Contact.objects.create(
        episode=episode, contact_date=dt.date(2024, 3, day), mode="face_to_face"
    )
    for position, code in enumerate(codes):
        ContactIntervention.objects.create(contact=contact, code=code, position=position)
    return contact


def _row(episode):
    if episode.main_reason == "third_party":
        return "third_party"
    tier = episode.highest_tier or episode.tier
    return tier if tier in ("2", "3") else ""


def _build(service, other_service):
    discharge = dt.date(2024, 5, 1)
    two = make_episode(service, tier="2", discharge_date=discharge)
    two_again = make_episode(service, tier="2", discharge_date=discharge, client=two.client)
    three = make_episode(service, tier="2", highest_tier="3", discharge_date=discharge)
    carer = make_episode(service, tier="2", main_reason="third_party", discharge_date=discharge)
    one = make_episode(service, tier="1", discharge_date=discharge)
    still_open = make_episode(service, tier="2")
    elsewhere = make_episode(other_service, tier="2", discharge_date=discharge)
    _contact(two, "assessment", "goal_setting")
    _contact(two, "goal_setting")
    _contact(two_again, "goal_setting", "employer_liaison")
    _contact(two)  # no intervention: not in the population
    _contact(three, "phased_return", "employer_liaison", "workplace_adjustments")
    _contact(three, "phased_return")
    _contact(carer, "onward_referral")
    _contact(one, "assessment")  # below tier 2: in n only
    _contact(still_open, "assessment")  # open: left out
    _contact(elsewhere, "assessment")  # another service: left out


def test_the_table_reconciles_with_the_recorded_contacts(service, other_service):
    _build(service, other_service)
    table = build_evaluation([service])["tables"]["interventions"]
    expected_count = defaultdict(int)
    expected_clients = defaultdict(set)
    population = set()
    for code in ContactIntervention.objects.select_related("contact__episode"):
        episode = code.contact.episode
        if episode.discharge_date is None or episode.service_id != service.pk:
            continue
        population.add(code.contact_id)
        key = (_row(episode), code.code)
        expected_count[key] += 1
        expected_clients[key].add(episode.client_id)
    assert table["n"] == len(population) == 7
    assert len(table["cells"]) == 3 * len(Intervention.values)
    for c in table["cells"]:
        key = (c["tier"], c["intervention"])
        assert c["count"] == expected_count.get(key, 0), key
        assert c["clients"] == len(expected_clients.get(key, ())), key
    # One person's two episodes: three goal-setting contacts, one person.
    assert cell(table, tier="2", intervention="goal_setting")["count"] == 3
    assert cell(table, tier="2", intervention="goal_setting")["clients"] == 1
    assert cell(table, tier="3", intervention="phased_return")["count"] == 2
    assert cell(table, tier="third_party", intervention="onward_referral")["count"] == 1


def test_small_numbers_are_suppressed(service, other_service):
    _build(service, other_service)
    table = suppress(build_evaluation([service]))["tables"]["interventions"]
    hidden = cell(table, tier="3", intervention="phased_return")
    assert hidden["suppressed"] and hidden["count"] is None and hidden["clients"] is None
    zero = cell(table, tier="3", intervention="psychological")
    assert not zero["suppressed"] and zero["count"] == 0


def test_the_page_names_tiers_and_interventions(signed_in, service, other_service):
    _build(service, other_service)
    client, _user = signed_in(Role.SERVICE_MANAGER)
    html = client.get(
        reverse("reports:evaluation"), {"services": service.pk, "section": "casework"}
    ).content.decode()
    assert "Interventions" in html
    assert "Prioritising issues and setting goals" in html
    assert "Negotiating a phased return" in html
