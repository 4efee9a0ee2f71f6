import django_filters
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter
from kaifaqu.zones.models import City, Zone, ZoneLevel

from .models import (
    Binding,
    IndicatorStandard,
    LandIndicator,
    LandParcel,
    LandReserve,
    LandUse,
    ParcelCommitment,
    ParcelStatus,
)


class IndicatorStandardFilterSet(SearchFilterSet):
    search_fields = ("industry_name", "industry_code", "source")
    indicator = django_filters.ChoiceFilter(choices=LandIndicator.choices, label=_("控制指标"))
    zone_level = django_filters.ChoiceFilter(choices=ZoneLevel.choices, label=_("开发区级别"))
    binding = django_filters.ChoiceFilter(choices=Binding.choices, label=_("性质"))

    class Meta:
        model = IndicatorStandard
        fields = ["q", "indicator", "zone_level", "binding"]


class LandReserveFilterSet(SearchFilterSet):
    search_fields = ("name", "source", "note")
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("所属地市"))
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))
    year = YearFilter(field_name="reserved_on__year", label=_("收储年度"))

    class Meta:
        model = LandReserve
        fields = ["q", "city", "zone", "year", "serviced"]


class LandParcelFilterSet(SearchFilterSet):
    search_fields = ("number", "location", "buyer__name", "project__name")
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("所属地市"))
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))
    status = django_filters.ChoiceFilter(choices=ParcelStatus.choices, label=_("状态"))
    land_use = django_filters.ChoiceFilter(choices=LandUse.choices, label=_("土地用途"))
    year = YearFilter(field_name="sold_on__year", label=_("出让年度"))

    class Meta:
        model = LandParcel
        fields = ["q", "city", "zone", "status", "land_use", "is_standard", "year"]


class ParcelCommitmentFilterSet(SearchFilterSet):
    search_fields = ("parcel__number", "note")
    indicator = django_filters.ChoiceFilter(choices=LandIndicator.choices, label=_("控制指标"))

    class Meta:
        model = ParcelCommitment
        fields = ["q", "indicator"]
