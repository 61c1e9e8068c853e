"""Outcomes for the model are aggregated from episodes and questionnaires in the database."""

import datetime

import pytest

from vocrehab.accounts.models import Service
from vocrehab.codes import MainReason
from vocrehab.economics.cost_benefit import ModelInputError
from vocrehab.economics.queries import outcomes_for

D = datetime.date(2025, 6, 30)


def test_entry_groups_and_outcomes_are_counted(service, make_episode):
    make_episode(service, "at_work", "at_work", discharged=D)
    make_episode(service, "self_employed", "off_sick", discharged=D)
    make_episode(service, "off_sick", "at_work", discharged=D)
    make_episode(service, "off_sick", "self_employed", discharged=D)
    make_episode(service, "off_sick", "unemployed", discharged=D)
    make_episode(service, "unemployed", "at_work", discharged=D)
    make_episode(service, "retired", "retired", discharged=D)
    make_episode(service, "not_known", "at_work", discharged=D)
    outcomes = outcomes_for(services=Service.objects.all())
    assert (outcomes.in_work_at_entry, outcomes.stayed_in_work) == (2, 1)
    assert (outcomes.off_sick_at_entry, outcomes.returned_to_work) == (3, 2)
    assert (outcomes.not_in_work_at_entry, outcomes.moved_into_work) == (2, 1)
    assert outcomes.clients == 8


def test_open_episodes_carers_and_other_periods_are_left_out(service, make_episode):
    make_episode(service, "off_sick", "at_work", discharged=D)
    make_episode(service, "off_sick")  # still open
    make_episode(service, "off_sick", "at_work", discharged=D, reason=MainReason.THIRD_PARTY)
    make_episode(service, "off_sick", "at_work", discharged=datetime.date(2024, 3, 1))
    outcomes = outcomes_for(
        services=Service.objects.all(), date_from=datetime.date(2025, 1, 1), date_to=D
    )
    assert (outcomes.off_sick_at_entry, outcomes.returned_to_work) == (1, 1)


def test_only_the_given_services_count(service, other_service, make_episode):
    make_episode(service, "off_sick", "at_work", discharged=D)
    make_episode(other_service, "off_sick", "off_sick", discharged=D)
    outcomes = outcomes_for(services=Service.objects.filter(pk=other_service.pk))
    assert (outcomes.off_sick_at_entry, outcomes.returned_to_work) == (1, 0)


def test_health_use_is_summed_over_complete_pairs(service, make_episode, health_use):
    paired = make_episode(service, "off_sick", "at_work", discharged=D)
    health_use(paired, "entry", gp=4, outpatient=3)
    health_use(paired, "discharge", gp=1, outpatient=2)
    paired2 = make_episode(service, "off_sick", "at_work", discharged=D)
    health_use(paired2, "entry", gp=2, outpatient=0)
    health_use(paired2, "discharge", gp=2, outpatient=1)
    entry_only = make_episode(service, "at_work", "at_work", discharged=D)
    health_use(entry_only, "entry", gp=9, outpatient=9)
    health_use(entry_only, "discharge", status="invited")
    missing_item = make_episode(service, "at_work", "at_work", discharged=D)
    health_use(missing_item, "entry", gp=5, outpatient=5)
    health_use(missing_item, "discharge", gp=5)
    make_episode(service, "at_work", "at_work", discharged=D)  # never asked
    outcomes = outcomes_for(services=Service.objects.all())
    assert outcomes.respondents == 2
    assert outcomes.cohort_size == 4
    assert (outcomes.gp_visits_before, outcomes.gp_visits_after) == (6, 3)
    assert (outcomes.outpatient_visits_before, outcomes.outpatient_visits_after) == (3, 3)


def test_no_discharges_in_the_period_is_a_clear_error(service, make_episode):
    make_episode(service, "off_sick")
    with pytest.raises(ModelInputError, match="no outcomes"):
        outcomes_for(services=Service.objects.all())


def test_counts_are_made_in_a_fixed_number_of_queries(
    service, make_episode, health_use, django_assert_max_num_queries
):
    for _ in range(20):
        ep = make_episode(service, "off_sick", "at_work", discharged=D)
        health_use(ep, "entry", gp=1, outpatient=1)
        health_use(ep, "discharge", gp=0, outpatient=0)
    with django_assert_max_num_queries(5):
        outcomes = outcomes_for(services=Service.objects.all())
    assert outcomes.respondents == 20
