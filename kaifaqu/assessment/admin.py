from django.contrib import admin

from .models import AssessmentRun, AssessmentScheme, Indicator, RunCase, SchemeAdjustment, SchemeItem, ZoneFigure


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


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "category", "sub_group", "grading")
    list_filter = ("year", "category")


@admin.register(SchemeItem)
class SchemeItemAdmin(admin.ModelAdmin):
    list_display = ("scheme", "indicator", "group", "weight", "rule")


@admin.register(SchemeAdjustment)
class SchemeAdjustmentAdmin(admin.ModelAdmin):
    list_display = ("scheme", "kind", "name", "per_case")


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = ("scheme", "data_year", "status", "published_at")
    readonly_fields = ("status", "published_at", "published_by")


@admin.register(RunCase)
class RunCaseAdmin(admin.ModelAdmin):
    list_display = ("run", "zone", "adjustment", "cases")
