import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YesNoFilter
from kaifaqu.zones.models import City, Zone

from .models import Enterprise, SrdiTier


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("name", "credit_code", "industry")
    zone = ScopedChoiceFilter(field_name="zone_links__zone", model=Zone, label=_("所在开发区"), distinct=False)
    city = ScopedChoiceFilter(method="in_city", model=City, label=_("所属地市"))
    is_above_scale = YesNoFilter(label=_("规上企业"))
    is_high_tech = YesNoFilter(label=_("高新技术企业"))
    srdi_tier = django_filters.ChoiceFilter(choices=SrdiTier.choices, label=_("专精特新等级"))
    is_listed = YesNoFilter(label=_("上市公司"))

    class Meta:
        model = Enterprise
        fields = ["q", "city", "zone", "is_above_scale", "is_high_tech", "srdi_tier", "is_listed"]

    @extend_schema_field(OpenApiTypes.INT)  # a city's id (the schema cannot guess it from a method)
    def in_city(self, queryset, name, value):
        if not value:
            return queryset
        inner = Enterprise.objects.filter(zone_links__zone__city=value).values("pk")
        return queryset.filter(pk__in=inner)
