"""Change history: every create, update and delete of a tracked record, from any source.

Single-row writes (pages, API, admin, shell, management commands) are caught by model signals.
Bulk writes (imports, generators) bypass signals, so they call :func:`record_bulk` themselves.
Who and where come from the current :class:`ChangeContext`, set per request by
``ChangeContextMiddleware`` and explicitly by imports and commands.
"""

from __future__ import annotations

import contextvars
import copy
import datetime
import decimal
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

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


def _recorded(field, value):
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal) and value.is_finite():
        value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))  # as the database stores it
    return _json_value(value)


def _recorded_fields(model) -> list:
    exclude = set(getattr(model, "history_exclude", ()))
    return [f for f in model._meta.concrete_fields if f.name not in exclude and not f.primary_key]


def serialize(instance: models.Model) -> dict:
    """The instance's stored values as JSON-safe data (FKs as ids, choices as stored values)."""
    return {f.name: _recorded(f, f.value_from_object(instance)) for f in _recorded_fields(instance)}


def _as_stored(instance) -> dict | None:
    """What a read of the row would give :func:`serialize` right after ``instance`` was written — or None
    when a value is not in the form the database gives back (a number as text, a float for a decimal, a
    date for a datetime, a naive datetime): then the next save reads the row, as the history cannot tell."""
    fields = _recorded_fields(instance)
    if any(getattr(f, "generated", False) or f.db_default is not models.NOT_PROVIDED for f in fields):
        return None  # the database computes a value: only a read tells
    data = {}
    for f in fields:
        value = f.value_from_object(instance)
        if value is not None:
            try:
                python = f.to_python(value)
            except ValidationError:
                return None
            if type(python) is not type(value) or python != value:
                return None
            if isinstance(value, decimal.Decimal):
                if not value.is_finite() or value != value.quantize(decimal.Decimal(1).scaleb(-f.decimal_places)):
                    return None
            elif isinstance(value, datetime.datetime):
                if timezone.is_naive(value):
                    return None
                value = value.astimezone(datetime.UTC)
            elif isinstance(value, dict | list):
                value = copy.deepcopy(value)
        data[f.name] = _recorded(f, value)
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


def _guards_writes(model) -> bool:
    """Whether an edit of ``model`` can skip re-reading its row: one table, whose ``updated_at`` every save sets
    (``TrackedModel._do_update`` writes only if it is unchanged). A bulk ``update()`` of a recorded field
    must therefore set ``updated_at`` too (the Excel import does)."""
    if model._meta.parents or model._meta.select_on_save:
        return False
    try:
        return bool(getattr(model._meta.get_field("updated_at"), "auto_now", False))
    except FieldDoesNotExist:
        return False


def _known_before(sender, instance):
    """(before, token) from what the instance last wrote or read, or None when it does not know."""
    if not _guards_writes(sender):
        return None
    saved = instance.__dict__.get("_history_saved")
    if saved is not None and saved[0] == instance.pk:
        return saved[1], saved[2]
    loaded = instance.__dict__.get("_history_loaded")
    if loaded is not None and loaded[0] == instance.pk:
        old = sender(*loaded[1])  # the instance as read, exactly as a read of the row would build it
        return serialize(old), (old.updated_at,)
    return None


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not _tracked(sender):
        return
    instance.__dict__.pop("_history_token", None)
    if instance._state.adding or instance.pk is None:
        return
    known = _known_before(sender, instance)
    if known is not None:  # no read: TrackedModel._do_update checks the row is unchanged as it writes
        instance._history_before, instance._history_token = known
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._history_before = serialize(old) if old is not None else None


def _remember_saved(sender, instance, update_fields) -> None:
    """After a write, the instance knows the row: for the next save's history (unless only some fields were
    written, or a value is not as the database gives it back)."""
    instance.__dict__.pop("_history_loaded", None)
    instance.__dict__.pop("_history_saved", None)
    if update_fields is None and _guards_writes(sender):
        stored = _as_stored(instance)
        if stored is not None:
            instance._history_saved = (instance.pk, stored, (instance.updated_at,))


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _tracked(sender):
        return
    after = serialize(instance)
    before = None if created else getattr(instance, "_history_before", None)
    _remember_saved(sender, instance, update_fields)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    action = ChangeAction.CREATE if created else ChangeAction.UPDATE
    build_record(instance, action, before, after).save()


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
