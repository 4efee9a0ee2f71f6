from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from kaifaqu.core.api import exact, model_serializer, scoped_viewset

from . import forms, resources
from .models import AssessmentRun, AssessmentScheme, Indicator, RunCase, SchemeAdjustment, SchemeItem, ZoneFigure
from .views import overview_for

IndicatorViewSet = scoped_viewset(
    resources.IndicatorResource, model_serializer(Indicator, forms.IndicatorForm.Meta.fields), ["order", "code"]
)
AssessmentSchemeViewSet = scoped_viewset(
    resources.AssessmentSchemeResource,
    model_serializer(AssessmentScheme, forms.AssessmentSchemeForm.Meta.fields),
    ["year"],
)
SchemeItemViewSet = scoped_viewset(
    resources.SchemeItemResource,
    model_serializer(SchemeItem, forms.SchemeItemForm.Meta.fields),
)
SchemeAdjustmentViewSet = scoped_viewset(
    resources.SchemeAdjustmentResource,
    model_serializer(SchemeAdjustment, forms.SchemeAdjustmentForm.Meta.fields),
)
AssessmentRunViewSet = scoped_viewset(
    resources.AssessmentRunResource,
    model_serializer(
        AssessmentRun,
        [*forms.AssessmentRunForm.Meta.fields, "status", "published_at"],
        read_only=("status", "published_at"),
    ),
    ["data_year"],
)
RunCaseViewSet = scoped_viewset(
    resources.RunCaseResource,
    model_serializer(RunCase, forms.RunCaseForm.Meta.fields),
)
ZoneFigureViewSet = scoped_viewset(
    resources.ZoneFigureResource,
    model_serializer(ZoneFigure, ["zone", "indicator", "month", "value", "reported_growth", "note"]),
    ["month"],
)


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, required=False),
        OpenApiParameter("month", int, required=False, description="the period's last month (1–N月)"),
        OpenApiParameter("city", int, required=False),
        OpenApiParameter("zone", int, required=False),
    ],
    responses={200: dict, 400: dict},
    description="开发区指标: each active indicator of the period for the user's scope (or one city or zone): the "
    "entered value (summed across zones where the indicator adds up), the same period a year earlier, the growth "
    "computed from them (percent for totals, points for rates) beside the reported one, and the ledgers' figure "
    "where the platform holds it. Decimals as exact strings.",
)
@api_view(["GET"])
def overview_api(request):
    ctx = overview_for(request.user, request.query_params.dict())
    if "rows" not in ctx:
        raise serializers.ValidationError(ctx["form"].errors)

    def row(r):
        return {
            "indicator": r.indicator.code,
            "name": r.indicator.name,
            "unit": r.indicator.unit,
            "additive": r.indicator.additive,
            "value": exact(r.value),
            "previous": exact(r.previous),
            "growth": exact(r.growth),
            "reported_growth": exact(r.reported_growth),
            "growth_flagged": r.growth_gap,
            "reporting_zones": r.reporting,
            "derived": exact(r.derived),
            "derived_previous": exact(r.derived_previous),
            "derived_growth": exact(r.derived_growth),
            "below_alarm": r.alarm,
        }

    return Response(
        {
            "period": {"year": ctx["month"].year, "month": ctx["month"].month},
            "place": ctx["place"],
            "zones": ctx["zone_count"],
            "rows": [row(r) for r in ctx["rows"]],
        }
    )
