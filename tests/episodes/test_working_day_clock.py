"""Working-day clocks: weekends, each nation's bank holidays, pauses, clock states."""

import datetime as dt

from vocrehab.codes import Nation
from vocrehab.episodes.standards import (
    ClockState,
    add_working_days,
    clock,
    is_working_day,
    working_days_between,
)

SCOTLAND, ENGLAND = Nation.SCOTLAND, Nation.ENGLAND


def test_weekend_does_not_count():
    friday = dt.date(2025, 3, 7)
    monday = dt.date(2025, 3, 10)
    assert working_days_between(friday, monday, ENGLAND) == 1


def test_second_of_january_is_a_holiday_in_scotland_only():
    # 2 January 2025 was a Thursday: a Scottish bank holiday, a working day in England.
    day = dt.date(2025, 1, 2)
    assert not is_working_day(day, SCOTLAND)
    assert is_working_day(day, ENGLAND)
    new_year = dt.date(2024, 12, 31)
    assert working_days_between(new_year, dt.date(2025, 1, 3), SCOTLAND) == 1
    assert working_days_between(new_year, dt.date(2025, 1, 3), ENGLAND) == 2


def test_easter_monday_is_a_holiday_in_england_not_scotland():
    easter_monday = dt.date(2025, 4, 21)
    assert not is_working_day(easter_monday, ENGLAND)
    assert is_working_day(easter_monday, SCOTLAND)
    # Good Friday (18 April) is a holiday in both.
    assert not is_working_day(dt.date(2025, 4, 18), ENGLAND)
    assert not is_working_day(dt.date(2025, 4, 18), SCOTLAND)


def test_st_andrews_day_substitute_in_scotland():
    # 30 November 2025 is a Sunday: the Scottish holiday moves to Monday 1 December.
    assert not is_working_day(dt.date(2025, 12, 1), SCOTLAND)
    assert is_working_day(dt.date(2025, 12, 1), ENGLAND)


def test_five_working_days_across_easter_differ_by_nation():
    received = dt.date(2025, 4, 16)  # Wednesday before Easter
    # Thu 17, (Good Fri 18 holiday), Mon 21 (England: holiday), Tue 22, Wed 23, Thu 24, Fri 25.
    assert add_working_days(received, 5, SCOTLAND) == dt.date(2025, 4, 24)
    assert add_working_days(received, 5, ENGLAND) == dt.date(2025, 4, 25)


def test_paused_days_do_not_count():
    received = dt.date(2025, 3, 3)  # Monday
    pauses = [(dt.date(2025, 3, 5), dt.date(2025, 3, 10))]  # Wed to Fri paused
    assert working_days_between(received, dt.date(2025, 3, 10), ENGLAND, pauses) == 2
    assert add_working_days(received, 5, ENGLAND, pauses) == dt.date(2025, 3, 13)


def test_an_open_pause_stops_the_due_date():
    received = dt.date(2025, 3, 3)
    assert add_working_days(received, 5, ENGLAND, [(dt.date(2025, 3, 4), None)]) is None


def test_clock_states():
    received = dt.date(2025, 3, 3)  # Monday; 5 days due Monday 10 March
    on_track = clock(received, 5, ENGLAND, today=dt.date(2025, 3, 5))
    at_risk = clock(received, 5, ENGLAND, today=dt.date(2025, 3, 7))
    due_today = clock(received, 5, ENGLAND, today=dt.date(2025, 3, 10))
    breached = clock(received, 5, ENGLAND, today=dt.date(2025, 3, 11))
    assert on_track.state == ClockState.ON_TRACK and on_track.elapsed == 2
    assert at_risk.state == ClockState.AT_RISK and at_risk.remaining == 1
    assert due_today.state == ClockState.AT_RISK and due_today.due == dt.date(2025, 3, 10)
    assert breached.state == ClockState.BREACHED
    met = clock(received, 5, ENGLAND, done_on=dt.date(2025, 3, 10), today=dt.date(2025, 4, 1))
    late = clock(received, 5, ENGLAND, done_on=dt.date(2025, 3, 11), today=dt.date(2025, 4, 1))
    assert met.state == ClockState.MET
    assert late.state == ClockState.LATE
    paused = clock(
        received, 5, ENGLAND, today=dt.date(2025, 3, 20), pauses=[(dt.date(2025, 3, 5), None)]
    )
    assert paused.state == ClockState.PAUSED and paused.elapsed == 1
