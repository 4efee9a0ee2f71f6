import django_filters
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter
from kaifaqu.zones.models import Zone, ZoneCategory

from .models import (
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    PeriodKind,
    RunCase,
    SchemeAdjustment,
    SchemeItem,
    ZoneFigure,
)


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "source")
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("统计周期"))

    class Meta:
        model = Indicator
        fields = ["q", "period_kind"]


class ZoneFigureFilterSet(SearchFilterSet):
    search_fields = ("indicator__name", "zone__name")
    zone = ScopedChoiceFilter(field_name="zone", model=Zone, label=_("开发区"))
    indicator = django_filters.ModelChoiceFilter(queryset=Indicator.objects.all(), label=_("指标"))
    year = YearFilter(field_name="month__year", label=_("年度"))

    class Meta:
        model = ZoneFigure
        fields = ["q", "zone", "indicator", "year"]


class AssessmentSchemeFilterSet(SearchFilterSet):
    search_fields = ("name", "sub_group")
    year = YearFilter(label=_("年度"))
    category = django_filters.ChoiceFilter(choices=ZoneCategory.choices, label=_("开发区类别"))

    class Meta:
        model = AssessmentScheme
        fields = ["q", "year", "category"]


class SchemeItemFilterSet(SearchFilterSet):
    search_fields = ("indicator__name", "group")
    scheme = django_filters.ModelChoiceFilter(queryset=AssessmentScheme.objects.all(), label=_("考核方案"))

    class Meta:
        model = SchemeItem
        fields = ["q", "scheme"]


class SchemeAdjustmentFilterSet(SearchFilterSet):
    search_fields = ("name",)
    scheme = django_filters.ModelChoiceFilter(queryset=AssessmentScheme.objects.all(), label=_("考核方案"))

    class Meta:
        model = SchemeAdjustment
        fields = ["q", "scheme"]


class AssessmentRunFilterSet(SearchFilterSet):
    search_fields = ("scheme__name",)
    data_year = YearFilter(label=_("数据年度"))

    class Meta:
        model = AssessmentRun
        fields = ["q", "data_year"]


class RunCaseFilterSet(SearchFilterSet):
    search_fields = ("zone__name", "adjustment__name")
    zone = ScopedChoiceFilter(field_name="zone", model=Zone, label=_("开发区"))

    class Meta:
        model = RunCase
        fields = ["q", "zone"]
