from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from kaifaqu.core.api import ScopedModelSerializer, ScopedViewSet, to_drf

from . import resources, services
from .models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip
from .views import funnel_for


def simple_serializer(model_class, field_names, read_only=()):
    meta = type("Meta", (), {"model": model_class, "fields": ["id", *field_names], "read_only_fields": list(read_only)})
    return type(f"{model_class.__name__}Serializer", (ScopedModelSerializer,), {"Meta": meta})


class LeadSerializer(
    simple_serializer(
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
    )
):
    def save(self, **kwargs):
        old = Lead.objects.get(pk=self.instance.pk) if self.instance else None
        lead = self.instance or Lead()
        for key, value in self.validated_data.items():
            setattr(lead, key, value)
        try:
            self.instance = services.save_lead(lead, old=old)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return self.instance


class AgreementSerializer(simple_serializer(Agreement, ["lead", "kind", "signed_on", "amount", "note"])):
    def save(self, **kwargs):
        agreement = self.instance or Agreement()
        for key, value in self.validated_data.items():
            setattr(agreement, key, value)
        try:
            self.instance = services.sign(agreement)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return self.instance


def viewset(resource, serializer, ordering=()):
    return type(
        f"{resource.model.__name__}ViewSet",
        (ScopedViewSet,),
        {"resource": resource, "serializer_class": serializer, "ordering_fields": list(ordering)},
    )


LeadViewSet = viewset(resources.LeadResource, LeadSerializer, ["first_contact_on", "intended_investment"])
FollowUpViewSet = viewset(
    resources.FollowUpResource,
    simple_serializer(FollowUp, ["lead", "kind", "date", "people", "content", "next_step"]),
    ["date"],
)
TripViewSet = viewset(
    resources.TripResource,
    simple_serializer(
        Trip, ["zone", "start_on", "end_on", "destination", "leader", "participants", "leads", "outcomes"]
    ),
    ["start_on"],
)
AgreementViewSet = viewset(resources.AgreementResource, AgreementSerializer, ["signed_on", "amount"])
SourceRegionViewSet = viewset(
    resources.SourceRegionResource, simple_serializer(SourceRegion, ["name", "order", "is_active"])
)
PromotionModeViewSet = viewset(
    resources.PromotionModeResource, simple_serializer(PromotionMode, ["name", "order", "is_active"])
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
