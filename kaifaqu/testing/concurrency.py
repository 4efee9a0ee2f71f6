"""Two (or more) writers at the same moment, for the tests of the locks.

Each writer runs in its own thread, so with its own database connection (Django opens one per thread),
and closes it when done. A :class:`Meeting` lets the writers read before any of them writes: without a
lock they all pass it; with the lock, a writer waiting for another's lock never arrives, and the meeting
gives up after ``timeout`` seconds so that the one holding the lock goes on.

SQLite serialises writers (one write transaction at a time), so these races cannot happen there: the
tests run on PostgreSQL and are skipped on SQLite (:data:`needs_concurrent_writers`).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

needs_concurrent_writers = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): two write transactions never overlap, so there is no "
    "race to test; run with DATABASE_URL=postgres://… to test the locks",
)


class Meeting:
    """Where the writers wait for each other; a writer held by a lock never comes, and the others go on."""

    def __init__(self, parties: int, timeout: float = 3.0):
        self.barrier = threading.Barrier(parties, timeout=timeout)

    def wait(self) -> bool:
        """True if every writer arrived, False if some were held (by a lock) and the wait gave up."""
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            return False
        return True


def run_together(*writers, names=None, timeout: float = 60.0) -> list[tuple[str, object]]:
    """Run each callable in its own thread at once; return ("ok", result) or ("error", exception) for each."""
    results: list = [None] * len(writers)
    start = threading.Barrier(len(writers))

    def run(i, fn):
        try:
            start.wait()
            results[i] = ("ok", fn())
        except BaseException as exc:  # the test inspects what each writer got
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, fn), name=(names[i] if names else f"writer-{i}"))
        for i, fn in enumerate(writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), f"{t.name} did not finish in {timeout} s (a deadlock?)"
    return results
