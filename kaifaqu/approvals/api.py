from django.core.exceptions import ValidationError
from rest_framework import serializers

from kaifaqu.core.api import ScopedModelSerializer, ScopedViewSet, to_drf
from kaifaqu.core.scoping import Role, scope_for

from . import resources, services
from .models import Bundle, CalendarYear, Commitment, Holiday, Procedure, ProcedurePause, ProcedureType, ServiceLog
from .resources import INTERNAL_FIELDS


def simple_serializer(model_class, field_names, read_only=()):
    meta = type("Meta", (), {"model": model_class, "fields": ["id", *field_names], "read_only_fields": list(read_only)})
    return type(f"{model_class.__name__}Serializer", (ScopedModelSerializer,), {"Meta": meta})


class ProcedureSerializer(ScopedModelSerializer):
    clock = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "id",
            "project",
            "type",
            "mode",
            "applied_on",
            "accepted_on",
            "completed_on",
            "certificate_no",
            "agent",
            "lead_agent",
            "bundle",
            "notes",
            "due_on",
            "days_used",
            "clock_error",
            "clock",
        ]
        read_only_fields = ["due_on", "days_used", "clock_error"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and scope_for(request.user).role == Role.ENTERPRISE:
            for name in INTERNAL_FIELDS:
                data.pop(name, None)
        return data

    def get_clock(self, obj) -> dict:
        c = services.clock(obj)
        return {
            "status": c.status,
            "label": c.label,
            "elapsed": c.elapsed,
            "remaining": c.remaining,
            "saved": c.saved,
            "compression": str(c.compression) if c.compression is not None else None,
        }

    def save(self, **kwargs):
        procedure = self.instance or Procedure()
        for key, value in self.validated_data.items():
            setattr(procedure, key, value)
        try:
            self.instance = services.save_procedure(procedure)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return self.instance


class PauseSerializer(simple_serializer(ProcedurePause, ["procedure", "paused_on", "resumed_on", "reason", "note"])):
    def save(self, **kwargs):
        pause = self.instance or ProcedurePause()
        for key, value in self.validated_data.items():
            setattr(pause, key, value)
        try:
            self.instance = services.save_pause(pause)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return self.instance


def viewset(resource, serializer, ordering=()):
    return type(
        f"{resource.model.__name__}ViewSet",
        (ScopedViewSet,),
        {"resource": resource, "serializer_class": serializer, "ordering_fields": list(ordering)},
    )


ProcedureViewSet = viewset(resources.ProcedureResource, ProcedureSerializer, ["due_on", "accepted_on"])
PauseViewSet = viewset(resources.PauseResource, PauseSerializer, ["paused_on"])
ProcedureTypeViewSet = viewset(
    resources.ProcedureTypeResource,
    simple_serializer(
        ProcedureType,
        [
            "name",
            "stage",
            "authority",
            "limit_days",
            "day_kind",
            "extension_days",
            "allows_commitment",
            "materials",
            "is_active",
        ],
    ),
    ["stage", "name"],
)
CalendarYearViewSet = viewset(resources.CalendarYearResource, simple_serializer(CalendarYear, ["year", "source"]))
HolidayViewSet = viewset(resources.HolidayResource, simple_serializer(Holiday, ["date", "kind", "name"]), ["date"])
CommitmentViewSet = viewset(
    resources.CommitmentResource,
    simple_serializer(Commitment, ["procedure", "promise", "due_on", "status", "checked_on"]),
    ["due_on"],
)
BundleViewSet = viewset(
    resources.BundleResource,
    simple_serializer(Bundle, ["project", "name", "planned_on", "issued_on", "status"]),
    ["planned_on"],
)
ServiceLogViewSet = viewset(
    resources.ServiceLogResource,
    simple_serializer(ServiceLog, ["zone", "project", "agent", "served_on", "content"]),
    ["served_on"],
)
