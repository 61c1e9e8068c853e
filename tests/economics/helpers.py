"""Round-number inputs for worked examples of the cost-benefit model."""

from vocrehab.economics.cost_benefit import Costs, CostYear, Outcomes, Parameters


def simple_values(**changes):
    """Round-number parameters whose results can be worked out by hand.

    Deadweight 0 everywhere, no tax (allowance above earnings), no NI, no NHS costs,
    £1,000 of welfare a person a year, one year, no discounting.
    """
    values = {
        "stayed_in_work_method": "deadweight",
        "stayed_in_work_rate": 0,
        "returned_to_work_method": "deadweight",
        "returned_to_work_rate": 0,
        "moved_into_work_method": "deadweight",
        "moved_into_work_rate": 0,
        "attribution_to_others": 0,
        "displacement": 0,
        "drop_off": 0,
        "discount_rate": 0,
        "years": 1,
        "round_to_whole_persons": False,
        "esa_annual_cost": 1000,
        "median_earnings": 10000,
        "personal_allowance": 20000,
        "income_tax_bands": [{"width": None, "rate": 20}],
        "ni_primary_threshold": 20000,
        "ni_upper_earnings_limit": 50000,
        "ni_main_rate": 10,
        "ni_upper_rate": 2,
        "include_employer_ni": False,
        "employer_ni_threshold": 5000,
        "employer_ni_rate": 15,
        "gp_visit_cost": 0,
        "outpatient_visit_cost": 0,
        "nhs_grossing_method": "factor",
        "nhs_grossing_factor": 1,
        "employer_absence_cost": 0,
    }
    values.update(changes)
    return values


def simple_parameters(**changes):
    return Parameters.from_mapping(simple_values(**changes))


def one_year_costs(amount=1000.0, years=1):
    return Costs(tuple(CostYear(year=y, non_staff=amount) for y in range(1, years + 1)))


def simple_outcomes(**changes):
    counts = {
        "in_work_at_entry": 10,
        "stayed_in_work": 10,
        "off_sick_at_entry": 0,
        "returned_to_work": 0,
    }
    counts.update(changes)
    return Outcomes(**counts)
