from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from kaifaqu.approvals.models import Procedure
from kaifaqu.approvals.services import project_compression
from kaifaqu.core.api import ServiceSerializer, exact, model_serializer, scoped_viewset, to_drf

from . import resources
from .forms import ProjectForm
from .models import (
    AnnualPlan,
    Campaign,
    CampaignEntry,
    DispatchMeeting,
    KeyLevel,
    MonthlyReport,
    Nature,
    Problem,
    ProblemStatus,
    Project,
    Suspension,
)
from .services import (
    check_meeting_projects,
    check_problem_delete,
    close_problem,
    review_report,
    save_problem,
    save_project,
    save_report,
)
from .views import campaign_summary, drill_url, rates_for

# The API edits the same fields as the page's form (one list).
PROJECT_FIELDS = ["id", *ProjectForm.Meta.fields]


class ProjectSerializer(ServiceSerializer):
    stage = serializers.SerializerMethodField()
    colour = serializers.SerializerMethodField()
    change_reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "stage", "colour", "change_reason", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_stage(self, obj) -> str:
        return getattr(obj, "stage_value", None) or obj.stage

    def get_colour(self, obj) -> str:
        return getattr(obj, "colour", "")

    def validate(self, attrs):
        reason = attrs.pop("change_reason", "")
        attrs = super().validate(attrs)
        attrs["change_reason"] = reason
        return attrs

    def save(self, **kwargs):
        self._reason = self.validated_data.pop("change_reason", "")
        return super().save(**kwargs)

    def write(self, instance, old):
        return save_project(instance, old=old, reason=self._reason)


class MonthlyReportSerializer(ServiceSerializer):
    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "project",
            "month",
            "this_month",
            "year_to_date",
            "since_start",
            "progress",
            "problems",
            "status",
            "entered_by",
            "reviewed_by",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "entered_by", "reviewed_by", "reviewed_at", "created_at", "updated_at"]

    def write(self, instance, old):
        return save_report(instance, user=self.context["request"].user)


SuspensionSerializer = model_serializer(Suspension, ["project", "suspended_on", "resumed_on", "reason"])
AnnualPlanSerializer = model_serializer(AnnualPlan, ["project", "year", "kind", "planned_investment", "resumed_on"])


class ProblemSerializer(ServiceSerializer):
    """The problem ledger: raised and edited through the page's service; closed out only by ``close``."""

    class Meta:
        model = Problem
        fields = [
            "id",
            "project",
            "category",
            "description",
            "owner_unit",
            "owner_person",
            "raised_on",
            "deadline",
            "progress_notes",
            "resolution",
            "status",
            "resolved_on",
            "closed_on",
            "closed_by",
            "raised_by",
        ]
        read_only_fields = ["status", "closed_on", "closed_by", "raised_by"]

    def validate(self, attrs):
        wanted = self.initial_data.get("status") if hasattr(self.initial_data, "get") else None
        current = self.instance.status if self.instance is not None else ProblemStatus.OPEN
        if wanted not in (None, current):  # never ignored silently
            raise serializers.ValidationError(
                {"status": [_("问题状态不能直接修改；销号请使用 POST /api/problems/{id}/close/")]}
            )
        return super().validate(attrs)

    def write(self, instance, old):
        return save_problem(instance, user=self.context["request"].user)


class CloseProblemSerializer(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, help_text="解决情况（已填写的可省略）")


CampaignSerializer = model_serializer(Campaign, ["name", "held_on", "level", "city"])
CampaignEntrySerializer = model_serializer(CampaignEntry, ["campaign", "project", "kind"])
_MeetingBase = model_serializer(DispatchMeeting, ["zone", "held_on", "title", "chair", "projects", "decisions"])


class DispatchMeetingSerializer(_MeetingBase):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        zone = attrs.get("zone") or getattr(self.instance, "zone", None)
        projects = attrs.get("projects")
        if projects is None and self.instance is not None:
            projects = list(self.instance.projects.all())
        try:
            check_meeting_projects(zone, projects or [])
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return attrs

    class Meta(_MeetingBase.Meta):
        pass


class ProjectViewSet(
    scoped_viewset(resources.ProjectResource, ProjectSerializer, ["name", "total_investment", "started_on"])
):
    @extend_schema(
        request=None,
        responses={200: dict},
        description="A project's approval compression: over its working-day procedures (in the user's scope), the "
        "baseline (statutory limits summed) and the actual working days from the first acceptance to the last "
        "completion, saved days and 压缩率; null until every one is completed. Procedures counted in calendar days "
        "are only counted (`calendar_items`). The same figures as the project's approvals page.",
    )
    @action(detail=True, methods=["get"])
    def compression(self, request, pk=None):
        project = self.get_object()
        procedures = Procedure.objects.for_user(request.user).filter(project=project).select_related("type")
        c = project_compression(procedures)
        return Response(
            {
                "project": project.pk,
                "procedures": c.count,
                "calendar_items": c.calendar_items,
                "baseline": c.baseline,
                "actual": c.actual,
                "saved": c.saved,
                "rate": exact(c.rate),
                "first_accepted": c.first_accepted and c.first_accepted.isoformat(),
                "last_completed": c.last_completed and c.last_completed.isoformat(),
                "error": c.error,
            }
        )


SuspensionViewSet = scoped_viewset(resources.SuspensionResource, SuspensionSerializer, ["suspended_on"])
AnnualPlanViewSet = scoped_viewset(resources.AnnualPlanResource, AnnualPlanSerializer, ["year", "planned_investment"])


class MonthlyReportViewSet(scoped_viewset(resources.MonthlyReportResource, MonthlyReportSerializer, ["month"])):
    @extend_schema(
        request=None,
        responses={200: MonthlyReportSerializer, 400: dict, 409: dict},
        description="审核: the zone, city or province reviews a report; where the zone keeps the four-eyes rule "
        "(双人复核) not the user who entered it. The same rules as the page's 审核通过.",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        self._require_change(report)
        try:
            report = review_report(report, user=request.user)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return Response(self.get_serializer(report).data)


class ProblemViewSet(scoped_viewset(resources.ProblemResource, ProblemSerializer, ["deadline"])):
    @extend_schema(
        request=CloseProblemSerializer,
        responses={200: ProblemSerializer, 400: dict, 409: dict},
        description="销号: close out a problem with its resolution (given here or entered before), confirmed by "
        "the zone, city or province; the same rules as the page's 确认解决并销号.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        problem = self.get_object()
        body = CloseProblemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            problem = close_problem(problem, user=request.user, resolution=body.validated_data.get("resolution"))
        except ValidationError as exc:
            raise to_drf(exc) from exc
        return Response(self.get_serializer(problem).data)

    def perform_destroy(self, instance):
        try:
            check_problem_delete(instance, user=self.request.user)
        except ValidationError as exc:
            raise to_drf(exc) from exc
        super().perform_destroy(instance)


def cohort_json(c) -> dict:
    """A cohort's follow-up (:class:`~kaifaqu.projects.rates.Cohort`) as the API gives it."""
    figures = {
        "total": c.total,
        "terminated": c.terminated,
        "started": c.started,
        "producing": c.producing,
        "at_capacity": c.at_capacity,
        "investment": c.investment,
        "started_investment": c.started_investment,
        "producing_investment": c.producing_investment,
        "expected_output": c.expected_output,
        "start_rate": c.start_rate,
        "production_rate": c.production_rate,
        "output_rate": c.output_rate,
    }
    return {k: exact(v) for k, v in figures.items()}


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="YYYY-MM-DD，默认为今天")

    def validate_as_of(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("不能查询未来日期"))
        return value


class CampaignViewSet(scoped_viewset(resources.CampaignResource, CampaignSerializer, ["held_on"])):
    @extend_schema(
        parameters=[AsOfSerializer],
        responses={200: dict, 400: dict},
        description="三个一批: the round's entries by kind (签约 / 开工 / 投产) in the user's scope and how "
        "each cohort has followed up on `as_of` (today by default): today from the projects' milestone dates, a "
        "past day as the entries and projects stood at its end, rebuilt from the change history: "
        "签约项目开工率, 开工项目投产率, 达效率; terminated projects leave the denominators. "
        "The same figures as the round's page.",
    )
    @action(detail=True, methods=["get"])
    def cohorts(self, request, pk=None):
        campaign = self.get_object()
        params = AsOfSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        summary = campaign_summary(campaign, request.user, params.validated_data.get("as_of"))
        return Response(
            {
                "campaign": campaign.pk,
                "as_of": summary["as_of"].isoformat(),
                "kinds": [{"kind": k["kind"].value, **cohort_json(k["cohort"])} for k in summary["kinds"]],
            }
        )


CampaignEntryViewSet = scoped_viewset(resources.CampaignEntryResource, CampaignEntrySerializer, ["kind"])
DispatchMeetingViewSet = scoped_viewset(resources.DispatchMeetingResource, DispatchMeetingSerializer, ["held_on"])


def _rates_json(r, links):
    return {key: exact(value) for key, value in _rates_fields(r, links).items()}


def _rates_fields(r, links):
    return {
        "label": r.label,
        "key": r.key,
        **{k: v for k, v in r.counts.items()},
        "terminated": r.terminated,
        "start_rate": r.start_rate,
        "resume_rate": r.resume_rate,
        "start_resume_rate": r.start_resume_rate,
        "planned_investment": r.planned_investment,
        "completed": r.completed,
        "completion_rate": r.completion_rate,
        "schedule": r.schedule,
        "gap": r.gap,
        "double_half": r.double_half,
        "double_half_rate": r.double_half_rate,
        "capacity_rate": r.capacity_rate,
        "projects": links,
    }


@extend_schema(
    parameters=[
        *(OpenApiParameter(n, int, required=False) for n in ("year", "month", "city", "zone", "park", "chain")),
        OpenApiParameter("period", str, required=False, description="YYYY-MM: the year and month at once"),
        OpenApiParameter("is_transformation", bool, required=False, description="转型项目 only (true) or none"),
        OpenApiParameter("key_level", str, required=False, enum=[v for v, _label in KeyLevel.choices]),
        OpenApiParameter("nature", str, required=False, enum=[v for v, _label in Nature.choices]),
        OpenApiParameter(
            "as_of",
            OpenApiTypes.DATE,
            required=False,
            description="YYYY-MM-DD: the figures as they stood at the end of that day, rebuilt from the change "
            "history (later edits, corrections and deletions left out); without drill-down links or current totals",
        ),
    ],
    responses={200: dict},
    description="三率 for the user's scope and a period (cumulative January..month). Rates are percentages with one "
    "decimal, null for an empty denominator; `projects` gives the drill-down list URL of each figure. `double_half` "
    "(双过半) is the year's end-of-June result (`double_half_rate`: June's completion rate), null before 1 July.",
)
@api_view(["GET"])
def rates_api(request):
    ctx = rates_for(request.user, request.query_params.dict())
    if "total" not in ctx:
        raise serializers.ValidationError(ctx["errors"])
    key = {"project__zone__city": "city", "project__zone": "zone", "project__park": "park"}.get(ctx["group"])
    figures = ("new_planned", "new_started", "cont_planned", "cont_resumed", "started_or_resumed", "terminated")

    def links(params):
        return {f: drill_url(params, f) for f in figures} if params is not None else {}

    if ctx["as_of"]:  # rebuilt from the history: no drill-down into today's lists, no current totals
        return Response(
            {
                "period": {"year": ctx["period"].year, "month": ctx["period"].month},
                "as_of": ctx["as_of"].isoformat(),
                "total": _rates_json(ctx["total"], {}),
                "units": [_rates_json(u, {}) for u in ctx["units"]],
            }
        )
    return Response(
        {
            "period": {"year": ctx["period"].year, "month": ctx["period"].month},
            "as_of": None,
            "totals": {k: exact(v) for k, v in ctx["totals"].as_dict().items()},
            "commitment": {
                "filed_projects": ctx["commitment"].filed,
                "commitment_projects": ctx["commitment"].commitment,
                "commitment_share": exact(ctx["commitment"].rate),
            },
            "total": _rates_json(ctx["total"], links(ctx["base"])),
            "units": [
                _rates_json(u, links({**ctx["base"], key: u.key} if key and u.key else None)) for u in ctx["units"]
            ],
        }
    )
