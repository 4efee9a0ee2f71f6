from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.admin import ServiceAdmin

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


class ProjectAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("修改原因"), required=False, help_text=_("更改已记录的里程碑日期、撤销终止或调整总投资时必填")
    )  # the admin adds the model's fields


def _write_project(user, project, old, form):
    from .services import save_project

    return save_project(project, old=old, reason=form.cleaned_data.get("change_reason", ""))


def _write_report(user, report, old, form):
    from .services import save_report

    return save_report(report, user=user)


def _write_problem(user, problem, old, form):
    from .services import save_problem

    return save_problem(problem, user=user)


def _write_meeting(user, meeting, old, form):
    from .services import check_meeting_projects

    check_meeting_projects(meeting.zone, form.cleaned_data.get("projects") or [])
    meeting.save()
    return meeting


@admin.register(Project)
class ProjectAdmin(ServiceAdmin):
    form = ProjectAdminForm
    write = _write_project
    list_display = ("name", "code", "zone", "key_level", "total_investment", "started_on")
    list_filter = ("key_level", "nature", "is_transformation")
    search_fields = ("name", "code")
    autocomplete_fields = ("zone", "enterprise", "park", "chain")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ServiceAdmin):
    write = _write_report
    list_display = ("project", "month", "this_month", "year_to_date", "since_start", "status")
    search_fields = ["project__name", "project__code"]
    autocomplete_fields = ("project",)


@admin.register(Problem)
class ProblemAdmin(ServiceAdmin):
    write = _write_problem
    list_display = ("project", "category", "raised_on", "deadline", "status")
    search_fields = ["project__name", "description"]
    autocomplete_fields = ("project",)


@admin.register(DispatchMeeting)
class DispatchMeetingAdmin(ServiceAdmin):
    write = _write_meeting
    search_fields = ["title"]


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


for model in (Suspension, AnnualPlan, Campaign, CampaignEntry):
    admin.site.register(model, search_fields=["id"])
