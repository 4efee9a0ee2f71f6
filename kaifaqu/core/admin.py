import copy

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Read-only: history cannot be edited or deleted through the application."""

    list_display = ("time", "user_name", "source", "action", "content_type", "object_repr")
    list_filter = ("source", "action", "content_type")
    search_fields = ("object_repr", "user_name", "request_id")
    date_hierarchy = "time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _DryRun(Exception):
    pass


class ServiceAdmin(admin.ModelAdmin):
    """An admin page whose saves go through the record's write path (its service), as the pages, the API and
    the import do: the form is checked by running that write on a copy in a savepoint that is rolled back, so
    a broken rule is shown on the form in Chinese; the save then runs the same write for real.

    Subclasses set ``write``: a function (user, instance, old, form) → the saved instance. ``old`` is the record
    as stored (None for a new one)."""

    write = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        admin_page = self

        class Form(base):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        admin_page._run(request.user, copy.copy(self.instance), self)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    self._update_errors(exc)

        Form.__name__ = base.__name__
        return Form

    def _run(self, user, instance, form):
        model = type(instance)
        old = model._base_manager.filter(pk=instance.pk).first() if instance.pk else None
        return type(self).write(user, instance, old, form)

    def save_model(self, request, obj, form, change):
        self._run(request.user, obj, form)
