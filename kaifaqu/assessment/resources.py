from django.urls import path
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import month_label
from kaifaqu.core.scoping import can_write
from kaifaqu.core.views import Col, Related, Resource

from . import filters, forms, sheets
from .models import AssessmentRun, AssessmentScheme, Indicator, RunCase, SchemeAdjustment, SchemeItem, ZoneFigure


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


class AssessmentSchemeResource(Resource):
    model = AssessmentScheme
    url_prefix = "assessment-schemes"
    filterset_class = filters.AssessmentSchemeFilterSet
    form_class = forms.AssessmentSchemeForm
    sheet_class = sheets.AssessmentSchemeSheet
    detail_template = "assessment/scheme_detail.html"
    detail_fields = [
        "year",
        "category",
        "sub_group",
        "name",
        "grading",
        "excellent",
        "good",
        "passing",
        "warn_bottom",
        "is_template",
    ]
    list_columns = [Col("name", link=True), Col("year"), Col("category"), Col("sub_group"), Col("grading")]
    related = [
        Related(_("考核指标"), "items", ("indicator", "group", "weight", "rule", "target", "cap")),
        Related(_("加分、扣分与否决项"), "adjustments", ("name", "kind", "per_case", "max_points")),
    ]

    @classmethod
    def extra_urls(cls):
        from . import views

        return [path("assessment-schemes/<int:pk>/copy/", views.copy_scheme, name="assessmentscheme_copy")]

    @classmethod
    def detail_context(cls, obj, request):
        from kaifaqu.lib.scoring import validate

        from .runs import scheme_of

        return {
            "groups": obj.groups,
            "problems": validate(scheme_of(obj)),
            "can_copy": can_write(request.user, type(obj)),
        }


class SchemeItemResource(Resource):
    model = SchemeItem
    url_prefix = "assessment-items"
    filterset_class = filters.SchemeItemFilterSet
    form_class = forms.SchemeItemForm
    sheet_class = sheets.SchemeItemSheet
    list_columns = [
        Col("indicator", link=True, sort="indicator__name"),
        Col("scheme", sort="scheme__name"),
        Col("group"),
        Col("weight"),
        Col("rule"),
    ]
    list_select_related = ("scheme", "indicator")


class SchemeAdjustmentResource(Resource):
    model = SchemeAdjustment
    url_prefix = "assessment-adjustments"
    filterset_class = filters.SchemeAdjustmentFilterSet
    form_class = forms.SchemeAdjustmentForm
    sheet_class = sheets.SchemeAdjustmentSheet
    list_columns = [
        Col("name", link=True),
        Col("scheme", sort="scheme__name"),
        Col("kind"),
        Col("per_case"),
        Col("max_points"),
    ]
    list_select_related = ("scheme",)


class AssessmentRunResource(Resource):
    model = AssessmentRun
    url_prefix = "assessment-runs"
    filterset_class = filters.AssessmentRunFilterSet
    form_class = forms.AssessmentRunForm
    sheet_class = sheets.AssessmentRunSheet
    detail_template = "assessment/run_detail.html"
    detail_fields = ["scheme", "data_year", "quarter", "status", "published_at", "published_by"]
    list_columns = [
        Col("scheme", link=True, sort="scheme__name"),
        Col("data_year"),
        Col("quarter"),
        Col("status"),
        Col("published_at"),
    ]
    list_select_related = ("scheme",)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("assessment-runs/years/", views.years_page, name="assessment_years"),
            path("assessment-runs/<int:pk>/publish/", views.publish_run, name="assessmentrun_publish"),
            path("assessment-runs/<int:pk>/export/", views.export_run, name="assessmentrun_export"),
            path("assessment-runs/<int:pk>/tongbao/", views.export_tongbao, name="assessmentrun_tongbao"),
            path("assessment-runs/<int:pk>/zones/<int:zone>/", views.scorecard, name="assessmentrun_scorecard"),
        ]

    @classmethod
    def detail_context(cls, obj, request):
        from .views import run_context

        return run_context(obj, request)


class RunCaseResource(Resource):
    model = RunCase
    url_prefix = "assessment-cases"
    filterset_class = filters.RunCaseFilterSet
    form_class = forms.RunCaseForm
    sheet_class = sheets.RunCaseSheet
    list_columns = [
        Col("zone", link=True, sort="zone__name"),
        Col("adjustment", sort="adjustment__name"),
        Col("cases"),
        Col("run", sort="run__data_year"),
        Col("note"),
    ]
    list_select_related = ("zone", "adjustment__scheme", "run__scheme")
