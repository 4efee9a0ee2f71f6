import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import MONTH_INPUT_FORMATS, MonthInput
from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter, YesNoFilter
from kaifaqu.zones.models import City, IndustryChain, Park, Zone

from . import rates
from .models import (
    AnnualPlan,
    Campaign,
    CampaignEntry,
    CampaignLevel,
    DispatchMeeting,
    EntryKind,
    KeyLevel,
    MonthlyReport,
    Nature,
    PlanKind,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Project,
    ReportStatus,
    Stage,
    Suspension,
)
from .status import COLOUR_CHOICES

FIGURES = sorted(set(rates.plan_figures(rates.Period(2000, 1))) | set(rates.PROJECT_COUNTS))


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "enterprise__name", "liaison_leader")
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("所属地市"))
    zone = ScopedChoiceFilter(model=Zone, label=_("所属开发区"))
    park = ScopedChoiceFilter(model=Park, label=_("所在园区"))
    chain = ScopedChoiceFilter(model=IndustryChain, label=_("产业链"))
    stage = django_filters.ChoiceFilter(field_name="stage_value", choices=Stage.choices, label=_("阶段"))
    key_level = django_filters.ChoiceFilter(choices=KeyLevel.choices, label=_("重点级别"))
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("建设性质"))
    is_transformation = YesNoFilter(label=_("转型项目"))
    colour = django_filters.ChoiceFilter(choices=COLOUR_CHOICES, label=_("状态颜色"))
    plan_year = YearFilter(method="by_plan", label=_("计划年度"))
    plan_kind = django_filters.ChoiceFilter(method="by_plan", choices=PlanKind.choices, label=_("计划类别"))
    figure = django_filters.ChoiceFilter(
        method="by_figure", choices=[(f, f) for f in FIGURES], label=_("统计口径"), widget=forms.HiddenInput
    )
    report_due = YesNoFilter(method="by_report_due", label=_("待填报月报"))
    year = YearFilter(method="noop", widget=forms.HiddenInput, label=_("年度"))
    month = django_filters.NumberFilter(method="noop", widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = [
            "q",
            "city",
            "zone",
            "park",
            "chain",
            "stage",
            "key_level",
            "nature",
            "is_transformation",
            "colour",
            "plan_year",
            "plan_kind",
            "report_due",
        ]

    def by_report_due(self, queryset, name, value):
        """Projects whose report for the latest month due (the reporting period) is missing."""
        if value is None:
            return queryset
        due = Project.report_due_q(rates.reporting_period(timezone.localdate()))
        return queryset.filter(due) if value else queryset.exclude(due)

    def noop(self, queryset, name, value):
        return queryset

    def by_plan(self, queryset, name, value):
        """Projects in a year's plan (and of a kind): year and kind refer to the same plan row."""
        year, kind = self.form.cleaned_data.get("plan_year"), self.form.cleaned_data.get("plan_kind")
        if name == "plan_kind" and year:
            return queryset  # applied together with plan_year
        plans = AnnualPlan.objects.all()
        if year:
            plans = plans.filter(year=year)
        if kind:
            plans = plans.filter(kind=kind)
        return queryset.filter(pk__in=plans.values("project_id"))

    def by_figure(self, queryset, name, value):
        """Drill-down from a rate: the projects behind one figure of one period (same filter as the count)."""
        year = self.form.cleaned_data.get("year")
        month = self.form.cleaned_data.get("month")
        if not year or not month or not 1 <= month <= 12:
            return queryset.none()
        return rates.drill_down(queryset, rates.Period(int(year), int(month)), value)


class AnnualPlanFilterSet(SearchFilterSet):
    search_fields = ("project__name", "project__code")
    year = YearFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=_("计划类别"))
    zone = ScopedChoiceFilter(field_name="project__zone", model=Zone, label=_("开发区"))

    class Meta:
        model = AnnualPlan
        fields = ["q", "year", "kind", "zone"]


class MonthlyReportFilterSet(SearchFilterSet):
    search_fields = ("project__name", "project__code")
    month = django_filters.DateFilter(label=_("月份"), input_formats=MONTH_INPUT_FORMATS, widget=MonthInput)
    zone = ScopedChoiceFilter(field_name="project__zone", model=Zone, label=_("开发区"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("状态"))

    class Meta:
        model = MonthlyReport
        fields = ["q", "month", "zone", "status"]


class ProblemFilterSet(SearchFilterSet):
    search_fields = ("project__name", "description", "owner_unit", "owner_person")
    zone = ScopedChoiceFilter(field_name="project__zone", model=Zone, label=_("开发区"))
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices, label=_("问题类别"))
    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices, label=_("状态"))
    overdue = YesNoFilter(method="by_overdue", label=_("逾期"))
    closed = YesNoFilter(method="by_closed", label=_("已销号"))

    class Meta:
        model = Problem
        fields = ["q", "zone", "category", "status", "overdue", "closed"]

    def by_closed(self, queryset, name, value):
        if value is None:
            return queryset
        closed = Q(status=ProblemStatus.CLOSED)
        return queryset.filter(closed) if value else queryset.exclude(closed)

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Problem.overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class CampaignFilterSet(SearchFilterSet):
    level = django_filters.ChoiceFilter(choices=CampaignLevel.choices, label=_("级别"))

    class Meta:
        model = Campaign
        fields = ["q", "level"]


class CampaignEntryFilterSet(SearchFilterSet):
    search_fields = ("project__name", "campaign__name")
    campaign = ScopedChoiceFilter(model=Campaign, label=_("活动"))
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=_("类别"))

    class Meta:
        model = CampaignEntry
        fields = ["q", "campaign", "kind"]


class DispatchMeetingFilterSet(SearchFilterSet):
    search_fields = ("title", "chair", "decisions")
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))

    class Meta:
        model = DispatchMeeting
        fields = ["q", "zone"]


class SuspensionFilterSet(SearchFilterSet):
    search_fields = ("project__name", "reason")

    class Meta:
        model = Suspension
        fields = ["q"]
