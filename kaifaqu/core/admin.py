from django.contrib import admin

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
