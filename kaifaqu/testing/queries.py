"""Query budgets for tests: what a page or a function costs in SQL queries, and whether that cost grows
with the data it shows (an N+1 loop) — compared between a small data set and a larger one.

Modelled on NetBox's query-count tests: count with Django's ``CaptureQueriesContext``; when the counts
differ, the message lists the statements that repeat in the larger run, which names the loop.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Literals and placeholders vary between the repetitions of one statement in a loop; the shape does not.
_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|%s|\?")
_SAVEPOINTS = re.compile(r'^(?:SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) "?\w+"?$')


def shape(sql: str) -> str:
    """A statement with its literals replaced, so the repetitions of one loop look alike."""
    return _LITERALS.sub("?", sql)


@dataclass
class Cost:
    """The queries one call made."""

    queries: list[str]

    def __repr__(self) -> str:
        return f"Cost({len(self.queries)} queries)"

    def __len__(self) -> int:
        return len(self.queries)

    def shapes(self) -> Counter:
        return Counter(shape(q) for q in self.queries if not _SAVEPOINTS.match(q))


def cost(fn, *args, **kwargs) -> tuple[Cost, object]:
    """Run ``fn`` and return what it cost, with its result."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn(*args, **kwargs)
    return Cost([q["sql"] for q in ctx.captured_queries]), result


def growth_report(small: Cost, large: Cost, limit: int = 5) -> str:
    """The statements the larger run repeated more often than the smaller one, most repeated first."""
    before, after = small.shapes(), large.shapes()
    grown = sorted(((n - before.get(s, 0), s) for s, n in after.items() if n > before.get(s, 0)), reverse=True)
    lines = [f"  +{extra}× {sql[:300]}" for extra, sql in grown[:limit]]
    return "\n".join(lines) or "  (no statement repeated more often; the larger run made different ones)"


def assert_flat(small: Cost, large: Cost, *, what: str, slack: int = 0) -> None:
    """Fail when the larger data set cost more than ``slack`` queries above the smaller one."""
    assert len(large) <= len(small) + slack, (
        f"{what}: {len(small)} queries with the small data set, {len(large)} with the larger one "
        f"(allowed: {len(small) + slack}). Statements repeated with the data:\n{growth_report(small, large)}"
    )
