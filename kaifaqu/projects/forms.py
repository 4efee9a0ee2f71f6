import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import month_label
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
        help_text=_("更改已记录的里程碑日期、撤销终止或调整总投资时必填，记入变更记录"),
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

    # Fields of an existing project only: a new project is not terminated, and nothing of it is corrected yet.
    EDIT_ONLY = ("terminated_on", "termination_reason", "change_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._old = Project.objects.get(pk=self.instance.pk) if self.instance.pk else None
        if not self.instance.pk:
            for name in self.EDIT_ONLY:
                del self.fields[name]
            if getattr(self.user, "zone_id", None):
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
    """A month's report. A new one for a project (/reports/add/?project=12) starts at the month due
    (services.month_due) and shows the previous month's cumulative figures; a cumulative figure left empty is
    that month's figure plus this month's (services.expected_cumulative, the rule the service checks)."""

    class Meta:
        model = MonthlyReport
        fields = ["project", "month", "this_month", "year_to_date", "since_start", "progress", "problems"]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in services.CUMULATIVE:
            self.fields[name].required = False
            self.fields[name].help_text = _("留空则按上月累计加当月完成投资计算")
        if self.instance.pk is None:
            self.fields["month"].required = False
            self.fields["month"].help_text = _("留空则为应报月份（最近一次填报的下一个月）")
            if not self.is_bound:
                self._prefill()

    def _prefill(self):
        """The month due and, beside the cumulative figures, the previous month's (for the page and its script)."""
        project = self.fields["project"].queryset.filter(pk=_pk(self.initial.get("project"))).first()
        if project is None:
            return
        month = self.initial.get("month") or services.month_due(project)
        if not month:
            return
        self.initial["month"] = month
        prev = services.previous_report(project, month)
        this_month = self.fields["this_month"]
        this_month.widget.attrs["data-cumulative-source"] = "1"
        for name in services.CUMULATIVE:
            base = services.expected_cumulative(name, prev, month, Decimal(0))
            field = self.fields[name]
            if base is None:
                continue
            field.widget.attrs["data-cumulative-base"] = str(base)
            if prev is not None:
                field.help_text = _("上月（%(m)s）为 %(v)s 万元；留空则按上月累计加当月完成投资计算") % {
                    "m": month_label(prev.month),
                    "v": getattr(prev, name),
                }
            else:
                field.help_text = _("1月的年初至报告期累计等于当月完成投资；留空则自动计算")

    def clean(self):
        data = super().clean()
        project, month, this_month = data.get("project"), data.get("month"), data.get("this_month")
        if project is not None and month is None and "month" not in self.errors:
            month = data["month"] = services.month_due(project)
            if month is None:
                self.add_error("month", _("月份：该项目没有应报月份，请填写月份"))
        if project is None or month is None:
            return data
        prev = services.previous_report(project, month, exclude=self.instance.pk)
        for name in services.CUMULATIVE:
            if data.get(name) is None and name not in self.errors:
                value = services.expected_cumulative(name, prev, month, this_month)
                if value is None:
                    label = self.fields[name].label
                    self.add_error(name, _("%(what)s：没有上月报表可据以计算，请填写") % {"what": label})
                else:
                    data[name] = value
        return data

    def save_scoped(self):
        return services.save_report(self.save(commit=False), user=self.user)


def _pk(value):
    value = getattr(value, "pk", value)
    return int(value) if str(value or "").isdigit() else None


class CorrectionForm(forms.Form):
    this_month = forms.DecimalField(label=_("当月完成投资（万元）"), min_value=0, max_digits=14, decimal_places=2)
    year_to_date = forms.DecimalField(label=_("年初至报告期累计（万元）"), min_value=0, max_digits=14, decimal_places=2)
    since_start = forms.DecimalField(label=_("开工至报告期累计（万元）"), min_value=0, max_digits=14, decimal_places=2)
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
