"""On PostgreSQL the report tunes its own transaction, and only that."""

import pytest
from django.db import connection

from vocrehab.reports.evaluation import REPORTING_SETTINGS, build_evaluation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="session settings are PostgreSQL's"
)


def _setting(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_report_runs_with_its_settings(service):
    # Inside the test's transaction, SET LOCAL lasts until it ends: visible here.
    build_evaluation([service])
    for name, value in REPORTING_SETTINGS.items():
        assert _setting(name) == value


@pytest.mark.django_db(transaction=True)
def test_the_settings_end_with_the_report(service):
    before = {name: _setting(name) for name in REPORTING_SETTINGS}
    assert before != REPORTING_SETTINGS
    build_evaluation([service])
    assert {name: _setting(name) for name in REPORTING_SETTINGS} == before
