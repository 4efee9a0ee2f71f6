from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.views import Col, Related, Resource, Totals
from kaifaqu.projects.resources import money_text

from . import filters, forms, sheets
from .models import CENT, IndicatorStandard, LandParcel, LandReserve, ParcelCommitment, average_price


def cent(value) -> Decimal:
    """A summed area or amount to 0.01, whatever the database's sum gives (SQLite: 3332.20000000000 or 1272)."""
    return Decimal(value).quantize(CENT)


class IndicatorStandardResource(Resource):
    model = IndicatorStandard
    url_prefix = "land-standards"
    filterset_class = filters.IndicatorStandardFilterSet
    form_class = forms.IndicatorStandardForm
    sheet_class = sheets.IndicatorStandardSheet
    list_columns = [
        Col("indicator", link=True),
        Col("industry_name", sort="industry_code"),
        Col("zone_level"),
        Col("bound"),
        Col("value"),
        Col("binding"),
        Col("year"),
    ]


class LandReserveResource(Resource):
    model = LandReserve
    url_prefix = "land-reserves"
    filterset_class = filters.LandReserveFilterSet
    form_class = forms.LandReserveForm
    sheet_class = sheets.LandReserveSheet
    list_columns = [
        Col("name", link=True),
        Col("zone", sort="zone__name"),
        Col("area"),
        Col("reserved_on"),
        Col("infrastructure_area"),
        Col("serviced"),
    ]
    list_select_related = ("zone",)
    related = [Related(_("已供应宗地"), "parcels", ("number", "area", "status", "sold_on", "is_standard"))]

    @classmethod
    def totals(cls, qs, params):
        t = qs.aggregate(n=Count("id"), total_area=Sum("area"), infra=Sum("infrastructure_area"))
        supplied = cent(LandParcel.objects.filter(reserve__in=qs).aggregate(s=Sum("area"))["s"] or Decimal(0))
        area, infra = cent(t["total_area"] or Decimal(0)), cent(t["infra"] or Decimal(0))
        left = area - infra - supplied
        figures = {"count": t["n"], "area": area, "infrastructure": infra, "supplied": supplied, "left": left}
        shown = [
            (_("储备地块"), str(_("%(n)s 宗") % {"n": t["n"]})),
            (_("收储面积"), str(_("%(v)s 亩") % {"v": area})),
            (_("用于基础设施"), str(_("%(v)s 亩") % {"v": infra})),
            (_("已供应宗地"), str(_("%(v)s 亩") % {"v": supplied})),
            (_("剩余储备"), str(_("%(v)s 亩") % {"v": left})),
        ]
        return Totals(figures, shown)


class LandParcelResource(Resource):
    model = LandParcel
    url_prefix = "parcels"
    filterset_class = filters.LandParcelFilterSet
    form_class = forms.LandParcelForm
    sheet_class = sheets.LandParcelSheet
    list_columns = [
        Col("number", link=True),
        Col("zone", sort="zone__name"),
        Col("area"),
        Col("land_use"),
        Col("is_standard"),
        Col("status"),
        Col("sold_on"),
        Col("price"),
        Col("price_per_mu"),
        Col("buyer", sort="buyer__name"),
    ]
    list_select_related = ("zone", "buyer")
    detail_fields = tuple(
        name for f in forms.PARCEL_FIELDS if f != "boundary" for name in ((f, "price_per_mu") if f == "price" else (f,))
    )
    related = [Related(_("控制指标承诺"), "commitments", ("indicator", "bound", "value", "standard_value", "note"))]

    @classmethod
    def totals(cls, qs, params):
        """The filtered parcels' count, area, price and average price per 亩 (to 0.01 万元, rounded half up)."""
        t = qs.aggregate(n=Count("id"), total_area=Sum("area"), total_price=Sum("price"))
        area, price = cent(t["total_area"] or Decimal(0)), cent(t["total_price"] or Decimal(0))
        avg = average_price(price, area)
        figures = {"count": t["n"], "area": area, "price": price, "average_price": avg}
        shown = [
            (_("宗地"), str(_("%(n)s 宗") % {"n": t["n"]})),
            (_("面积"), str(_("%(v)s 亩") % {"v": area})),
            (_("出让价款"), money_text(price)),
            (_("亩均价款"), str(_("%(v)s 万元/亩") % {"v": avg}) if avg is not None else "—"),
        ]
        return Totals(figures, shown)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [path("land/", views.overview_page, name="land_overview")]


class ParcelCommitmentResource(Resource):
    model = ParcelCommitment
    url_prefix = "parcel-commitments"
    filterset_class = filters.ParcelCommitmentFilterSet
    form_class = forms.ParcelCommitmentForm
    sheet_class = sheets.ParcelCommitmentSheet
    list_columns = [
        Col("parcel", link=True, sort="parcel__number"),
        Col("indicator"),
        Col("bound"),
        Col("value"),
        Col("standard_value"),
    ]
    list_select_related = ("parcel",)
