"""Counting attempts per key atomically across processes (the public progress query's failures).

The count is a database row changed under its row lock, so concurrent requests in several web workers are
all counted; an attempt is counted *before* it is tried, so at most ``limit`` attempts of a window are ever
tried however many arrive at once. The database cache cannot do this: its ``incr`` is a read and a write.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import QueryThrottle


def attempt(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``key`` in its window (``window`` seconds from the first); False once more than
    ``limit`` attempts were counted, and the attempt must then be refused."""
    now = timezone.now()
    with transaction.atomic():
        row = QueryThrottle.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    QueryThrottle.objects.create(key=key, count=1, window_ends=now + datetime.timedelta(seconds=window))
                return True
            except IntegrityError:  # another request created it meanwhile: count on its row
                row = QueryThrottle.objects.select_for_update().get(key=key)
        if row.window_ends <= now:
            row.count, row.window_ends = 0, now + datetime.timedelta(seconds=window)
        row.count += 1
        row.save(update_fields=["count", "window_ends"])
        return row.count <= limit


def give_back(key: str) -> None:
    """An attempt that succeeded does not count against the key."""
    QueryThrottle.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)
