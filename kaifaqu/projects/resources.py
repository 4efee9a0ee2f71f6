"""How the project records appear in pages."""

from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaifaqu.approvals.models import Procedure
from kaifaqu.core.fields import month_label
from kaifaqu.core.views import Col, Related, Resource, Totals
from kaifaqu.lib.units import WAN_PER_YI, wan_to_yi
from kaifaqu.promotion.models import Lead

from . import filters, forms, rates, sheets
from .models import (
    MILESTONES,
    AnnualPlan,
    Campaign,
    CampaignEntry,
    DispatchMeeting,
    MonthlyReport,
    Problem,
    Project,
    Stage,
    Suspension,
)
from .status import COLOURS, annotate_status


def colour_badge(obj):
    colour = COLOURS[getattr(obj, "colour", "none")]
    return format_html('<span class="badge text-bg-{}">{}</span>', colour.badge, colour.label)


def money_text(wan) -> str:
    """An amount for a sentence: 亿元 from 1 亿 up (379.85 亿元), 万元 below (9537.13 万元), two decimals."""
    if abs(wan) >= WAN_PER_YI:
        return str(_("%(v)s 亿元") % {"v": wan_to_yi(wan)})
    return str(_("%(v)s 万元") % {"v": wan})


def share_text(value) -> str:
    return "—" if value is None else f"{value}%"


def summed(t: rates.Totals, year: bool = True) -> Totals:
    """A set of projects' :class:`~kaifaqu.projects.rates.Totals` as the list and the rates page show them; the
    rates page leaves out the year's figures (``year=False``), which its table gives per unit."""
    shown = [
        (_("项目"), str(_("%(n)s 个") % {"n": t.count})),
        (_("总投资"), money_text(t.total_investment)),
        (_("开工以来累计完成"), money_text(t.since_start)),
        (_("占总投资"), share_text(t.since_start_share)),
        (str(_("%(p)s完成投资") % {"p": t.period.label()}), money_text(t.year_to_date)),
        (str(_("%(y)s年计划投资") % {"y": t.period.year}), money_text(t.planned)),
        (_("投资完成率"), share_text(t.completion_rate)),
    ]
    return Totals(t.as_dict(), shown if year else shown[:4])


def stage_label(obj):
    value = getattr(obj, "stage_value", None) or obj.stage
    return Stage(value).label


class ProjectResource(Resource):
    model = Project
    url_prefix = "projects"
    filterset_class = filters.ProjectFilterSet
    form_class = forms.ProjectForm
    sheet_class = sheets.ProjectSheet
    detail_template = "projects/project_detail.html"
    list_columns = [
        Col("name", link=True),
        Col("code"),
        Col("zone", sort="zone__name"),
        Col("stage", header=_("阶段"), sort="stage_value", render=stage_label),
        Col("colour", header=_("状态"), sort="colour", render=colour_badge),
        Col("key_level"),
        Col("total_investment"),
        Col("started_on"),
        Col("liaison_leader"),
    ]
    list_select_related = ("zone",)

    @classmethod
    def totals(cls, qs, params):
        """The filtered projects' count, total investment, completed since start (and its share of the total), and
        the period's year-to-date completed against the year's plan."""
        return summed(rates.totals(qs, rates.period_from(params, timezone.localdate())))

    detail_fields = (
        "code",
        "name",
        "enterprise",
        "zone",
        "park",
        "chain",
        "nature",
        "is_transformation",
        "key_level",
        "total_investment",
        "land_area",
        "expected_output",
        "expected_tax",
        "actual_output",
        "liaison_leader",
        "construction_content",
        "termination_reason",
    )

    @classmethod
    def queryset(cls, user):
        return annotate_status(super().queryset(user))

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("projects/rates/", views.rates_page, name="project_rates"),
            path("projects/board/", views.board, name="project_board"),
        ]

    @classmethod
    def detail_context(cls, obj, request):
        today = timezone.localdate()
        milestones = []
        for stage, planned, actual, label in MILESTONES:
            p, a = getattr(obj, planned), getattr(obj, actual)
            late = (a - p).days if (a and p) else ((today - p).days if (p and not a and p < today) else None)
            milestones.append({"stage": stage, "label": label, "planned": p, "actual": a, "late": late})
        reports = list(obj.reports.order_by("month").prefetch_related("corrections"))
        chart = {
            "months": [month_label(r.month) for r in reports],
            "this_month": [str(r.this_month) for r in reports],
            "since_start": [str(r.since_start) for r in reports],
        }
        return {
            "milestones": milestones,
            "suspensions": obj.suspensions.all(),
            "plans": obj.plans.order_by("-year"),
            "reports": reversed(reports),
            "chart": chart,
            "problems": obj.problem_items.order_by("status", "deadline"),
            "entries": obj.campaign_entries.select_related("campaign"),
            "leads": Lead.objects.for_user(request.user).filter(project=obj),
            "procedure_count": Procedure.objects.for_user(request.user).filter(project=obj).count(),
            "today": today,
        }


class SuspensionResource(Resource):
    model = Suspension
    url_prefix = "suspensions"
    filterset_class = filters.SuspensionFilterSet
    form_class = forms.SuspensionForm
    sheet_class = sheets.SuspensionSheet
    list_columns = [
        Col("project", sort="project__name"),
        Col("suspended_on", link=True),
        Col("resumed_on"),
        Col("reason"),
    ]
    list_select_related = ("project",)


class AnnualPlanResource(Resource):
    model = AnnualPlan
    url_prefix = "plans"
    filterset_class = filters.AnnualPlanFilterSet
    form_class = forms.AnnualPlanForm
    sheet_class = sheets.AnnualPlanSheet
    list_columns = [
        Col("year", link=True),
        Col("project", sort="project__name"),
        Col("project.zone", sort=""),
        Col("kind"),
        Col("planned_investment"),
        Col("resumed_on"),
    ]
    list_select_related = ("project__zone",)


class MonthlyReportResource(Resource):
    model = MonthlyReport
    url_prefix = "reports"
    filterset_class = filters.MonthlyReportFilterSet
    form_class = forms.MonthlyReportForm
    sheet_class = sheets.MonthlyReportSheet
    detail_template = "projects/report_detail.html"
    list_columns = [
        Col("month", render=lambda r: month_label(r.month), link=True),
        Col("project", sort="project__name"),
        Col("this_month"),
        Col("year_to_date"),
        Col("since_start"),
        Col("status"),
    ]
    list_select_related = ("project",)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("reports/<int:pk>/review/", views.review_report, name="monthlyreport_review"),
            path("reports/<int:pk>/correct/", views.correct_report, name="monthlyreport_correct"),
        ]

    @classmethod
    def detail_context(cls, obj, request):
        from .services import may_review

        return {
            "corrections": obj.corrections.select_related("corrected_by"),
            "locked": obj.is_locked,
            "may_review": may_review(obj, request.user),  # not to whoever entered it (双人复核)
        }


class ProblemResource(Resource):
    model = Problem
    url_prefix = "problems"
    filterset_class = filters.ProblemFilterSet
    form_class = forms.ProblemForm
    sheet_class = sheets.ProblemSheet
    detail_template = "projects/problem_detail.html"
    list_columns = [
        Col("project", sort="project__name"),
        Col("category", link=True),
        Col("description"),
        Col("owner_unit"),
        Col(
            "deadline",
            render=lambda p: format_html(
                '<span class="{}">{}</span>', "text-danger fw-bold" if p.is_overdue else "", p.deadline
            ),
        ),
        Col("status"),
    ]
    list_select_related = ("project",)

    @classmethod
    def extra_urls(cls):
        from . import views

        return [
            path("problems/<int:pk>/close/", views.close_problem, name="problem_close"),
            # Before the generic delete of the same path and name: an enterprise may not delete a problem.
            path("problems/<int:pk>/delete/", views.ProblemDeleteView.as_view(resource=cls), name="problem_delete"),
        ]

    @classmethod
    def detail_context(cls, obj, request):
        from .services import may_close

        return {"may_close": may_close(obj, request.user)}  # not to whoever raised it (双人复核)


class CampaignResource(Resource):
    model = Campaign
    url_prefix = "campaigns"
    filterset_class = filters.CampaignFilterSet
    form_class = forms.CampaignForm
    sheet_class = sheets.CampaignSheet
    detail_template = "projects/campaign_detail.html"
    list_columns = [Col("held_on", link=True), Col("name", link=True), Col("level"), Col("city")]
    related = [Related(_("活动项目"), "entries", ("project", "kind"))]

    @classmethod
    def detail_context(cls, obj, request):
        from .views import campaign_summary

        return campaign_summary(obj, request.user)


class CampaignEntryResource(Resource):
    model = CampaignEntry
    url_prefix = "campaign-entries"
    filterset_class = filters.CampaignEntryFilterSet
    form_class = forms.CampaignEntryForm
    sheet_class = sheets.CampaignEntrySheet
    list_columns = [
        Col("campaign", sort="campaign__held_on"),
        Col("kind", link=True),
        Col("project", sort="project__name"),
        Col("project.total_investment", sort=""),
    ]
    list_select_related = ("campaign", "project")


class DispatchMeetingResource(Resource):
    model = DispatchMeeting
    url_prefix = "meetings"
    filterset_class = filters.DispatchMeetingFilterSet
    form_class = forms.DispatchMeetingForm
    sheet_class = sheets.DispatchMeetingSheet
    list_columns = [Col("held_on", link=True), Col("title", link=True), Col("zone", sort="zone__name"), Col("chair")]
    list_select_related = ("zone",)
    related = [Related(_("调度项目"), "projects", ("name", "zone"))]
