"""NHS savings from paired GP and outpatient visits, grossed up."""

import pytest

from vocrehab.economics.cost_benefit import run_model

from .helpers import one_year_costs, simple_outcomes, simple_parameters

HEALTH = {
    "gp_visits_before": 10,
    "gp_visits_after": 4,
    "outpatient_visits_before": 5,
    "outpatient_visits_after": 3,
    "respondents": 8,
    "cohort_size": 20,
}


def test_saving_by_factor():
    params = simple_parameters(gp_visit_cost=50, outpatient_visit_cost=100, nhs_grossing_factor=2)
    result = run_model(params, simple_outcomes(**HEALTH), one_year_costs())
    assert result.benefits["nhs"] == pytest.approx((6 * 50 + 2 * 100) * 12 * 2)


def test_saving_by_response_rate():
    params = simple_parameters(
        gp_visit_cost=50, outpatient_visit_cost=100, nhs_grossing_method="response_rate"
    )
    result = run_model(params, simple_outcomes(**HEALTH), one_year_costs())
    assert result.nhs["gross_up"] == pytest.approx(20 / 8)
    assert result.benefits["nhs"] == pytest.approx((6 * 50 + 2 * 100) * 12 * 20 / 8)


def test_more_visits_after_is_a_negative_saving():
    health = HEALTH | {"gp_visits_after": 16}
    params = simple_parameters(gp_visit_cost=50, outpatient_visit_cost=0)
    result = run_model(params, simple_outcomes(**health), one_year_costs())
    assert result.benefits["nhs"] == pytest.approx(-6 * 50 * 12)


def test_no_respondents_means_no_saving_and_no_division_by_zero():
    params = simple_parameters(gp_visit_cost=50, nhs_grossing_method="response_rate")
    result = run_model(params, simple_outcomes(), one_year_costs())
    assert result.benefits["nhs"] == 0


def test_glasgow_nhs_line_over_three_years(glasgow, glasgow_outcomes):
    result = run_model(glasgow.parameters, glasgow_outcomes, glasgow.costs)
    assert result.benefits["nhs"] == pytest.approx((23 * 66 + 22 * 139) * 2 * 12 * 3)


def test_unknown_cohort_means_no_grossing_up():
    params = simple_parameters(gp_visit_cost=50, nhs_grossing_method="response_rate")
    outcomes = simple_outcomes(**(HEALTH | {"cohort_size": 0}))
    result = run_model(params, outcomes, one_year_costs())
    assert result.nhs["gross_up"] == 1
