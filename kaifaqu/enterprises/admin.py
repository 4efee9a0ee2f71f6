from django.contrib import admin

from .models import Enterprise, EnterpriseZone


class EnterpriseZoneInline(admin.TabularInline):
    model = EnterpriseZone
    extra = 0
    autocomplete_fields = ("zone",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "is_above_scale", "is_high_tech", "srdi_tier", "is_listed")
    list_filter = ("is_above_scale", "is_high_tech", "srdi_tier", "is_listed")
    search_fields = ("name", "credit_code")
    inlines = [EnterpriseZoneInline]
