"""Income tax and NI on median earnings, from allowance, thresholds and rates."""

import pytest

from vocrehab.economics.cost_benefit import (
    TaxBand,
    employee_ni,
    employer_ni,
    income_tax,
    run_model,
)

from .helpers import one_year_costs, simple_outcomes, simple_parameters

UK_2025_BANDS = (TaxBand(37_700, 20), TaxBand(87_440, 40), TaxBand(None, 45))


def test_income_tax_below_the_allowance_is_nothing():
    assert income_tax(12_000, 12_570, UK_2025_BANDS) == 0


def test_income_tax_at_current_median_earnings():
    assert income_tax(39_039, 12_570, UK_2025_BANDS) == pytest.approx(0.2 * 26_469)


def test_income_tax_runs_through_higher_bands():
    # £60,000: 20% of 37,700 + 40% of (60,000 - 12,570 - 37,700).
    expected = 0.2 * 37_700 + 0.4 * (60_000 - 12_570 - 37_700)
    assert income_tax(60_000, 12_570, UK_2025_BANDS) == pytest.approx(expected)


def test_employee_ni_main_and_upper_rates():
    assert employee_ni(39_039, 12_570, 50_270, 8, 2) == pytest.approx(0.08 * 26_469)
    assert employee_ni(60_000, 12_570, 50_270, 8, 2) == pytest.approx(
        0.08 * (50_270 - 12_570) + 0.02 * (60_000 - 50_270)
    )
    assert employee_ni(10_000, 12_570, 50_270, 8, 2) == 0


def test_employer_ni_has_no_upper_limit():
    assert employer_ni(39_039, 5_000, 15) == pytest.approx(0.15 * 34_039)


def test_employer_ni_counts_only_when_switched_on():
    base = {
        "median_earnings": 30_000,
        "personal_allowance": 10_000,
        "ni_primary_threshold": 10_000,
        "esa_annual_cost": 0,
    }
    off = run_model(simple_parameters(**base), simple_outcomes(), one_year_costs())
    on = run_model(
        simple_parameters(**base, include_employer_ni=True), simple_outcomes(), one_year_costs()
    )
    per_person_off = 0.2 * 20_000 + 0.1 * 20_000
    assert off.benefits["tax_ni"] == pytest.approx(10 * per_person_off)
    assert on.benefits["tax_ni"] == pytest.approx(10 * (per_person_off + 0.15 * 25_000))
