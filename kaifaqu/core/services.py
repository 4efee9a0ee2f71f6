"""Writes shared by every app: scoped save with the after-save re-check, and guarded delete."""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .scoping import may_change


class OutOfScope(ValidationError):
    """A write that would leave the record outside what the editor may change."""

    def __init__(self):
        super().__init__(_("保存后该记录将不在您的管辖范围内，已取消保存"), code="out_of_scope")


class Conflict(ValidationError):
    """A concurrent writer won: the record changed (or a row the write needs appeared) since it was read."""

    def __init__(self, message=None):
        super().__init__(message or _("此记录已被他人修改，请刷新后重试"), code="conflict")


# SQLSTATEs of a lost race: unique violation, serialization failure, deadlock, lock not available.
RACE_STATES = {"23505", "40001", "40P01", "55P03"}


def lost_race(exc: Exception) -> bool:
    """Whether a database error means another writer got there first (not a bug, not a broken connection)."""
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if state:
        return state in RACE_STATES
    text = str(exc).lower()  # SQLite: no SQLSTATE, only the message
    return "unique constraint failed" in text or "database is locked" in text or "database table is locked" in text


@contextmanager
def write_transaction():
    """The one transaction of a user action. When a concurrent writer wins (the same unique row inserted
    meanwhile, a deadlock, a lock wait given up), the action is undone and :class:`Conflict` is raised, so
    the user reads a message instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except (IntegrityError, OperationalError) as exc:
        if lost_race(exc):
            raise Conflict() from exc
        raise


def unchanged_since(loaded, stored) -> None:
    """Refuse a write based on ``loaded`` when the row (``stored``, read under a lock) changed since."""
    if loaded is not None and stored is not None and getattr(loaded, "updated_at", None) != stored.updated_at:
        raise Conflict()


def save_in_scope(user, save):
    """Run ``save()`` (returns the saved object) in one transaction; undo it if the result is out of scope."""
    with write_transaction():
        obj = save()
        if not may_change(user, obj):
            raise OutOfScope()
    return obj


def dependents(obj) -> list[tuple[str, int, list[str]]]:
    """Records that stop ``obj`` from being deleted: (kind, count, a few names), empty if none."""
    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    try:
        collector.collect([obj])
    except ProtectedError as exc:
        blocking = exc.protected_objects
    except RestrictedError as exc:
        blocking = exc.restricted_objects
    else:
        return []
    groups: dict[str, list] = defaultdict(list)
    for item in blocking:
        groups[str(item._meta.verbose_name)].append(item)
    return [(kind, len(items), [str(i) for i in items[:5]]) for kind, items in sorted(groups.items())]


def dependents_message(blocking) -> str:
    parts = []
    for kind, count, names in blocking:
        more = _("等") if count > len(names) else ""
        parts.append(
            _("%(kind)s %(count)s 条（%(names)s%(more)s）")
            % {
                "kind": kind,
                "count": count,
                "names": "、".join(names),
                "more": more,
            }
        )
    return _("无法删除：以下记录依赖它，请先处理：") + "；".join(parts)


class DeleteRefused(ValidationError):
    pass


def delete_guarded(obj) -> None:
    """Delete ``obj`` (and what cascades from it) or refuse, naming the records that depend on it."""
    blocking = dependents(obj)
    if blocking:
        raise DeleteRefused(dependents_message(blocking), code="protected")
    with transaction.atomic():
        try:
            obj.delete()
        except (ProtectedError, RestrictedError) as exc:  # a dependent appeared meanwhile
            raise DeleteRefused(_("无法删除：有其他记录依赖它"), code="protected") from exc
