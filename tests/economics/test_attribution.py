"""Each attribution method on worked examples."""

import pytest

from vocrehab.economics.cost_benefit import attributable_people, run_model

from .helpers import one_year_costs, simple_outcomes, simple_parameters


def test_counterfactual_subtracts_the_expected_share_of_those_at_risk():
    # 66 at risk, 45% would have stayed anyway: 29.7 expected, 50 observed.
    assert attributable_people("counterfactual", 45, 50, 66) == pytest.approx(20.3)


def test_counterfactual_never_goes_below_zero():
    # 60% of 66 = 39.6 expected but only 30 observed.
    assert attributable_people("counterfactual", 60, 30, 66) == 0


def test_deadweight_takes_a_share_of_those_observed():
    assert attributable_people("deadweight", 30, 53, 139) == pytest.approx(37.1)


def test_deadweight_of_100_percent_attributes_nobody():
    assert attributable_people("deadweight", 100, 4, 52) == 0


def test_each_outcome_uses_its_own_method_and_at_risk_group():
    params = simple_parameters(
        stayed_in_work_method="counterfactual",
        stayed_in_work_rate=50,
        returned_to_work_method="counterfactual",
        returned_to_work_rate=10,
        moved_into_work_method="deadweight",
        moved_into_work_rate=25,
    )
    outcomes = simple_outcomes(
        in_work_at_entry=20,
        stayed_in_work=15,
        off_sick_at_entry=30,
        returned_to_work=9,
        not_in_work_at_entry=40,
        moved_into_work=8,
    )
    result = run_model(params, outcomes, one_year_costs())
    assert result.attributable["stayed_in_work"] == pytest.approx(15 - 10)
    assert result.attributable["returned_to_work"] == pytest.approx(9 - 3)
    assert result.attributable["moved_into_work"] == pytest.approx(8 * 0.75)
    # £1,000 of welfare a person: 5 + 6 + 6 people.
    assert result.benefits["welfare"] == pytest.approx(17_000)


def test_attribution_to_others_and_displacement_both_reduce_attributable_people():
    params = simple_parameters(attribution_to_others=20, displacement=10)
    result = run_model(params, simple_outcomes(), one_year_costs())
    assert result.attributable["stayed_in_work"] == pytest.approx(10 * 0.8 * 0.9)


def test_rounding_to_whole_persons_rounds_halves_up():
    params = simple_parameters(stayed_in_work_rate=25, round_to_whole_persons=True)
    outcomes = simple_outcomes(in_work_at_entry=10, stayed_in_work=10)  # 7.5 people
    result = run_model(params, outcomes, one_year_costs())
    assert result.attributable["stayed_in_work"] == 8


def test_without_rounding_fractions_of_people_are_kept():
    params = simple_parameters(stayed_in_work_rate=25)
    result = run_model(params, simple_outcomes(), one_year_costs())
    assert result.attributable["stayed_in_work"] == 7.5


def test_employers_save_only_for_people_who_had_an_employer_at_entry():
    params = simple_parameters(employer_absence_cost=600, esa_annual_cost=0)
    outcomes = simple_outcomes(
        in_work_at_entry=2,
        stayed_in_work=2,
        off_sick_at_entry=3,
        returned_to_work=3,
        not_in_work_at_entry=4,
        moved_into_work=4,
    )
    result = run_model(params, outcomes, one_year_costs())
    assert result.benefits["employers"] == pytest.approx(5 * 600)
