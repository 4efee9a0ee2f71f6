from django.contrib import admin

from .models import Indicator, ZoneFigure


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "unit", "period_kind", "direction", "additive", "derivation", "is_active")
    list_filter = ("period_kind", "additive", "is_active")
    search_fields = ("name", "code")


@admin.register(ZoneFigure)
class ZoneFigureAdmin(admin.ModelAdmin):
    list_display = ("zone", "indicator", "month", "value", "reported_growth")
    list_filter = ("indicator",)
    search_fields = ("zone__name", "indicator__name")
