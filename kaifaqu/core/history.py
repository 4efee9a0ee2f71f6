"""Change history: every create, update and delete of a tracked record, from any source.

Single-row writes (pages, API, admin, shell, management commands) are caught by model signals.
Bulk writes (imports, generators) bypass signals, so they call :func:`record_bulk` themselves.
Who and where come from the current :class:`ChangeContext`, set per request by
``ChangeContextMiddleware`` and explicitly by imports and commands.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import ChangeAction, ChangeRecord, ChangeSource, TrackedModel


@dataclass
class ChangeContext:
    source: str
    user: object | None = None
    request: object | None = None
    reason: str = ""
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def resolve_user(self):
        """The acting user; for a request, read late so DRF token authentication is seen."""
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar("kfq_change_context", default=None)


def current_context() -> ChangeContext:
    ctx = _current.get()
    if ctx is None:
        ctx = ChangeContext(source=os.environ.get("KFQ_DEFAULT_CHANGE_SOURCE", ChangeSource.SYSTEM))
    return ctx


@contextmanager
def change_reason(reason: str):
    """Within the current context, record ``reason`` with every change (corrections, revisions)."""
    base = current_context()
    token = _current.set(
        ChangeContext(
            source=base.source, user=base.user, request=base.request, reason=reason, request_id=base.request_id
        )
    )
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def change_context(*, source: str, user=None, request=None, reason: str = ""):
    """Attribute the writes inside the block to ``user`` and ``source`` (and a stated ``reason``)."""
    token = _current.set(ChangeContext(source=source, user=user, request=request, reason=reason))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def serialize(instance: models.Model) -> dict:
    """The instance's stored values as JSON-safe data (FKs as ids, choices as stored values)."""
    exclude = set(getattr(instance, "history_exclude", ()))
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude or f.primary_key:
            continue
        value = f.value_from_object(instance)
        if isinstance(f, models.DecimalField) and isinstance(value, decimal.Decimal) and value.is_finite():
            value = value.quantize(decimal.Decimal(1).scaleb(-f.decimal_places))  # as the database stores it
        data[f.name] = _json_value(value)
    return data


def _parent(instance):
    name = getattr(instance, "history_parent", None)
    if not name:
        return None, ""
    field_obj = instance._meta.get_field(name)
    parent_id = getattr(instance, field_obj.attname)
    if parent_id is None:
        return None, ""
    return ContentType.objects.get_for_model(field_obj.related_model), str(parent_id)


def build_record(instance, action: str, before: dict | None, after: dict | None, ctx: ChangeContext | None = None):
    ctx = ctx or current_context()
    user = ctx.resolve_user()
    parent_ct, parent_id = _parent(instance)
    return ChangeRecord(
        user=user,
        user_name=user.get_username() if user else "",
        source=ctx.source,
        request_id=ctx.request_id,
        reason=ctx.reason,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        parent_content_type=parent_ct,
        parent_object_id=parent_id,
        before=before,
        after=after,
    )


def record_bulk(items, ctx: ChangeContext | None = None) -> None:
    """Record many changes in one insert: ``items`` are (instance, action, before, after)."""
    ctx = ctx or current_context()
    ChangeRecord.objects.bulk_create([build_record(i, a, b, af, ctx) for i, a, b, af in items], batch_size=2000)


def _tracked(sender) -> bool:
    return issubclass(sender, TrackedModel) and getattr(sender, "track_history", False)


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not _tracked(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._history_before = serialize(old) if old is not None else None


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _tracked(sender):
        return
    after = serialize(instance)
    before = None if created else getattr(instance, "_history_before", None)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    action = ChangeAction.CREATE if created else ChangeAction.UPDATE
    build_record(instance, action, before, after).save()
    instance._history_before = after


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if not _tracked(sender):
        return
    build_record(instance, ChangeAction.DELETE, serialize(instance), None).save()


def _m2m_field(instance, through):
    for f in instance._meta.many_to_many:
        if f.remote_field.through is through:
            return f
    return None


@receiver(m2m_changed)
def _record_m2m(sender, instance, action, reverse, **kwargs):
    """Many-to-many edits (``.set()``, ``.add()``, forms) are recorded as an update of the owning record."""
    if reverse or not _tracked(type(instance)):
        return
    field = _m2m_field(instance, sender)
    if field is None:
        return
    current = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if action.startswith("pre_"):
        instance.__dict__.setdefault("_m2m_before", {})[field.name] = current
    elif action.startswith("post_"):
        before = instance.__dict__.get("_m2m_before", {}).pop(field.name, None)
        if before != current:
            build_record(instance, ChangeAction.UPDATE, {field.name: before}, {field.name: current}).save()
