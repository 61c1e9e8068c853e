"""The working-day calendar table agrees with the Python rule, per nation."""

import datetime as dt

import pytest

from vocrehab.codes import Nation
from vocrehab.episodes.models import WorkingDay
from vocrehab.episodes.standards import (
    EPOCH,
    ensure_calendar,
    working_day_index,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("nation", list(Nation))
def test_index_differences_are_working_days(nation):
    start, end = dt.date(2023, 12, 1), dt.date(2024, 1, 31)
    assert ensure_calendar([nation], start, end) == (end - start).days + 1
    index = dict(WorkingDay.objects.filter(nation=nation).values_list("date", "index"))
    for a in (dt.date(2023, 12, 22), dt.date(2023, 12, 29), dt.date(2024, 1, 5)):
        for days in range(0, 20):
            b = a + dt.timedelta(days=days)
            assert index[b] - index[a] == working_days_between(a, b, nation), (a, b)


def test_scotland_keeps_the_second_of_january_england_does_not():
    ensure_calendar([Nation.SCOTLAND, Nation.ENGLAND], dt.date(2024, 1, 1), dt.date(2024, 1, 3))
    rows = {
        (n, d): w for n, d, w in WorkingDay.objects.values_list("nation", "date", "is_working_day")
    }
    assert rows[(Nation.SCOTLAND, dt.date(2024, 1, 2))] is False
    assert rows[(Nation.ENGLAND, dt.date(2024, 1, 2))] is True


def test_a_second_call_adds_nothing_and_extends_only_what_is_missing(
    django_assert_num_queries,
):
    ensure_calendar([Nation.WALES], dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    with django_assert_num_queries(1):
        assert ensure_calendar([Nation.WALES], dt.date(2024, 1, 1), dt.date(2024, 1, 31)) == 0
    assert ensure_calendar([Nation.WALES], dt.date(2024, 1, 1), dt.date(2024, 2, 29)) == 29
    feb = WorkingDay.objects.get(nation=Nation.WALES, date=dt.date(2024, 2, 1))
    assert feb.index == working_day_index(Nation.WALES, dt.date(2024, 2, 1))


def test_dates_before_the_epoch_are_refused():
    with pytest.raises(ValueError, match="starts on"):
        working_day_index(Nation.ENGLAND, EPOCH - dt.timedelta(days=1))
