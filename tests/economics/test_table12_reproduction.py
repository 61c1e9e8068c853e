"""The glasgow-2014 preset on the evaluation's outcomes reproduces Table 12 within 2%."""

import pytest

from vocrehab.economics.cost_benefit import run_model

# Table 12 of the 2014 Glasgow evaluation (pounds over the 3-year pilot).
TABLE_12 = {
    "welfare": 1_455_000,
    "tax_ni": 990_000,
    "nhs": 324_000,
    "employers": 102_000,
    "total": 2_871_000,
}
TABLE_12_COSTS = 460_000


@pytest.fixture
def result(glasgow, glasgow_outcomes):
    return run_model(glasgow.parameters, glasgow_outcomes, glasgow.costs, preset=glasgow.name)


@pytest.mark.parametrize("line", sorted(TABLE_12))
def test_each_benefit_line_is_within_two_percent_of_table_12(result, line):
    assert result.benefits[line] == pytest.approx(TABLE_12[line], rel=0.02)


def test_costs_are_within_two_percent_of_table_12(result):
    assert result.total_costs == pytest.approx(TABLE_12_COSTS, rel=0.02)
    # Footnote 28 itemised: 3 x £43,159 + £21,300 a year and £2,000 a year non-staff.
    assert result.total_costs == pytest.approx(3 * (3 * 43_159 + 21_300 + 2_000))


def test_ratio_is_about_six_point_two(result):
    assert result.ratio == pytest.approx(2_871_000 / 460_000, rel=0.02)
    assert 6.1 < result.ratio < 6.4


def test_attributable_people_match_the_evaluation(result):
    # "the additional 20 is attributed" and "we would attribute 37".
    assert result.attributable == {
        "stayed_in_work": 20,
        "returned_to_work": 37,
        "moved_into_work": 0,
    }


def test_per_person_tax_and_ni_match_the_evaluation(result):
    # "a person earning median wage will return £3,547" and "£2,306 annually".
    assert round(result.per_person["income_tax"]) == 3547
    assert round(result.per_person["employee_ni"]) == 2306


def test_monthly_nhs_saving_is_about_nine_thousand(result):
    # GP 23 x £66 ~ £1,500, outpatients 22 x £139 ~ £3,000, doubled: "around £9,000".
    assert result.nhs["monthly_change"] == 23 * 66 + 22 * 139
    assert result.nhs["monthly_change"] * result.nhs["gross_up"] == pytest.approx(9000, rel=0.02)


def test_benefits_are_the_same_in_each_of_the_three_years(result):
    totals = [row["total"] for row in result.by_year]
    assert len(totals) == 3
    assert totals[0] == pytest.approx(totals[1]) == pytest.approx(totals[2])
    assert sum(totals) == pytest.approx(result.benefits["total"])


def test_preset_example_outcomes_are_the_evaluation_outcomes(glasgow, glasgow_outcomes):
    example = glasgow.example_outcomes
    assert example.as_values() | {"clients": None} == glasgow_outcomes.as_values()
    assert example.clients == 77 + 120 + 106
