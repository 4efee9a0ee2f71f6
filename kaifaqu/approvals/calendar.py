"""The holiday calendar as a :class:`kaifaqu.lib.workdays.Calendar`, loaded from the database and
cached until an administrator changes it; and its seeding from the ``chinese-calendar`` package."""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from kaifaqu.core.history import record_bulk, serialize
from kaifaqu.core.models import ChangeAction
from kaifaqu.core.years import FIRST_YEAR, LAST_YEAR
from kaifaqu.lib.workdays import Calendar

from .models import CalendarYear, Holiday, HolidayKind

_lock = threading.Lock()
_cached: tuple[tuple, Calendar] | None = None
_checked_at = 0.0
RECHECK_SECONDS = 2.0  # how long another process may use a calendar an administrator just changed


def _fingerprint() -> tuple:
    h = Holiday.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    y = CalendarYear.objects.aggregate(n=Count("pk"), t=Max("updated_at"))
    return (h["n"], h["t"], y["n"], y["t"])


def current() -> Calendar:
    """The calendar as stored (at most one small query every couple of seconds to see whether it changed)."""
    global _cached, _checked_at
    with _lock:
        if _cached is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
            return _cached[1]
    key = _fingerprint()
    _checked_at = time.monotonic()
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    # A year outside FIRST_YEAR..LAST_YEAR stored before years were bounded is not a calendar year.
    years = frozenset(CalendarYear.objects.filter(year__range=(FIRST_YEAR, LAST_YEAR)).values_list("year", flat=True))
    off, worked = set(), set()
    for day, kind in Holiday.objects.values_list("date", "kind"):
        (off if kind == HolidayKind.OFF else worked).add(day)
    calendar = Calendar(years=years, off=frozenset(off), worked=frozenset(worked))
    with _lock:
        _cached = (key, calendar)
    return calendar


def forget() -> None:
    global _cached
    with _lock:
        _cached = None


NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(holiday) -> str:
    text = getattr(holiday, "value", holiday) or ""
    return NAMES.get(str(text), str(text))[:50]


def seed_from_package(first: int = 2004, last: int = 2026) -> int:
    """Load the official arrangements the ``chinese-calendar`` package knows (idempotent)."""
    import chinese_calendar

    source = f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()
    known = set(CalendarYear.objects.values_list("year", flat=True))
    years = [y for y in range(first, last + 1) if y not in known]
    if not years:
        return 0
    created = CalendarYear.objects.bulk_create([CalendarYear(year=y, source=source) for y in years])
    wanted = set(years)
    rows = [
        Holiday(date=d, kind=HolidayKind.OFF, name=_name(n))
        for d, n in chinese_calendar.holidays.items()
        if d.year in wanted and d.weekday() < 5
    ]
    rows += [
        Holiday(date=d, kind=HolidayKind.WORKED, name=_name(n))
        for d, n in chinese_calendar.workdays.items()
        if d.year in wanted and d.weekday() >= 5
    ]
    Holiday.objects.bulk_create(rows, batch_size=1000)
    record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in [*created, *rows]])
    forget()
    return len(years)
