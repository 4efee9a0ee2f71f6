"""The home page of each role, assembled from what the apps contribute.

- ``REMINDERS``: callables ``(request) -> [(label, count, url)]``, the alerts on every home;
- ``PANELS``: callables ``(request, today) -> [Panel]``, the to-do lists of a zone, an agent or an enterprise (each
  provider looks at the user's role and returns nothing where it has nothing to say);
- ``HOMES``: role → view ``(request, reminders)`` that replaces the to-do home (the province and the cities open
  on their dashboard).

Apps register into these in their ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

REMINDERS: list[Callable] = []
PANELS: list[Callable] = []
HOMES: dict[str, Callable] = {}

ROWS = 8  # a panel lists this many records; its title links to all of them


@dataclass
class Row:
    text: str
    url: str
    detail: str = ""
    badge: str = ""  # safe HTML (a status badge)


@dataclass
class Panel:
    key: str  # a stable id for the page and the tests
    title: str
    count: int
    url: str  # the full list behind the panel
    rows: list[Row] = field(default_factory=list)
    order: int = 50  # panels are shown by order, then as registered

    @classmethod
    def of(cls, key, title, records: QuerySet, url, row: Callable, order=50) -> Panel:
        """A panel of ``records`` (already ordered): the count and the first ``ROWS`` as rows made by ``row``."""
        count = records.count()
        rows = [row(r) for r in records[:ROWS]] if count else []
        return cls(key=key, title=title, count=count, url=url, rows=rows, order=order)


def panels_for(request, today: datetime.date) -> list[Panel]:
    found = [p for provider in PANELS for p in provider(request, today)]
    return sorted(found, key=lambda p: p.order)


def reminders_for(request) -> list[tuple]:
    return [item for provider in REMINDERS for item in provider(request) if item[1]]
