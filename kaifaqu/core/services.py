"""Writes shared by every app: scoped save with the after-save re-check, and guarded delete."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .scoping import may_change


class OutOfScope(ValidationError):
    """A write that would leave the record outside what the editor may change."""

    def __init__(self):
        super().__init__(_("保存后该记录将不在您的管辖范围内,已取消保存"), code="out_of_scope")


def save_in_scope(user, save):
    """Run ``save()`` (returns the saved object) in one transaction; undo it if the result is out of scope."""
    with transaction.atomic():
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
            _("%(kind)s %(count)s 条(%(names)s%(more)s)")
            % {
                "kind": kind,
                "count": count,
                "names": "、".join(names),
                "more": more,
            }
        )
    return _("无法删除:以下记录依赖它,请先处理:") + ";".join(parts)


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
            raise DeleteRefused(_("无法删除:有其他记录依赖它"), code="protected") from exc
