"""Base models shared by every app, and the change history."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        abstract = True


class ChangeSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("Excel导入")
    COMMAND = "command", _("管理命令")
    SYSTEM = "system", _("系统")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


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

    def changed_fields(self, hidden=()):
        """(field label, before, after) for display: choice labels, 是/否, related names, "—" for empty.
        Fields named in ``hidden`` are left out (internal fields withheld from some readers)."""
        before, after = self.before or {}, self.after or {}
        model = self.content_type.model_class()
        rows = []
        for key in list(after) + [k for k in before if k not in after]:
            old, new = before.get(key), after.get(key)
            if key in hidden or (self.action == ChangeAction.UPDATE and old == new):
                continue
            try:
                field = model._meta.get_field(key) if model is not None else None
            except FieldDoesNotExist:  # a field removed since the change was recorded
                field = None
            label = str(field.verbose_name) if field is not None else key
            rows.append((label, display_stored(field, old), display_stored(field, new)))
        return rows


def display_stored(field, value) -> str:
    """A value as stored in the history, shown the way the object's page shows it."""
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.many_to_many or isinstance(value, list):
        names = [str(o) for o in field.related_model._base_manager.filter(pk__in=value)] if field.is_relation else value
        return "、".join(map(str, names)) or "—"
    if field.is_relation:
        obj = field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj is not None else _("#%(id)s(已删除)") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("是") if value else _("否"))
    return str(value)
