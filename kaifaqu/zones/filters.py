import django_filters
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet

from .models import City, IndustryChain, Park, Zone, ZoneCategory, ZoneLevel


class CityFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = City
        fields = ["q"]


class ZoneFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "county", "leading_industries", "platform_company")
    city = ScopedChoiceFilter(model=City, label=_("所属地市"))
    category = django_filters.ChoiceFilter(choices=ZoneCategory.choices, label=_("类别"))
    level = django_filters.ChoiceFilter(choices=ZoneLevel.choices, label=_("级别"))

    class Meta:
        model = Zone
        fields = ["q", "city", "category", "level"]


class ParkFilterSet(SearchFilterSet):
    search_fields = ("name", "leading_industries")
    zone = ScopedChoiceFilter(model=Zone, label=_("所属开发区"))
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("所属地市"))

    class Meta:
        model = Park
        fields = ["q", "city", "zone"]


class IndustryChainFilterSet(SearchFilterSet):
    search_fields = ("name", "research_group", "group_leader")
    zone = ScopedChoiceFilter(model=Zone, label=_("所属开发区"))
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("所属地市"))

    class Meta:
        model = IndustryChain
        fields = ["q", "city", "zone"]
