"""The working-day calendar, on the official 2025 arrangements (chinese-calendar) and as properties."""

import datetime

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaifaqu.lib.workdays import Calendar, OutsideCalendar, Pause

D = datetime.date


def official(years=range(2004, 2027)) -> Calendar:
    off = frozenset(d for d in chinese_calendar.holidays if d.weekday() < 5 and d.year in years)
    worked = frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5 and d.year in years)
    return Calendar(years=frozenset(years), off=off, worked=worked)


CAL = official()
dates = st.dates(min_value=D(2010, 1, 1), max_value=D(2026, 6, 30))


def test_fifteen_working_days_after_acceptance_on_2025_09_30_end_on_2025_10_28():
    # National Day + Mid-Autumn 2025: 10-01..10-08 off; Saturday 10-11 is worked (调休).
    assert CAL.add_workdays(D(2025, 9, 30), 15) == D(2025, 10, 28)
    assert CAL.count_workdays(D(2025, 9, 30), D(2025, 10, 28)) == 15


def test_adjusted_weekends_and_holidays():
    assert CAL.is_workday(D(2025, 9, 28)) and CAL.is_workday(D(2025, 10, 11))  # Sunday, Saturday worked
    assert not CAL.is_workday(D(2025, 10, 8)) and not CAL.is_workday(D(2025, 10, 12))


def test_a_year_without_calendar_is_an_explicit_error():
    with pytest.raises(OutsideCalendar) as err:
        CAL.add_workdays(D(2026, 12, 20), 15)
    assert err.value.year == 2027


def test_calendar_day_deadline_on_a_holiday_moves_to_the_next_working_day():
    # 7 calendar days after 2025-09-28 is 10-05 (a holiday) → 10-09.
    assert CAL.add_calendar_days(D(2025, 9, 28), 7) == D(2025, 10, 9)


def test_pause_days_are_not_counted_and_the_clock_runs_on_the_resume_day():
    pause = Pause(D(2025, 3, 10), D(2025, 3, 17))  # Mon..Sun paused, runs again Monday 17th
    assert CAL.count_workdays(D(2025, 3, 7), D(2025, 3, 17), [pause]) == 1
    assert CAL.add_workdays(D(2025, 3, 7), 1, [pause]) == D(2025, 3, 17)


@settings(max_examples=150, deadline=None)
@given(dates, st.integers(min_value=0, max_value=120))
def test_adding_then_counting_working_days_round_trips(start, n):
    end = CAL.add_workdays(start, n)
    assert CAL.count_workdays(start, end) == n
    assert n == 0 or CAL.is_workday(end)


@settings(max_examples=150, deadline=None)
@given(
    dates,
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=1, max_value=30),
)
def test_pauses_never_shorten_the_statutory_clock(start, n, offset, length):
    pause = Pause(start + datetime.timedelta(days=offset), start + datetime.timedelta(days=offset + length))
    plain = CAL.add_workdays(start, n)
    paused = CAL.add_workdays(start, n, [pause])
    assert paused >= plain
    assert CAL.count_workdays(start, paused, [pause]) == n


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(min_value=0, max_value=90))
def test_calendar_day_deadlines_always_fall_on_working_days(start, n):
    due = CAL.add_calendar_days(start, n)
    assert CAL.is_workday(due) and due >= start + datetime.timedelta(days=n)


def slow_count(cal, start, end, pauses):
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if cal.is_workday(day) and not any(p.covers(day) for p in pauses):
            count += 1
    return count


@settings(max_examples=200, deadline=None)
@given(
    dates,
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=-10, max_value=200),
    st.integers(min_value=1, max_value=60),
    st.booleans(),
)
def test_fast_counting_agrees_with_walking_day_by_day(start, span, offset, length, open_ended):
    end = start + datetime.timedelta(days=span)
    pstart = start + datetime.timedelta(days=offset)
    pause = Pause(pstart, None if open_ended else pstart + datetime.timedelta(days=length))
    if (pause.end or end).year > 2026 or end.year > 2026:
        return
    assert CAL.count_workdays(start, end, [pause]) == slow_count(CAL, start, end, [pause])
    assert CAL.count_workdays(start, end) == slow_count(CAL, start, end, [])
