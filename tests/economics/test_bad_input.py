"""Bad input gives a ModelInputError naming the parameter, never a crash."""

import pytest

from vocrehab.economics.cost_benefit import (
    Costs,
    CostYear,
    ModelInputError,
    Outcomes,
    Parameters,
    StaffCost,
    run_model,
)

from .helpers import one_year_costs, simple_outcomes, simple_parameters, simple_values


def messages_of(excinfo):
    return " ".join(excinfo.value.messages)


def test_model_input_error_is_a_value_error_with_a_list_of_messages():
    with pytest.raises(ValueError) as excinfo:
        simple_parameters(drop_off=-1, displacement=101)
    assert isinstance(excinfo.value, ModelInputError)
    assert len(excinfo.value.messages) == 2


def test_negative_rate_names_the_parameter():
    with pytest.raises(ModelInputError) as excinfo:
        simple_parameters(returned_to_work_rate=-5)
    assert "returned_to_work_rate" in messages_of(excinfo)
    assert "negative" in messages_of(excinfo)


def test_percentage_over_100_names_the_parameter():
    with pytest.raises(ModelInputError) as excinfo:
        simple_parameters(stayed_in_work_rate=145)
    assert "stayed_in_work_rate" in messages_of(excinfo)
    assert "over 100" in messages_of(excinfo)


def test_negative_money_names_the_parameter():
    with pytest.raises(ModelInputError, match="esa_annual_cost"):
        simple_parameters(esa_annual_cost=-8500)


def test_missing_parameter_is_named():
    values = simple_values()
    del values["median_earnings"]
    with pytest.raises(ModelInputError) as excinfo:
        Parameters.from_mapping(values)
    assert excinfo.value.messages == ["The parameter 'median_earnings' is missing."]


def test_unknown_parameter_is_named():
    with pytest.raises(ModelInputError, match="deadweigth"):
        Parameters.from_mapping(simple_values(deadweigth=30))


def test_wrong_types_are_named():
    with pytest.raises(ModelInputError) as excinfo:
        simple_parameters(years=2.5, round_to_whole_persons="yes", gp_visit_cost="cheap")
    text = messages_of(excinfo)
    assert "'years'" in text and "'round_to_whole_persons'" in text and "'gp_visit_cost'" in text


def test_unknown_method_is_named():
    with pytest.raises(ModelInputError, match="stayed_in_work_method"):
        simple_parameters(stayed_in_work_method="guesswork")


def test_bad_tax_bands_are_explained():
    with pytest.raises(ModelInputError, match="only the last band"):
        simple_parameters(income_tax_bands=[{"width": None, "rate": 20}, {"width": 5, "rate": 40}])


def test_negative_costs_are_refused():
    with pytest.raises(ModelInputError) as excinfo:
        Costs.from_list(
            [{"year": 1, "non_staff": -1, "staff": [{"role": "CM", "fte": 1, "annual_cost": -5}]}]
        )
    text = messages_of(excinfo)
    assert "non_staff" in text and "'CM'" in text


def test_cost_rows_without_a_year_are_refused():
    with pytest.raises(ModelInputError, match="Cost row 1"):
        Costs.from_list([{"non_staff": 100}])


def test_a_period_with_no_outcomes_is_refused():
    with pytest.raises(ModelInputError, match="no outcomes"):
        simple_outcomes(in_work_at_entry=0, stayed_in_work=0).validate()


def test_more_outcomes_than_people_at_risk_is_refused():
    with pytest.raises(ModelInputError, match="returned_to_work"):
        Outcomes.from_mapping(
            {
                "in_work_at_entry": 1,
                "stayed_in_work": 1,
                "off_sick_at_entry": 3,
                "returned_to_work": 4,
            }
        )


def test_missing_and_negative_outcome_counts_are_named():
    with pytest.raises(ModelInputError) as excinfo:
        Outcomes.from_mapping({"in_work_at_entry": 1, "stayed_in_work": -1})
    text = messages_of(excinfo)
    assert "off_sick_at_entry" in text and "returned_to_work" in text
    with pytest.raises(ModelInputError, match="stayed_in_work"):
        Outcomes.from_mapping(
            {
                "in_work_at_entry": 1,
                "stayed_in_work": -1,
                "off_sick_at_entry": 0,
                "returned_to_work": 0,
            }
        )


def test_visits_without_respondents_are_refused():
    with pytest.raises(ModelInputError, match="respondents"):
        simple_outcomes(gp_visits_before=3).validate()


def test_run_model_collects_problems_from_every_input():
    params = simple_parameters()
    bad_params = Parameters(**(params.__dict__ | {"discount_rate": -1}))
    bad_outcomes = simple_outcomes(stayed_in_work=11)
    bad_costs = Costs((CostYear(year=1, staff=(StaffCost("CM", -1, 100),)),))
    with pytest.raises(ModelInputError) as excinfo:
        run_model(bad_params, bad_outcomes, bad_costs)
    assert len(excinfo.value.messages) == 3


def test_no_costs_gives_no_ratio_instead_of_dividing_by_zero():
    result = run_model(simple_parameters(), simple_outcomes(), one_year_costs(0))
    assert result.ratio is None
    assert result.npv == result.benefits["total"]
    assert result.to_dict()["ratio"] is None


def test_empty_costs_are_allowed_and_give_no_ratio():
    result = run_model(simple_parameters(), simple_outcomes(), Costs())
    assert result.ratio is None
