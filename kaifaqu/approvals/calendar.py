"""The holiday calendar as a :class:`kaifaqu.lib.workdays.Calendar`, loaded from the database; and its
seeding from the ``chinese-calendar`` package.

The calendar is versioned in the database (:class:`~kaifaqu.approvals.models.CalendarVersion`): every change
of a year or a holiday bumps the version in its own transaction (:func:`changed`, called by the signals, the
imports and the seeding) and recomputes the open clocks there. Every process reads the version on every
use (:func:`current`: one primary-key query; the calendar itself is cached per version), so each web worker
and the job worker see a change on their next read. A clock that is stored is computed from
:func:`for_write`, which reads the version under a shared row lock held to the end of the transaction: a
calendar change waits for that save to commit (and then recomputes its clock), or the save waits for the
change and reads the new calendar. Either way no clock is stored from a calendar that was replaced.
"""

from __future__ import annotations

import threading
import uuid

from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from kaifaqu.core.history import record_bulk, serialize
from kaifaqu.core.models import ChangeAction
from kaifaqu.core.years import FIRST_YEAR, LAST_YEAR
from kaifaqu.lib.workdays import Calendar

from .models import CalendarVersion, CalendarYear, Holiday, HolidayKind

VERSION_PK = 1
_lock = threading.Lock()
_built: dict[str, Calendar] = {}  # version stamp -> calendar (the last few)
_request = threading.local()  # within one request, readers reuse the first read (writers never do)


def _stamp(*, share: bool = False) -> str:
    """The stored version's stamp; ``share`` reads it under a shared row lock (to the end of the transaction)."""
    if not share:
        value = CalendarVersion.objects.filter(pk=VERSION_PK).values_list("stamp", flat=True).first()
        return str(value)
    if connection.vendor not in ("postgresql", "mysql"):  # SQLite: writers are serialised already
        return _stamp()
    table = connection.ops.quote_name(CalendarVersion._meta.db_table)
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT stamp FROM {table} WHERE id = %s FOR SHARE", [VERSION_PK])
            row = cursor.fetchone()
        if row is not None:
            return str(row[0])
        CalendarVersion.objects.get_or_create(pk=VERSION_PK)  # a database flushed after the migration
    raise RuntimeError("calendar version row missing")


def _calendar(stamp: str) -> Calendar:
    with _lock:
        found = _built.get(stamp)
    if found is not None:
        return found
    # A year outside FIRST_YEAR..LAST_YEAR stored before years were bounded is not a calendar year.
    years = frozenset(CalendarYear.objects.filter(year__range=(FIRST_YEAR, LAST_YEAR)).values_list("year", flat=True))
    off, worked = set(), set()
    for day, kind in Holiday.objects.values_list("date", "kind"):
        (off if kind == HolidayKind.OFF else worked).add(day)
    calendar = Calendar(years=years, off=frozenset(off), worked=frozenset(worked))
    with _lock:
        if len(_built) >= 4:
            _built.clear()
        _built[stamp] = calendar
    return calendar


def current() -> Calendar:
    """The calendar as stored now, for reading (display, validation of years): one small query per call;
    within one request the first read is reused."""
    memo = getattr(_request, "calendar", None)
    if memo is not None:
        return memo
    calendar = _calendar(_stamp())
    if getattr(_request, "active", False):
        _request.calendar = calendar
    return calendar


def for_write() -> Calendar:
    """The calendar to compute a clock that will be stored. Call inside the writing transaction, before the
    procedure or pause row is written: the shared lock on the version row is held until it commits."""
    return _calendar(_stamp(share=True))


def bump() -> None:
    """Record a change of the calendar (in the changing transaction, after the change)."""
    now = timezone.now()
    with transaction.atomic():
        fields = {"number": F("number") + 1, "stamp": uuid.uuid4(), "changed_at": now}
        if not CalendarVersion.objects.filter(pk=VERSION_PK).update(**fields):
            CalendarVersion.objects.get_or_create(pk=VERSION_PK)
            CalendarVersion.objects.filter(pk=VERSION_PK).update(**fields)
    _request.calendar = None


def changed() -> int:
    """The calendar was changed in the current transaction: bump its version and recompute, in the same
    transaction, every clock that can still change. Returns how many were recomputed."""
    from .services import refresh_open_clocks

    with transaction.atomic():
        bump()
        return refresh_open_clocks()


def version() -> int:
    """The version number (how many changes were recorded)."""
    return CalendarVersion.objects.filter(pk=VERSION_PK).values_list("number", flat=True).first() or 0


def forget() -> None:
    """Drop what this process built (tests; the version makes it unnecessary for correctness)."""
    with _lock:
        _built.clear()
    _request.calendar = None


def _request_begins(**kwargs):
    _request.active, _request.calendar = True, None


def _request_ends(**kwargs):
    _request.active, _request.calendar = False, None


request_started.connect(_request_begins, dispatch_uid="kfq_calendar_request_started")
request_finished.connect(_request_ends, dispatch_uid="kfq_calendar_request_finished")


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
    with transaction.atomic():
        created = CalendarYear.objects.bulk_create([CalendarYear(year=y, source=source) for y in years])
        Holiday.objects.bulk_create(rows, batch_size=1000)
        record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in [*created, *rows]])
        changed()
    return len(years)
