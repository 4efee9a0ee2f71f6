"""Base models shared by every app, and the change history."""

import contextlib
import copy

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .fields import MonthField, month_label
from .scoping import ScopedManager


class TrackedModel(models.Model):
    """Base of every business record: timestamps, scoped manager, change history.

    Subclasses set ``scope_paths`` (see :mod:`kaifaqu.core.scoping`), ``write_roles`` and, when
    their changes belong on a parent's page, ``history_parent`` (the name of the FK to it).
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    track_history = True
    history_parent: str | None = None
    write_roles: tuple[str, ...] = ()
    # Fields left out of the history (noise, or secrets).
    history_exclude: tuple[str, ...] = ("created_at", "updated_at")
    # Columns computed from the record's own fields by derive_fields(): every save and every bulk import
    # (core.excel) sets them through that one step.
    derived_fields: tuple[str, ...] = ()
    # Machine columns (matching keys) that no page shows.
    internal_fields: tuple[str, ...] = ()
    # The foreign key to the user who created the record (填报人, 提出人), set by the write that creates it: the
    # app's service for a page or the API, the import for a sheet's new rows. None: not recorded.
    created_by_field: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.derive_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.derived_fields:
            kwargs["update_fields"] = {*update_fields, *self.derived_fields}
        super().save(*args, **kwargs)

    def derive_fields(self) -> None:
        """Set the derived columns (``derived_fields``) from the record's own fields."""

    # Check constraints whose refusal belongs to one field, {constraint name: field}: the form, the API and
    # the import name that field rather than the whole record (the constraint stays the one definition).
    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors: dict = {}
        for constraint in self._meta.constraints:
            field = self.constraint_fields.get(constraint.name)
            if field is None or field in exclude:
                continue
            try:
                constraint.validate(type(self), self, exclude=exclude)
            except ValidationError as exc:
                errors[field] = exc.error_list
                exclude.add(field)  # not checked (and refused) a second time below
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # The history's "before" of an edit is what the instance read or last wrote (kaifaqu.core.history), not
    # a second read of the row; the write itself checks that nobody saved the row since (``updated_at``).
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if cls.track_history and len(values) == len(cls._meta.concrete_fields):  # every column read
            instance._history_loaded = (instance.pk, _frozen(cls, values))
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        # Read field by field into this instance: the next save reads the row for the history, as before.
        self.__dict__.pop("_history_loaded", None)
        self.__dict__.pop("_history_saved", None)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        token = self.__dict__.pop("_history_token", None)
        if token is None or not values:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        # Write only if the row is still as this instance knew it (nobody saved it since: same updated_at)…
        if base_qs.filter(pk=pk_val, updated_at=token[0])._update(values) > 0:
            return True
        # …otherwise the history's "before" is what the row holds now, read as it always was, then written.
        from .history import serialize

        old = base_qs.filter(pk=pk_val).first()
        self._history_before = serialize(old) if old is not None else None
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)


_MUTABLE_COLUMNS: dict[type, tuple[int, ...]] = {}


def _frozen(cls, values):
    """The loaded values, with JSON-like columns copied: changing the instance's dict must not change them."""
    try:
        mutable = _MUTABLE_COLUMNS[cls]
    except KeyError:
        mutable = _MUTABLE_COLUMNS[cls] = tuple(
            i
            for i, f in enumerate(cls._meta.concrete_fields)
            if f.get_internal_type() in ("JSONField", "ArrayField", "HStoreField")
        )
    if not mutable:
        return values
    values = list(values)
    for i in mutable:
        values[i] = copy.deepcopy(values[i])
    return values


class ChangeSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("Excel导入")
    COMMAND = "command", _("管理命令")
    SYSTEM = "system", _("系统")


class ChangeAction(models.TextChoices):
    # What happened (created), not the button that does it (create): hence the context.
    CREATE = "create", pgettext_lazy("history action", "新建")
    UPDATE = "update", pgettext_lazy("history action", "修改")
    DELETE = "delete", pgettext_lazy("history action", "删除")


class ChangeRecordQuerySet(models.QuerySet):
    def for_object(self, obj):
        """Changes of ``obj`` and of the records that declare it as their history parent."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        oid = str(obj.pk)
        return self.filter(
            models.Q(content_type=ct, object_id=oid) | models.Q(parent_content_type=ct, parent_object_id=oid)
        )


class ChangeRecord(models.Model):
    """One create, update or delete of a tracked record: who, when, from where, before and after.

    Written only by :mod:`kaifaqu.core.history`; nothing in the application edits or deletes it.
    """

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("操作人用户名"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=ChangeSource.choices)
    request_id = models.CharField(_("请求编号"), max_length=36, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True, help_text=_("更正、回退等需要说明原因的修改"))
    action = models.CharField(_("操作"), max_length=8, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    parent_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent_object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="change_object_idx"),
            models.Index(fields=["parent_content_type", "parent_object_id"], name="change_parent_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr} @ {self.time:%Y-%m-%d %H:%M}"

    def changed_fields(self, hidden=(), names: dict | None = None):
        """(field label, before, after) for display: choice labels, 是/否, related names, "—" for empty.
        Fields named in ``hidden`` are left out (internal fields withheld from some readers). ``names`` are the
        related records' names as :func:`related_names` gives them for a page of records; without it each
        related value is read on its own."""
        rows = []
        for key, field, old, new in self.shown_changes(hidden):
            label = str(field.verbose_name) if field is not None else key
            rows.append((label, display_stored(field, old, names), display_stored(field, new, names)))
        return rows

    def shown_changes(self, hidden=()):
        """(key, model field or None, before, after) of every field the change touched, except ``hidden``."""
        before, after = self.before or {}, self.after or {}
        model = self.content_type.model_class()
        for key in list(after) + [k for k in before if k not in after]:
            old, new = before.get(key), after.get(key)
            if key in hidden or (self.action == ChangeAction.UPDATE and old == new):
                continue
            try:
                field = model._meta.get_field(key) if model is not None else None
            except FieldDoesNotExist:  # a field removed since the change was recorded
                field = None
            yield key, field, old, new


def _stored_ids(field, value) -> list:
    """The primary keys a stored foreign-key or many-to-many value points to."""
    if value is None or value == "":
        return []
    pk = field.related_model._meta.pk
    ids = []
    for item in value if isinstance(value, list) else [value]:
        with contextlib.suppress(ValidationError):  # a value the key no longer accepts names nothing
            ids.append(pk.to_python(item))
    return ids


def related_names(records, hidden_for=lambda model: (), queryset_for=None) -> dict:
    """The names of every record the changes in ``records`` point to (foreign keys, many-to-many lists):
    one query per related model for the whole page, not one per row. ``{model: {pk: name}}``, each model's
    names in its default order. ``hidden_for(model)`` gives the fields withheld from the reader and
    ``queryset_for(model)`` where to read a model's records (default: all of them, unscoped, as stored)."""
    wanted: dict = {}
    for record in records:
        model = record.content_type.model_class()
        for _key, field, old, new in record.shown_changes(hidden_for(model)):
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(_stored_ids(field, old), _stored_ids(field, new))
    names = {}
    for model, ids in wanted.items():
        qs = queryset_for(model) if queryset_for is not None else model._base_manager.all()
        names[model] = {obj.pk: str(obj) for obj in qs.filter(pk__in=ids)} if ids else {}
    return names


def display_stored(field, value, names: dict | None = None) -> str:
    """A value as stored in the history, shown the way the object's page shows it. ``names``: the related
    records' names read beforehand (:func:`related_names`)."""
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    known = names.get(field.related_model) if names is not None and field.is_relation else None
    if field.many_to_many or isinstance(value, list):
        if not field.is_relation:
            return "、".join(map(str, value)) or "—"
        if known is not None:
            ids = set(_stored_ids(field, value))
            return "、".join(name for pk, name in known.items() if pk in ids) or "—"
        return "、".join(str(o) for o in field.related_model._base_manager.filter(pk__in=value)) or "—"
    if field.is_relation:
        if known is not None:
            ids = _stored_ids(field, value)
            name = known.get(ids[0]) if ids else None
        else:
            obj = field.related_model._base_manager.filter(pk=value).first()
            name = str(obj) if obj is not None else None
        return name if name is not None else _("#%(id)s（已删除）") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("是") if value else _("否"))
    if isinstance(field, MonthField):
        with contextlib.suppress(ValidationError, TypeError):
            return month_label(field.to_python(value))
    return str(value)
