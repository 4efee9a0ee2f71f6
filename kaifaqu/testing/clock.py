"""Time as an input for the tests.

The whole suite runs on one frozen day: ``KFQ_TEST_DATE`` (ISO date) when set, otherwise the real
date in Asia/Shanghai when the test run starts. The root ``conftest.py`` freezes the clock at 10:00
that day for every test (the clock ticks from there, so durations still pass); nothing computes
"today" at import time. CI runs the suite at the real date, in early January of a year the
holiday package does not cover, and on 30 June.

``seed_calendar()`` gives the tests a holiday calendar around the frozen day: the official
arrangements of the ``chinese-calendar`` package where it has them, and for later years a
stand-in arrangement (weekends plus the fixed-date holidays), so that clocks started "today" run
whatever the date.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ENV = "KFQ_TEST_DATE"
FIRST_SEEDED_YEAR = 2024


def test_date() -> datetime.date:
    """The day the suite runs on (read from the environment; the root conftest sets it once)."""
    value = os.environ.get(ENV)
    if value:
        return datetime.date.fromisoformat(value)
    return datetime.datetime.now(SHANGHAI).date()


def frozen_moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)


def package_last_year() -> int:
    import chinese_calendar

    return max(d.year for d in chinese_calendar.holidays)


# Fixed-date holidays of every year (the lunar ones move; a stand-in year leaves them out).
STAND_IN_OFF = [(1, 1, "元旦"), *[(5, d, "劳动节") for d in range(1, 6)], *[(10, d, "国庆节") for d in range(1, 8)]]
STAND_IN_SOURCE = "测试用节假日安排（固定日期节日）"


def seed_stand_in_year(year: int) -> None:
    """A plausible arrangement for a year the package does not know: the fixed-date holidays off."""
    from kaifaqu.approvals import calendar
    from kaifaqu.approvals.models import CalendarYear, Holiday, HolidayKind

    if CalendarYear.objects.filter(year=year).exists():
        return
    CalendarYear.objects.create(year=year, source=STAND_IN_SOURCE)
    for month, day, name in STAND_IN_OFF:
        date = datetime.date(year, month, day)
        if date.weekday() < 5:
            Holiday.objects.create(date=date, kind=HolidayKind.OFF, name=name)
    calendar.forget()


def seed_calendar(today: datetime.date | None = None) -> int:
    """Holiday calendar from 2024 to the year after ``today``; returns the last covered year."""
    from django.utils import timezone

    from kaifaqu.approvals.calendar import seed_from_package

    today = today or timezone.localdate()
    last = max(today.year + 1, 2026)
    known = package_last_year()
    seed_from_package(FIRST_SEEDED_YEAR, min(last, known))
    for year in range(known + 1, last + 1):
        seed_stand_in_year(year)
    return last


def drop_calendar_from(year: int) -> None:
    """Forget every arrangement from ``year`` on: the scenario "nobody has entered it yet"."""
    from kaifaqu.approvals import calendar
    from kaifaqu.approvals.models import CalendarYear, Holiday

    Holiday.objects.filter(date__year__gte=year).delete()
    CalendarYear.objects.filter(year__gte=year).delete()
    calendar.forget()


def resolved(value):
    """Test tables are written at import time, before the clock is frozen: a value that depends on
    the date is written as a callable there and resolved here, inside the test."""
    if callable(value):
        return value()
    if isinstance(value, dict):
        return {k: resolved(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(resolved(v) for v in value)
    return value


def today() -> datetime.date:
    """Today on the (frozen) clock; the one way tests read the date."""
    from django.utils import timezone

    return timezone.localdate()


def days_from_today(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def this_month() -> datetime.date:
    return today().replace(day=1)
