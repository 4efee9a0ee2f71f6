import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import AutocompleteSelect, AutocompleteSelectMultiple, ScopedModelForm, style_fields

from . import services
from .models import (
    AnnualPlan,
    Campaign,
    CampaignEntry,
    DispatchMeeting,
    MonthlyReport,
    Problem,
    Project,
    Suspension,
)


class ProjectForm(ScopedModelForm):
    change_reason = forms.CharField(
        label=_("修改原因"),
        required=False,
        max_length=500,
        help_text=_("更改已记录的里程碑日期、撤销终止或调整总投资时必填,记入变更记录"),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "enterprise",
            "zone",
            "park",
            "chain",
            "nature",
            "is_transformation",
            "key_level",
            "total_investment",
            "land_area",
            "expected_output",
            "expected_tax",
            "actual_output",
            "liaison_leader",
            "construction_content",
            "planned_sign_on",
            "signed_on",
            "planned_start_on",
            "started_on",
            "planned_production_on",
            "producing_on",
            "planned_capacity_on",
            "capacity_on",
            "terminated_on",
            "termination_reason",
        ]
        widgets = {
            "enterprise": AutocompleteSelect("enterprise_autocomplete"),
            "park": AutocompleteSelect("park_autocomplete"),
            "chain": AutocompleteSelect("industrychain_autocomplete"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._old = Project.objects.get(pk=self.instance.pk) if self.instance.pk else None
        if not self.instance.pk and getattr(self.user, "zone_id", None):
            self.initial.setdefault("zone", self.user.zone_id)

    def save_scoped(self):
        project = self.save(commit=False)
        return services.save_project(project, old=self._old, reason=self.cleaned_data.get("change_reason", ""))


class SuspensionForm(ScopedModelForm):
    class Meta:
        model = Suspension
        fields = ["project", "suspended_on", "resumed_on", "reason"]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}


class AnnualPlanForm(ScopedModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["project", "year", "kind", "planned_investment", "resumed_on"]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}


class MonthlyReportForm(ScopedModelForm):
    class Meta:
        model = MonthlyReport
        fields = ["project", "month", "this_month", "year_to_date", "since_start", "progress", "problems"]
        widgets = {
            "month": forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
            "project": AutocompleteSelect("project_autocomplete"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].input_formats = ["%Y-%m", "%Y-%m-%d"]
        self.fields["month"].widget.input_type = "month"
        self.fields["month"].widget.format = "%Y-%m"

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month

    def save_scoped(self):
        return services.save_report(self.save(commit=False), user=self.user)


class CorrectionForm(forms.Form):
    this_month = forms.DecimalField(label=_("当月完成投资(万元)"), min_value=0, max_digits=14, decimal_places=2)
    year_to_date = forms.DecimalField(label=_("年初至报告期累计(万元)"), min_value=0, max_digits=14, decimal_places=2)
    since_start = forms.DecimalField(label=_("开工至报告期累计(万元)"), min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("更正原因"), max_length=300)
    # The report as the user saw it: a correction of figures someone else changed meanwhile is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_version(self):
        value = self.cleaned_data.get("version") or ""
        try:
            return datetime.datetime.fromisoformat(value) if value else None
        except ValueError:
            return None


class ProblemForm(ScopedModelForm):
    class Meta:
        model = Problem
        fields = [
            "project",
            "category",
            "description",
            "owner_unit",
            "owner_person",
            "raised_on",
            "deadline",
            "progress_notes",
            "resolution",
            "resolved_on",
        ]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}

    def save_scoped(self):
        return services.save_problem(self.save(commit=False), user=self.user)


class CampaignForm(ScopedModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "held_on", "level", "city"]


class CampaignEntryForm(ScopedModelForm):
    class Meta:
        model = CampaignEntry
        fields = ["campaign", "project", "kind"]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}


class DispatchMeetingForm(ScopedModelForm):
    class Meta:
        model = DispatchMeeting
        fields = ["zone", "held_on", "title", "chair", "projects", "decisions"]
        widgets = {"projects": AutocompleteSelectMultiple("project_autocomplete")}

    def clean(self):
        data = super().clean()
        try:
            services.check_meeting_projects(data.get("zone"), data.get("projects") or [])
        except ValidationError as exc:
            self.add_error(None, exc)
        return data
