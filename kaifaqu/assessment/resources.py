from django.urls import path

from kaifaqu.core.fields import month_label
from kaifaqu.core.views import Col, Resource

from . import filters, forms, sheets
from .models import Indicator, ZoneFigure


class IndicatorResource(Resource):
    model = Indicator
    url_prefix = "indicators"
    filterset_class = filters.IndicatorFilterSet
    form_class = forms.IndicatorForm
    sheet_class = sheets.IndicatorSheet
    list_columns = [
        Col("name", link=True),
        Col("unit"),
        Col("period_kind"),
        Col("direction"),
        Col("additive"),
        Col("source"),
        Col("derivation"),
        Col("is_active"),
    ]

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("indicators/overview/", views.overview_page, name="indicator_overview"),
            path("dashboard/indicators/", views.dashboard_card, name="dashboard_indicators"),
        ]


class ZoneFigureResource(Resource):
    model = ZoneFigure
    url_prefix = "zone-figures"
    filterset_class = filters.ZoneFigureFilterSet
    form_class = forms.ZoneFigureForm
    sheet_class = sheets.ZoneFigureSheet
    list_columns = [
        Col("month", render=lambda f: month_label(f.month), link=True),
        Col("zone", sort="zone__name"),
        Col("indicator", sort="indicator__order"),
        Col("value"),
        Col("indicator.unit", sort=""),
        Col("reported_growth"),
    ]
    list_select_related = ("zone", "indicator")
