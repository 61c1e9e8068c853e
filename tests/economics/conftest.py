"""Fixtures for the cost-benefit model: the 2014 Glasgow inputs and a simple model."""

import pytest

from vocrehab.economics.model import Outcomes
from vocrehab.economics.presets import load_preset


@pytest.fixture
def glasgow():
    return load_preset("glasgow-2014")


@pytest.fixture
def glasgow_outcomes():
    """Table 6 and Table 11 of the 2014 evaluation, typed in here, not read from the preset."""
    return Outcomes(
        in_work_at_entry=66,
        stayed_in_work=50,
        off_sick_at_entry=139,
        returned_to_work=53,
        not_in_work_at_entry=52,
        moved_into_work=4,
        gp_visits_before=45,
        gp_visits_after=22,
        outpatient_visits_before=50,
        outpatient_visits_after=28,
        respondents=25,
        cohort_size=58,
    )
