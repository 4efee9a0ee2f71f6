import django_filters
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter
from kaifaqu.zones.models import Zone

from .models import Indicator, PeriodKind, ZoneFigure


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
