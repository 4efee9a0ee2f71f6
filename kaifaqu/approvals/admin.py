from django.contrib import admin

from kaifaqu.core.admin import ServiceAdmin

from . import calendar as holiday_calendar
from .models import Bundle, CalendarYear, Commitment, Holiday, Procedure, ProcedurePause, ProcedureType, ServiceLog


@admin.register(ProcedureType)
class ProcedureTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "authority", "limit_days", "day_kind", "allows_commitment", "is_active")
    list_filter = ("stage", "day_kind", "allows_commitment", "is_active")
    search_fields = ("name", "authority")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


class ClockWriterAdmin(admin.ModelAdmin):
    """A save that recomputes a clock takes the calendar's version lock before writing its row, as the
    services do (the admin's save runs in one transaction)."""

    def save_model(self, request, obj, form, change):
        holiday_calendar.for_write()
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        holiday_calendar.for_write()
        super().delete_model(request, obj)


def _write_procedure(user, procedure, old, form):
    from .services import save_procedure

    return save_procedure(procedure)


@admin.register(Procedure)
class ProcedureAdmin(ServiceAdmin):
    write = _write_procedure
    list_display = ("project", "type", "mode", "accepted_on", "due_on", "completed_on", "agent")
    list_filter = ("mode", "type__stage")
    search_fields = ("project__name", "certificate_no")
    readonly_fields = ("due_on", "days_used", "clock_error")
    autocomplete_fields = ("project",)


admin.site.register(ProcedurePause, ClockWriterAdmin)
for model in (CalendarYear, Commitment, Bundle, ServiceLog):
    admin.site.register(model)
