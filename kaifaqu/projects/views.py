"""Project pages beyond the generic registry views: rates, the 挂图作战 board, report review and
correction, problem close-out, campaign summaries."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaifaqu.approvals.services import commitment_share
from kaifaqu.core.asof import Snapshot, first_recorded
from kaifaqu.core.excel import table_workbook
from kaifaqu.core.forms import add_errors, add_period_picker, clean_period, style_fields, with_period
from kaifaqu.core.scoping import can_write, scope_for
from kaifaqu.core.views import DeleteView, refuse_outside_scope, xlsx_response
from kaifaqu.zones.models import City, IndustryChain, Park, Zone

from . import rates, services
from .forms import CorrectionForm
from .models import (
    MILESTONES,
    AnnualPlan,
    CampaignEntry,
    EntryKind,
    KeyLevel,
    MonthlyReport,
    Nature,
    Problem,
    Project,
)
from .resources import summed
from .status import COLOURS, annotate_status


class RatesForm(forms.Form):
    """Period and scope of a rates view; every choice limited to the user's scope."""

    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("截至月份"), min_value=1, max_value=12)
    city = forms.ModelChoiceField(
        queryset=City.objects.none(), required=False, label=gettext_lazy("地市"), empty_label=gettext_lazy("全部")
    )
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.none(), required=False, label=gettext_lazy("开发区"), empty_label=gettext_lazy("全部")
    )
    park = forms.ModelChoiceField(
        queryset=Park.objects.none(), required=False, label=gettext_lazy("园区"), empty_label=gettext_lazy("全部")
    )
    chain = forms.ModelChoiceField(
        queryset=IndustryChain.objects.none(),
        required=False,
        label=gettext_lazy("产业链"),
        empty_label=gettext_lazy("全部"),
    )

    is_transformation = forms.TypedChoiceField(
        label=gettext_lazy("转型项目"),
        required=False,
        choices=[("", gettext_lazy("全部")), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))],
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    key_level = forms.ChoiceField(
        label=gettext_lazy("重点级别"), required=False, choices=[("", gettext_lazy("全部")), *KeyLevel.choices]
    )
    nature = forms.ChoiceField(
        label=gettext_lazy("建设性质"), required=False, choices=[("", gettext_lazy("全部")), *Nature.choices]
    )
    as_of = forms.DateField(
        label=gettext_lazy("按某日台账"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("留空为当前台账；填写则按变更记录重算该日结束时的数字"),
    )

    def __init__(self, data, *, user):
        super().__init__(with_period(data))
        for name, model in (("city", City), ("zone", Zone), ("park", Park), ("chain", IndustryChain)):
            self.fields[name].queryset = model.objects.for_user(user).order_by("pk")
        add_period_picker(self)
        style_fields(self)

    def clean(self):
        data = clean_period(self, super().clean())
        year, month = data.get("year"), data.get("month")
        if year and month and datetime.date(year, month, 1) > timezone.localdate().replace(day=1):
            raise ValidationError(_("不能查询未来月份"))
        if data.get("as_of") and data["as_of"] > timezone.localdate():
            self.add_error("as_of", _("不能查询未来日期"))
        return data


def _rebuilt_rates(cd, user, period, group, narrowed, kinds):
    """The rates as they stood at the end of ``cd["as_of"]``, from the change history: the same narrowing (place,
    park, chain, kind of project) applied to the rebuilt projects, the total and each unit of ``group``."""
    snapshot = Snapshot(cd["as_of"])
    zones = Zone.objects.for_user(user)
    if "city" in narrowed:
        zones = zones.filter(city=narrowed["city"])
    if "zone" in narrowed:
        zones = zones.filter(pk=narrowed["zone"].pk)
    city_of = dict(zones.values_list("pk", "city_id"))
    wanted = {f"{name}_id": narrowed[name].pk for name in ("park", "chain") if name in narrowed}
    wanted |= {name: cd[name] for name in kinds}

    def keep(p):
        return p.zone_id in city_of and all(getattr(p, k) == v for k, v in wanted.items())

    if group is None:
        return rates.rebuilt(snapshot, period, keep), []
    unit_of = {
        "project__zone__city": lambda p: city_of[p.zone_id],
        "project__zone": lambda p: p.zone_id,
        "project__park": lambda p: p.park_id,
    }[group]
    return rates.rebuilt_grouped(snapshot, period, keep, unit_of)


def rates_for(user, params) -> dict:
    """Rates of the user's scope narrowed by ``params`` (year, month, city, zone, park, chain), broken down by
    the next unit down (province → cities, city → zones, zone → parks). Used by the page and the API."""
    refuse_outside_scope(user, params, city=City, zone=Zone, park=Park, chain=IndustryChain)
    default = rates.reporting_period(timezone.localdate())
    data = {"year": default.year, "month": default.month, **{k: v for k, v in params.items() if v not in (None, "")}}
    form = RatesForm(data, user=user)
    if not form.is_valid():
        return {"form": form, "errors": form.errors}
    cd = form.cleaned_data
    period = rates.Period(cd["year"], cd["month"])
    plans = AnnualPlan.objects.for_user(user)
    projects = Project.objects.for_user(user)
    narrowed = {}
    for name, lookup in (("city", "zone__city"), ("zone", "zone"), ("park", "park"), ("chain", "chain")):
        if cd.get(name):
            plans = plans.filter(**{f"project__{lookup}": cd[name]})
            projects = projects.filter(**{lookup: cd[name]})
            narrowed[name] = cd[name]
    kinds = {}  # the kind of project (转型, level, nature): narrows the set, keeps the breakdown by place
    for name in ("is_transformation", "key_level", "nature"):
        if cd.get(name) not in (None, ""):
            plans = plans.filter(**{f"project__{name}": cd[name]})
            projects = projects.filter(**{name: cd[name]})
            kinds[name] = "true" if cd[name] is True else "false" if cd[name] is False else cd[name]
    if "zone" in narrowed or scope_for(user).zone_id:
        group, model = "project__park", Park
    elif "city" in narrowed or scope_for(user).city_id:
        group, model = "project__zone", Zone
    else:
        group, model = "project__zone__city", City
    if "park" in narrowed or "chain" in narrowed:
        group, model = None, None
    labels = {}
    recorded_from = None
    if cd.get("as_of"):
        total, units = _rebuilt_rates(cd, user, period, group, narrowed, kinds)
        recorded_from = first_recorded(AnnualPlan)
    else:
        total, units = rates.compute(plans, projects, period, group_by=group)
    in_plan = projects.filter(pk__in=plans.filter(year=period.year).values("project_id"))
    if model is not None:
        labels = {o.pk: str(o) for o in model.objects.filter(pk__in=[u.key for u in units if u.key])}
        for u in units:
            u.label = labels.get(u.key, _("未分园区") if model is Park else "—")
    base = {"year": period.year, "month": period.month, **{k: v.pk for k, v in narrowed.items()}, **kinds}
    return {
        "form": form,
        "period": period,
        "as_of": cd.get("as_of"),
        "recorded_from": recorded_from if recorded_from and cd.get("as_of") < recorded_from else None,
        "total": total,
        "units": units,
        "group": group,
        "base": base,
        "totals": rates.totals(in_plan, period),  # what the year's planned projects of the set add up to
        "commitment": commitment_share(projects, period.start, period.end),
    }


def drill_url(base: dict, figure: str, **extra) -> str:
    params = {k: v for k, v in {**base, **extra, "figure": figure}.items() if k not in ("park", "chain") or v}
    return reverse("project_list") + "?" + urlencode(params)


@login_required
def rates_page(request):
    ctx = rates_for(request.user, request.GET.dict())
    ctx["title"] = _("三率统计")
    if "total" in ctx and ctx["as_of"]:
        # Figures rebuilt from the history: no drill-down (the lists show today's records) and no current totals.
        rows = [*ctx["units"], ctx["total"]]
        ctx["rows"] = [{"rates": r, "links": {}} for r in rows]
    elif "total" in ctx:
        ctx["list_totals"] = summed(ctx["totals"], year=False)
        share = ctx["commitment"]
        ctx["list_totals"].shown.append(
            (
                _("承诺制项目占比"),
                _("%(r)s（%(c)s/%(n)s 个报建项目）")
                % {"r": "—" if share.rate is None else f"{share.rate}%", "c": share.commitment, "n": share.filed},
            )
        )
        key = {"project__zone__city": "city", "project__zone": "zone", "project__park": "park"}.get(ctx["group"])
        # A unit without a key (projects in no park) has no drill-down of its own.
        rows = [(u, {**ctx["base"], key: u.key} if key and u.key else None) for u in ctx["units"]]
        rows.append((ctx["total"], ctx["base"]))
        figures = (
            "new_planned",
            "new_started",
            "cont_planned",
            "cont_resumed",
            "planned",
            "started_or_resumed",
            "not_started",
            "terminated",
            "capacity_due",
            "capacity_reached",
        )
        ctx["rows"] = [
            {"rates": r, "links": {f: drill_url(params, f) for f in figures} if params is not None else {}}
            for r, params in rows
        ]
    if "total" in ctx and request.GET.get("export") == "xlsx":
        headers = [
            _("单位"),
            _("新开工计划"),
            _("已开工"),
            _("开工率（%）"),
            _("续建"),
            _("已复工"),
            _("复工率（%）"),
            _("开复工率（%）"),
            _("终止"),
            _("年度计划投资（万元）"),
            _("完成投资（万元）"),
            _("投资完成率（%）"),
            _("较序时进度（百分点）"),
            _("应达效"),
            _("已达效"),
            _("项目达产率（%）"),
        ]
        rows = [
            [
                r.label,
                r.new_planned,
                r.new_started,
                r.start_rate,
                r.cont_planned,
                r.cont_resumed,
                r.resume_rate,
                r.start_resume_rate,
                r.terminated,
                r.planned_investment,
                r.completed,
                r.completion_rate,
                r.gap,
                r.capacity_due,
                r.capacity_reached,
                r.capacity_rate,
            ]
            for r in (row["rates"] for row in ctx["rows"])
        ]
        name = f"三率-{ctx['period'].year}-{ctx['period'].month:02d}.xlsx"
        return xlsx_response(table_workbook(_("三率"), headers, rows), name)
    ctx["export_url"] = "?" + urlencode({**request.GET.dict(), "export": "xlsx"})
    return render(request, "projects/rates.html", ctx, status=200 if "total" in ctx else 400)


@login_required
def board(request):
    """挂图作战: a zone's key projects against their milestones on a time axis."""
    zones = Zone.objects.for_user(request.user).order_by("name")
    zone_id = request.GET.get("zone") or (request.user.zone_id if scope_for(request.user).zone_id else None)
    zone = get_object_or_404(zones, pk=zone_id) if zone_id else zones.first()
    if zone is None:
        raise Http404
    projects = annotate_status(Project.objects.for_user(request.user).filter(zone=zone).exclude(key_level=""))
    projects = projects.exclude(terminated_on__isnull=False).order_by("planned_start_on", "name")
    today = timezone.localdate()
    rows = []
    for p in projects:
        rows.append(
            {
                "name": p.name,
                "url": reverse("project_detail", args=[p.pk]),
                "colour": p.colour,
                "hex": COLOURS[p.colour].hex,
                "key_level": KeyLevel(p.key_level).label if p.key_level else "",
                "planned": [
                    d.isoformat() if d else None
                    for d in (p.planned_sign_on, p.planned_start_on, p.planned_production_on, p.planned_capacity_on)
                ],
                "actual": [
                    d.isoformat() if d else None for d in (p.signed_on, p.started_on, p.producing_on, p.capacity_on)
                ],
            }
        )
    ctx = {
        "title": _("挂图作战"),
        "zone": zone,
        "zones": zones,
        "rows": rows,
        "today": today.isoformat(),
        "labels": [str(label) for _s, _p, _a, label in MILESTONES],
    }
    return render(request, "projects/board.html", ctx)


def _report_for(request, pk) -> MonthlyReport:
    return get_object_or_404(MonthlyReport.objects.for_user(request.user), pk=pk)


@login_required
@require_POST
def review_report(request, pk):
    report = _report_for(request, pk)
    if not can_write(request.user, MonthlyReport):
        raise PermissionDenied
    try:
        services.review_report(report, user=request.user)
        messages.success(request, _("已审核：%(r)s") % {"r": report})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("monthlyreport_detail", pk=report.pk)


@login_required
def correct_report(request, pk):
    report = _report_for(request, pk)
    if scope_for(request.user).role not in ("province", "city", "zone") and not request.user.is_superuser:
        raise PermissionDenied(_("报表更正须由开发区办理"))
    initial = {f: getattr(report, f) for f in services.FIGURES} | {"version": report.updated_at.isoformat()}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in services.FIGURES}
        try:
            services.correct_report(
                report,
                user=request.user,
                values=values,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已更正并记录：%(r)s") % {"r": report})
            return redirect("monthlyreport_detail", pk=report.pk)
    ctx = {"form": form, "object": report, "title": _("更正报表：%(r)s") % {"r": report}}
    return render(request, "projects/report_correct.html", ctx, status=400 if form.errors else 200)


@login_required
@require_POST
def close_problem(request, pk):
    problem = get_object_or_404(Problem.objects.for_user(request.user), pk=pk)
    try:
        services.close_problem(problem, user=request.user, resolution=request.POST.get("resolution"))
        messages.success(request, _("已销号：%(p)s") % {"p": problem})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("problem_detail", pk=problem.pk)


class ProblemDeleteView(DeleteView):
    """The generic delete, refused where deleting would close a problem out without the zone."""

    def post(self, request, pk):
        self.require_write()  # a role that may not delete is refused before the record is looked up
        problem = self.get_object(pk)
        try:
            services.check_problem_delete(problem, user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("problem_detail", pk=pk)
        return super().post(request, pk)


def campaign_summary(campaign, user, as_of: datetime.date | None = None) -> dict:
    """Totals of a round by kind and the follow-up of its cohorts, for the user's scope, on ``as_of`` (today by
    default): today from the projects' milestone dates, a past day from the change history as the records stood at
    its end."""
    today = timezone.localdate()
    day = as_of or today
    entries = CampaignEntry.objects.for_user(user).filter(campaign=campaign)
    if day < today:
        cohort_of = _rebuilt_cohorts(campaign, user, day)
    else:

        def cohort_of(kind):
            return rates.cohort(Project.objects.filter(pk__in=entries.filter(kind=kind).values("project_id")), day)

    kinds = [
        {
            "kind": kind,
            "cohort": cohort_of(kind),
            "url": reverse("campaignentry_list") + f"?campaign={campaign.pk}&kind={kind.value}",
        }
        for kind in EntryKind
    ]
    return {"kinds": kinds, "as_of": day}


def _rebuilt_cohorts(campaign, user, day: datetime.date):
    """A round's cohorts as they stood at the end of a past ``day``, from the change history: the entries it had
    then, their projects as they were (a start or a termination entered later, even back-dated, is left out)."""
    snapshot = Snapshot(day)
    entries = [e for e in snapshot.rows(CampaignEntry).values() if e.campaign_id == campaign.pk]
    ids = {e.project_id for e in entries}
    visible = set(Project.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))

    def cohort_of(kind):
        chosen = [e.project_id for e in entries if e.kind == kind and e.project_id in visible]
        return rates.cohort_rebuilt(snapshot, chosen, day)

    return cohort_of


def problem_reminder(request):
    """Home-page reminder: problems past their deadline and not closed out."""
    count = Problem.objects.for_user(request.user).filter(Problem.overdue_q(timezone.localdate())).count()
    return [(_("问题清单逾期未销号"), count, "/problems/?overdue=true")]


def home_panels(request, today: datetime.date) -> list:
    """To-do panels: a zone's reports to file and to review and its open problems; an enterprise's projects, the
    reports it must file and its problems."""
    from kaifaqu.core.home import Panel, Row
    from kaifaqu.core.scoping import Role

    from .models import ProblemStatus, ReportStatus
    from .resources import colour_badge, stage_label

    role = scope_for(request.user).role
    if role not in (Role.ZONE, Role.ENTERPRISE):
        return []
    user = request.user
    period = rates.reporting_period(today)
    month = formats.date_format(period.last_month, "YEAR_MONTH_FORMAT")
    projects = Project.objects.for_user(user).select_related("zone")
    panels = []
    if role == Role.ENTERPRISE:
        mine = annotate_status(projects, today=today).order_by("name")
        panels.append(
            Panel.of(
                "projects",
                _("我的项目"),
                mine,
                reverse("project_list"),
                lambda p: Row(p.name, reverse("project_detail", args=[p.pk]), str(stage_label(p)), colour_badge(p)),
                order=10,
            )
        )
    due = projects.filter(Project.report_due_q(period)).order_by("zone__name", "name")
    panels.append(
        Panel.of(
            "reports_due",
            _("待填报的月报（%(m)s）") % {"m": month},
            due,
            reverse("project_list") + "?report_due=true",
            lambda p: Row(p.name, reverse("monthlyreport_add") + f"?project={p.pk}", p.zone.display_name),
            order=20,
        )
    )
    if role == Role.ZONE:
        to_review = MonthlyReport.objects.for_user(user).filter(status=ReportStatus.SUBMITTED)
        panels.append(
            Panel.of(
                "reports_to_review",
                _("待审核的月报"),
                to_review.select_related("project").order_by("month", "project__name"),
                reverse("monthlyreport_list") + "?status=submitted",
                lambda r: Row(
                    r.project.name,
                    reverse("monthlyreport_detail", args=[r.pk]),
                    formats.date_format(r.month, "YEAR_MONTH_FORMAT"),
                ),
                order=30,
            )
        )
    overdue = Problem.overdue_q(today)
    problems = (
        Problem.objects.for_user(user)
        .exclude(status=ProblemStatus.CLOSED)
        .select_related("project")
        .annotate(late=Case(When(overdue, then=True), default=False, output_field=BooleanField()))
        .order_by("deadline", "pk")
    )

    def problem_row(p):
        badge = format_html('<span class="badge text-bg-danger">{}</span>', _("逾期")) if p.late else ""
        detail = _("%(unit)s · 时限 %(d)s") % {"unit": p.owner_unit, "d": formats.date_format(p.deadline)}
        text = f"{p.project.name}：{p.get_category_display()}"
        return Row(text, reverse("problem_detail", args=[p.pk]), detail, badge)

    panels.append(
        Panel.of(
            "problems", _("未销号的问题"), problems, reverse("problem_list") + "?closed=false", problem_row, order=40
        )
    )
    return panels
