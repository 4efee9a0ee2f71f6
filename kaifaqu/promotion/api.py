from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from kaifaqu.core.api import ServiceSerializer, model_serializer, scoped_viewset

from . import resources, services
from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip
from .views import funnel_for


class LeadSerializer(
    model_serializer(
        Lead,
        [
            "zone",
            "company",
            "enterprise",
            "credit_code",
            "project_name",
            "contact_person",
            "contact_phone",
            "source_region",
            "chain",
            "mode",
            "intended_investment",
            "land_need",
            "factory_need",
            "liaison_leader",
            "owner",
            "stage",
            "stage_reason",
            "likelihood",
            "likelihood_reason",
            "first_contact_on",
            "project",
            "last_follow_up_on",
        ],
        read_only=("project", "last_follow_up_on"),
        base=ServiceSerializer,
    )
):
    def write(self, instance, old):
        return services.save_lead(instance, old=old)


class AgreementSerializer(
    model_serializer(Agreement, ["lead", "kind", "signed_on", "amount", "note"], base=ServiceSerializer)
):
    def write(self, instance, old):
        return services.sign(instance)


LeadViewSet = scoped_viewset(resources.LeadResource, LeadSerializer, ["first_contact_on", "intended_investment"])
FollowUpViewSet = scoped_viewset(
    resources.FollowUpResource,
    model_serializer(FollowUp, ["lead", "kind", "date", "people", "content", "next_step"]),
    ["date"],
)
TripViewSet = scoped_viewset(
    resources.TripResource,
    model_serializer(
        Trip, ["zone", "start_on", "end_on", "destination", "leader", "participants", "leads", "outcomes"]
    ),
    ["start_on"],
)
AgreementViewSet = scoped_viewset(resources.AgreementResource, AgreementSerializer, ["signed_on", "amount"])
SourceRegionViewSet = scoped_viewset(
    resources.SourceRegionResource, model_serializer(SourceRegion, ["name", "order", "is_active"])
)
PromotionModeViewSet = scoped_viewset(
    resources.PromotionModeResource, model_serializer(PromotionMode, ["name", "order", "is_active"])
)


@extend_schema(
    parameters=[OpenApiParameter(n, str, required=False) for n in ("start", "end", "group", "zone")],
    responses={200: dict},
    description="Promotion funnel for the user's scope: leads by stage reached, "
    "contacts, trips, signed count and amount, start rate of signed projects, days to signing.",
)
@api_view(["GET"])
def funnel_api(request):
    ctx = funnel_for(request.user, request.query_params.dict())
    if "total" not in ctx:
        raise serializers.ValidationError(ctx["form"].errors)

    def row(r):
        return {
            "key": r.key,
            "label": str(r.label),
            "leads": r.leads,
            "reached": r.reached,
            "contacts": r.contacts,
            "trips": r.trips,
            "signed": r.signed,
            "signed_amount": str(r.signed_amount),
            "started": r.started,
            "terminated": r.terminated,
            "start_rate": str(r.start_rate) if r.start_rate is not None else None,
            "avg_days_to_sign": r.avg_days_to_sign,
        }

    return Response({"total": row(ctx["total"]), "rows": [row(r) for r in ctx["rows"]]})
