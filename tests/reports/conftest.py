import datetime as dt

import pytest

from vocrehab.reports.evaluation import build_evaluation

# A fixed report date, so "overdue" service standards do not drift with the calendar.
AS_OF = dt.date(2024, 6, 3)


@pytest.fixture
def report():
    """Build the unsuppressed evaluation report for services (and optional period)."""

    def run(services, date_from=None, date_to=None, **kwargs):
        kwargs.setdefault("as_of", AS_OF)
        return build_evaluation(list(services), date_from, date_to, **kwargs)

    return run
