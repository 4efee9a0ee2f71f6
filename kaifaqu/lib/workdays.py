"""Working-day arithmetic on an explicit holiday calendar (domain.md, "Working-day clocks").

A :class:`Calendar` knows, for the years it covers, which weekdays are off (statutory holidays)
and which weekend days are worked (调休). A date in a year it does not cover raises
:class:`OutsideCalendar` — never a silent Monday-to-Friday guess.

Counting rules: the start day (the day of acceptance) is not counted; days inside a pause
``[paused_on, resumed_on)`` are not counted (the clock runs again on the resume day); a period of
calendar days that ends on a day off ends on the next working day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

ONE_DAY = datetime.timedelta(days=1)


class OutsideCalendar(ValueError):
    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


@dataclass(frozen=True)
class Pause:
    start: datetime.date
    end: datetime.date | None  # None: still paused

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class Calendar:
    years: frozenset[int]
    off: frozenset[datetime.date] = field(default_factory=frozenset)  # weekdays that are holidays
    worked: frozenset[datetime.date] = field(default_factory=frozenset)  # weekend days that are worked

    def check(self, day: datetime.date) -> None:
        if day.year not in self.years:
            raise OutsideCalendar(day.year)

    def is_workday(self, day: datetime.date) -> bool:
        self.check(day)
        if day in self.worked:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5

    def add_workdays(self, start: datetime.date, days: int, pauses: Iterable[Pause] = ()) -> datetime.date:
        """The day on which ``days`` working days after ``start`` are used up (start itself not counted)."""
        pauses = tuple(pauses)
        day, left = start, days
        if days < 0:
            raise ValueError("days must not be negative")
        while left > 0:
            day += ONE_DAY
            if self.is_workday(day) and not any(p.covers(day) for p in pauses):
                left -= 1
        return day

    def _cumulative(self) -> dict[int, int]:
        """Working days from the first covered year up to each covered day (built once, for O(1) counting)."""
        index = self.__dict__.get("_index")
        if index is None:
            index, total = {}, 0
            for year in sorted(self.years):
                day = datetime.date(year, 1, 1)
                while day.year == year:
                    total += self.is_workday(day)
                    index[day.toordinal()] = total
                    day += ONE_DAY
            self.__dict__["_index"] = index
        return index

    def _between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in ``(start, end]`` (no pauses)."""
        if end <= start:
            return 0
        self.check(end)
        self.check(start + ONE_DAY)
        index = self._cumulative()
        # ``start`` may be 31 December of an uncovered year before a covered one: nothing counted before it.
        before = index.get(start.toordinal(), 0) if start.year in self.years else 0
        return index[end.toordinal()] - before

    def count_workdays(self, start: datetime.date, end: datetime.date, pauses: Iterable[Pause] = ()) -> int:
        """Working days in ``(start, end]`` outside pauses; 0 when ``end <= start``. Pauses must not overlap
        (services.check_pause refuses overlapping ones)."""
        if end <= start:
            return 0
        count = self._between(start, end)
        for p in pauses:
            lo = max(p.start, start + ONE_DAY)  # first paused day counted in the window
            hi = end if p.end is None else min(p.end - ONE_DAY, end)  # last paused day in the window
            if hi >= lo:
                count -= self._between(lo - ONE_DAY, hi)
        return count

    def next_workday(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_calendar_days(self, start: datetime.date, days: int, pauses: Iterable[Pause] = ()) -> datetime.date:
        """A limit in calendar days: paused days do not count; a deadline on a day off moves to the next working day."""
        pauses = tuple(pauses)
        day, left = start, days
        while left > 0:
            day += ONE_DAY
            if not any(p.covers(day) for p in pauses):
                left -= 1
        return self.next_workday(day)

    def count_calendar_days(self, start: datetime.date, end: datetime.date, pauses: Iterable[Pause] = ()) -> int:
        pauses = tuple(pauses)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if not any(p.covers(day) for p in pauses):
                count += 1
        return count
