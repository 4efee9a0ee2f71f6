from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from kaifaqu.core.api import ServiceSerializer, model_serializer, scoped_viewset
from kaifaqu.core.asof import Snapshot
from kaifaqu.core.scoping import Role, scope_for
from kaifaqu.core.views import refuse_outside_scope
from kaifaqu.projects.models import Project
from kaifaqu.zones.models import Zone

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


class ClocksQuery(serializers.Serializer):
    zone = serializers.IntegerField(required=False, help_text="开发区 id: that zone's procedures only")
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD，默认为今天")

    def validate_as_of(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("不能查询未来日期"))
        return value


@extend_schema(
    parameters=[ClocksQuery],
    responses={200: dict, 400: dict},
    description="审批计时: how many procedures of the user's scope (or one zone) had each clock status "
    "(未受理, 按时办理中, 暂停计时, 即将到期, 已超期, 按时办结, 超期办结, 计时异常) on `as_of` (today by default). "
    "A past day is answered from the change history: the procedures and their stored clocks as they stood at its end.",
)
@api_view(["GET"])
def clocks_api(request):
    refuse_outside_scope(request.user, request.query_params, zone=Zone)
    params = ClocksQuery(data=request.query_params)
    params.is_valid(raise_exception=True)
    today = timezone.localdate()
    day = params.validated_data.get("as_of") or today
    procedures = Procedure.objects.for_user(request.user)
    zone = params.validated_data.get("zone")
    if zone:
        procedures = procedures.filter(project__zone_id=zone)
    if day < today:
        visible = set(procedures.values_list("pk", flat=True))
        projects = set(Project.objects.for_user(request.user).values_list("pk", flat=True))
        zone_of = dict(Project.objects.filter(pk__in=projects).values_list("pk", "zone_id"))

        def keep(p):
            # Seen now, or deleted since but of a project the user sees (and of the zone asked for).
            return p.pk in visible or (p.project_id in zone_of and (not zone or zone_of[p.project_id] == zone))

        counts = services.clock_counts_rebuilt(Snapshot(day), keep)
    else:
        counts = services.clock_counts(procedures, day)
    return Response(
        {
            "as_of": day.isoformat(),
            "counts": counts,
            "labels": {k: str(v) for k, v in services.STATUS_LABELS.items()},
        }
    )
