from django.contrib import admin

from .models import (
    AnnualPlan,
    Campaign,
    CampaignEntry,
    DispatchMeeting,
    MonthlyReport,
    Problem,
    Project,
    ReportCorrection,
    StatusRule,
    Suspension,
)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "zone", "key_level", "total_investment", "started_on")
    list_filter = ("key_level", "nature", "is_transformation")
    search_fields = ("name", "code")
    autocomplete_fields = ("zone", "enterprise", "park", "chain")


@admin.register(StatusRule)
class StatusRuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "red_milestone_days", "red_gap_points", "yellow_gap_points", "yellow_on_overdue_problem")

    def has_add_permission(self, request):
        return not StatusRule.objects.exists()


@admin.register(ReportCorrection)
class ReportCorrectionAdmin(admin.ModelAdmin):
    list_display = ("report", "field", "old_value", "new_value", "reason", "corrected_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Suspension, AnnualPlan, MonthlyReport, Problem, Campaign, CampaignEntry, DispatchMeeting):
    admin.site.register(model, search_fields=["id"])
