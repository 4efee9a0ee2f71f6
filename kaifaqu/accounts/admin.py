from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "city", "zone", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff", "city")
    search_fields = ("username", "full_name", "phone", "organization")
    autocomplete_fields = ("zone", "enterprise")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与管辖范围"), {"fields": ("role", "city", "zone", "enterprise", "agent_rank")}),
        (_("联系信息"), {"fields": ("full_name", "phone", "organization")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("角色与管辖范围"), {"fields": ("role", "city", "zone", "enterprise", "agent_rank", "full_name")}),
    )
