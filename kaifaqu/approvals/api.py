from rest_framework import serializers

from kaifaqu.core.api import ServiceSerializer, model_serializer, scoped_viewset
from kaifaqu.core.scoping import Role, scope_for

from . import resources, services
from .models import Bundle, CalendarYear, Commitment, Holiday, Procedure, ProcedurePause, ProcedureType, ServiceLog
from .resources import INTERNAL_FIELDS


class ProcedureSerializer(ServiceSerializer):
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
            "day_kind": c.day_kind,
            "saved": c.saved,
            "compression": str(c.compression) if c.compression is not None else None,
        }

    def write(self, instance, old):
        return services.save_procedure(instance)


class PauseSerializer(
    model_serializer(ProcedurePause, ["procedure", "paused_on", "resumed_on", "reason", "note"], base=ServiceSerializer)
):
    def write(self, instance, old):
        return services.save_pause(instance)


ProcedureViewSet = scoped_viewset(resources.ProcedureResource, ProcedureSerializer, ["due_on", "accepted_on"])
PauseViewSet = scoped_viewset(resources.PauseResource, PauseSerializer, ["paused_on"])
ProcedureTypeViewSet = scoped_viewset(
    resources.ProcedureTypeResource,
    model_serializer(
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
CalendarYearViewSet = scoped_viewset(resources.CalendarYearResource, model_serializer(CalendarYear, ["year", "source"]))
HolidayViewSet = scoped_viewset(
    resources.HolidayResource, model_serializer(Holiday, ["date", "kind", "name"]), ["date"]
)
CommitmentViewSet = scoped_viewset(
    resources.CommitmentResource,
    model_serializer(Commitment, ["procedure", "promise", "due_on", "status", "checked_on"]),
    ["due_on"],
)
BundleViewSet = scoped_viewset(
    resources.BundleResource,
    model_serializer(Bundle, ["project", "name", "planned_on", "issued_on", "status"], read_only=["issued_on"]),
    ["planned_on"],
)
ServiceLogViewSet = scoped_viewset(
    resources.ServiceLogResource,
    model_serializer(ServiceLog, ["zone", "project", "agent", "served_on", "content"]),
    ["served_on"],
)
