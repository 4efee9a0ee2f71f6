"""How the approval records appear in pages."""

from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.scoping import Role, scope_for
from kaifaqu.core.views import Col, Resource

from . import filters, forms, sheets
from .models import Bundle, CalendarYear, Commitment, Holiday, Procedure, ProcedurePause, ProcedureType, ServiceLog
from .services import clock

INTERNAL_FIELDS = ("notes",)

BADGES = {
    "running": "success",
    "done": "success",
    "due_soon": "warning",
    "paused": "info",
    "overdue": "danger",
    "done_late": "danger",
    "error": "dark",
    "waiting": "secondary",
}


def clock_badge(procedure):
    c = clock(procedure)
    days = c.remaining_text or c.elapsed_text
    extra = f" · {days}" if days else ""
    return format_html(
        '<span class="badge text-bg-{}" title="{}">{}{}</span>', BADGES[c.status], c.error, c.label, extra
    )


class ProcedureResource(Resource):
    model = Procedure
    url_prefix = "procedures"
    filterset_class = filters.ProcedureFilterSet
    form_class = forms.ProcedureForm
    sheet_class = sheets.ProcedureSheet
    detail_template = "approvals/procedure_detail.html"
    list_columns = [
        Col("project", sort="project__name"),
        Col("type", link=True, sort="type__name"),
        Col("mode"),
        Col("accepted_on"),
        Col("due_on"),
        Col("completed_on"),
        Col("clock", header=_("计时"), sort="due_on", render=clock_badge),
        Col("agent", sort="agent__username"),
    ]
    list_select_related = ("project", "type", "agent")
    list_prefetch_related = ("pauses",)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("procedures/<int:pk>/resume/", views.resume_procedure, name="procedure_resume"),
            path("procedures/project/<int:pk>/", views.project_procedures, name="procedure_project"),
            path("approvals/agents/", views.agents, name="approvals_agents"),
            path("approvals/stats/", views.stats, name="approvals_stats"),
            path("approvals/reminders/", views.reminders, name="approvals_reminders"),
            path("approvals/mine/", views.enterprise_progress, name="approvals_mine"),
        ]

    @classmethod
    def visible_fields(cls, user, names):
        """Enterprises follow their procedures but never read the agency centre's internal notes."""
        if scope_for(user).role == Role.ENTERPRISE:
            return [n for n in names if n not in INTERNAL_FIELDS]
        return names

    @classmethod
    def detail_context(cls, obj, request):
        c = clock(obj)
        return {
            "clock": c,
            # One action at a time: resume while a pause is open, pause while the clock runs.
            "can_pause": bool(obj.accepted_on) and not obj.completed_on and c.status != "paused",
            "pauses": obj.pauses.all(),
            "commitment": Commitment.objects.filter(procedure=obj).first(),
        }


class ProcedureTypeResource(Resource):
    model = ProcedureType
    url_prefix = "procedure-types"
    filterset_class = filters.ProcedureTypeFilterSet
    form_class = forms.ProcedureTypeForm
    sheet_class = sheets.ProcedureTypeSheet
    list_columns = [
        Col("name", link=True),
        Col("stage"),
        Col("authority"),
        Col("limit_days"),
        Col("day_kind"),
        Col("extension_days"),
        Col("allows_commitment"),
        Col("is_active"),
    ]


class CalendarYearResource(Resource):
    model = CalendarYear
    url_prefix = "calendar-years"
    filterset_class = filters.CalendarYearFilterSet
    form_class = forms.CalendarYearForm
    sheet_class = sheets.CalendarYearSheet
    list_columns = [Col("year", link=True), Col("source")]


class HolidayResource(Resource):
    model = Holiday
    url_prefix = "holidays"
    filterset_class = filters.HolidayFilterSet
    form_class = forms.HolidayForm
    sheet_class = sheets.HolidaySheet
    list_columns = [Col("date", link=True), Col("kind"), Col("name")]


class PauseResource(Resource):
    model = ProcedurePause
    url_prefix = "pauses"
    filterset_class = filters.PauseFilterSet
    form_class = forms.PauseForm
    sheet_class = sheets.PauseSheet
    list_columns = [
        Col("procedure", sort="procedure__project__name"),
        Col("paused_on", link=True),
        Col("resumed_on"),
        Col("reason"),
    ]
    list_select_related = ("procedure__project", "procedure__type")


class CommitmentResource(Resource):
    model = Commitment
    url_prefix = "commitments"
    filterset_class = filters.CommitmentFilterSet
    form_class = forms.CommitmentForm
    sheet_class = sheets.CommitmentSheet
    list_columns = [
        Col("procedure", sort="procedure__project__name"),
        Col("promise", link=True),
        Col("due_on"),
        Col("status"),
    ]
    list_select_related = ("procedure__project", "procedure__type")


class BundleResource(Resource):
    model = Bundle
    url_prefix = "bundles"
    filterset_class = filters.BundleFilterSet
    form_class = forms.BundleForm
    sheet_class = sheets.BundleSheet
    list_columns = [
        Col("project", sort="project__name"),
        Col("name", link=True),
        Col("planned_on"),
        Col("issued_on"),
        Col("status"),
    ]
    list_select_related = ("project",)


class ServiceLogResource(Resource):
    model = ServiceLog
    url_prefix = "service-logs"
    filterset_class = filters.ServiceLogFilterSet
    form_class = forms.ServiceLogForm
    sheet_class = sheets.ServiceLogSheet
    list_columns = [Col("served_on", link=True), Col("project", sort="project__name"), Col("agent"), Col("content")]
    list_select_related = ("project", "agent")
