"""How the zone registries appear in pages and the API."""

from django.utils.translation import gettext_lazy as _

from kaifaqu.core.views import Col, Related, Resource

from . import filters, forms, sheets
from .models import City, IndustryChain, Park, Zone


class CityResource(Resource):
    model = City
    url_prefix = "cities"
    filterset_class = filters.CityFilterSet
    form_class = forms.CityForm
    sheet_class = sheets.CitySheet
    list_columns = [Col("code", link=True), Col("name", link=True)]
    related = [Related(_("开发区"), "zones", ("name", "category", "level"))]


class ZoneResource(Resource):
    model = Zone
    url_prefix = "zones"
    filterset_class = filters.ZoneFilterSet
    form_class = forms.ZoneForm
    sheet_class = sheets.ZoneSheet
    list_columns = [
        Col("name", link=True),
        Col("city", sort="city__code"),
        Col("county"),
        Col("category"),
        Col("level"),
        Col("approved_on"),
        Col("planned_area"),
        Col("leading_industries", sort=""),
    ]
    list_select_related = ("city",)
    related = [
        Related(_("园区"), "parks", ("name", "area", "leading_industries")),
        Related(_("产业链"), "industry_chains", ("name", "research_group", "group_leader")),
        Related(_("入驻企业"), "enterprises", ("name", "credit_code", "industry")),
    ]


class ParkResource(Resource):
    model = Park
    url_prefix = "parks"
    filterset_class = filters.ParkFilterSet
    form_class = forms.ParkForm
    sheet_class = sheets.ParkSheet
    list_columns = [
        Col("name", link=True),
        Col("zone", sort="zone__name"),
        Col("area"),
        Col("leading_industries", sort=""),
    ]
    list_select_related = ("zone",)

    @classmethod
    def autocomplete_text(cls, obj) -> str:
        return f"{obj.zone.display_name} · {obj}"


class IndustryChainResource(Resource):
    model = IndustryChain
    url_prefix = "chains"
    filterset_class = filters.IndustryChainFilterSet
    form_class = forms.IndustryChainForm
    sheet_class = sheets.IndustryChainSheet
    list_columns = [
        Col("name", link=True),
        Col("zone", sort="zone__name"),
        Col("research_group"),
        Col("group_leader"),
    ]
    list_select_related = ("zone",)

    @classmethod
    def autocomplete_text(cls, obj) -> str:
        return f"{obj.zone.display_name} · {obj}"
