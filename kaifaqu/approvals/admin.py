from django.contrib import admin

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


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("project", "type", "mode", "accepted_on", "due_on", "completed_on", "agent")
    list_filter = ("mode", "type__stage")
    search_fields = ("project__name", "certificate_no")
    readonly_fields = ("due_on", "days_used", "clock_error")
    autocomplete_fields = ("project",)


for model in (CalendarYear, ProcedurePause, Commitment, Bundle, ServiceLog):
    admin.site.register(model)
