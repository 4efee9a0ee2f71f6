"""Agency-centre pages: project approvals with compression, agents roster and workload, statistics,
reminders, the enterprise's phone page and the public progress query."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaifaqu.accounts.models import User
from kaifaqu.core.excel import table_workbook
from kaifaqu.core.forms import style_fields
from kaifaqu.core.scoping import Role, can_write, scope_for
from kaifaqu.core.views import xlsx_response
from kaifaqu.lib.units import percent
from kaifaqu.projects.models import Project
from kaifaqu.zones.models import Zone

from . import services, throttle
from .filters import status_q
from .models import Commitment, Procedure, ProgressAccess
from .services import compressible


def _rows(procedures):
    return [{"p": p, "clock": services.clock(p)} for p in procedures]


@login_required
@require_POST
def resume_procedure(request, pk):
    procedure = get_object_or_404(Procedure.objects.for_user(request.user), pk=pk)
    if not can_write(request.user, Procedure):
        raise PermissionDenied
    try:
        on = datetime.date.fromisoformat(request.POST.get("resumed_on", ""))
    except ValueError:
        messages.error(request, _("恢复日期格式应为 YYYY-MM-DD"))
        return redirect("procedure_detail", pk=pk)
    try:
        services.resume(procedure, on)
        messages.success(request, _("已恢复计时"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("procedure_detail", pk=pk)


@login_required
def project_procedures(request, pk):
    """A project's approvals on one page: every procedure's clock and the project's compression."""
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    procedures = list(
        Procedure.objects.for_user(request.user)
        .filter(project=project)
        .select_related("type", "agent")
        .prefetch_related("pauses")
        .order_by("type__stage", "pk")
    )
    access = ProgressAccess.objects.filter(project=project).first()
    if access is None and can_write(request.user, ProgressAccess) and scope_for(request.user).role != Role.AGENT:
        access = ProgressAccess.objects.create(project=project)
    ctx = {
        "title": _("审批进度：%(p)s") % {"p": project},
        "project": project,
        "rows": _rows(procedures),
        "compression": services.project_compression(procedures),
        "access": access,
    }
    return render(request, "approvals/project_procedures.html", ctx)


@login_required
def agents(request):
    """The agency centre roster with each person's workload."""
    today = timezone.localdate()
    people = User.objects.for_user(request.user).filter(role=Role.AGENT).select_related("zone")
    people = people.annotate(
        open_count=Count("procedures", filter=status_q("open", today, prefix="procedures__")),
        overdue_count=Count("procedures", filter=status_q("overdue", today, prefix="procedures__")),
        due_soon_count=Count("procedures", filter=status_q("due_soon", today, prefix="procedures__")),
        done_count=Count("procedures", filter=Q(procedures__completed_on__isnull=False)),
    ).order_by("zone__name", "-agent_rank", "username")
    if request.GET.get("export") == "xlsx":
        headers = [_("开发区"), _("姓名"), _("岗位"), _("在办"), _("即将到期"), _("已超期"), _("已办结")]
        rows = [
            [
                str(u.zone),
                str(u),
                u.get_agent_rank_display(),
                u.open_count,
                u.due_soon_count,
                u.overdue_count,
                u.done_count,
            ]
            for u in people
        ]
        return xlsx_response(table_workbook(_("代办人员"), headers, rows), "代办中心人员.xlsx")
    return render(request, "approvals/agents.html", {"title": _("代办中心人员与工作量"), "people": people})


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("起始日期不能晚于截止日期"))
        return data


def _stats(queryset, group: str, today):
    """Items handled, average working days used and compression (working-day items only), overdue count, grouped
    in the database."""
    done = Q(completed_on__isnull=False, days_used__isnull=False)
    counted = done & compressible()
    rows = (
        queryset.values(group)
        .annotate(
            handled=Count("pk", filter=done),
            avg_days=Avg("days_used", filter=counted),
            limit_sum=Sum("type__limit_days", filter=counted),
            used_sum=Sum("days_used", filter=counted),
            late=Count("pk", filter=done & status_q("done_late", today)),
            overdue=Count("pk", filter=status_q("overdue", today)),
        )
        .order_by(group)
    )
    out = []
    for r in rows:
        limit, used = r["limit_sum"] or 0, r["used_sum"] or 0
        r["compression"] = percent(limit - used, limit) if limit else None
        out.append(r)
    return out


@login_required
def stats(request):
    today = timezone.localdate()
    default = {"start": today.replace(month=1, day=1), "end": today}
    form = PeriodForm({**default, **request.GET.dict()})
    ctx = {"title": _("代办统计"), "form": form}
    if form.is_valid():
        period = Procedure.objects.for_user(request.user).filter(
            Q(completed_on__range=(form.cleaned_data["start"], form.cleaned_data["end"])) | Q(completed_on__isnull=True)
        )
        zones = {z.pk: str(z) for z in Zone.objects.for_user(request.user)}
        people = {u.pk: str(u) for u in User.objects.for_user(request.user).filter(role=Role.AGENT)}
        ctx["by_zone"] = [
            dict(r, label=zones.get(r["project__zone"], "—")) for r in _stats(period, "project__zone", today)
        ]
        ctx["by_agent"] = [dict(r, label=people.get(r["agent"], _("未分配"))) for r in _stats(period, "agent", today)]
    if form.is_valid() and request.GET.get("export") == "xlsx":
        headers = [
            _("分组"),
            _("单位/人员"),
            _("办结事项"),
            _("平均用时（工作日）"),
            _("压缩率（%）"),
            _("超期办结"),
            _("在办超期"),
        ]
        rows = [
            [str(group), r["label"], r["handled"], r["avg_days"], r["compression"], r["late"], r["overdue"]]
            for group, items in ((_("开发区"), ctx["by_zone"]), (_("代办员"), ctx["by_agent"]))
            for r in items
        ]
        return xlsx_response(table_workbook(_("代办统计"), headers, rows), "代办统计.xlsx")
    return render(request, "approvals/stats.html", ctx, status=200 if form.is_valid() else 400)


def reminder_lists(procedures, today):
    """Overdue and due-soon open procedures, as the daily reminder and the in-app list give them."""
    base = procedures.select_related("project", "type", "agent").prefetch_related("pauses").order_by("due_on")
    return {
        "overdue": _rows(base.filter(status_q("overdue", today))),
        "due_soon": _rows(base.filter(status_q("due_soon", today))),
    }


@login_required
def reminders(request):
    today = timezone.localdate()
    ctx = {"title": _("到期提醒"), **reminder_lists(Procedure.objects.for_user(request.user), today)}
    if request.GET.get("export") == "xlsx":
        headers = [_("状态"), _("项目"), _("事项"), _("法定期限"), _("剩余/超期"), _("代办员")]
        rows = [
            [
                str(label),
                str(row["p"].project),
                str(row["p"].type),
                row["p"].due_on,
                row["clock"].remaining_text,
                str(row["p"].agent or ""),
            ]
            for label, key in ((_("已超期"), "overdue"), (_("即将到期"), "due_soon"))
            for row in ctx[key]
        ]
        return xlsx_response(table_workbook(_("到期提醒"), headers, rows), "到期提醒.xlsx")
    return render(request, "approvals/reminders.html", ctx)


@login_required
def enterprise_progress(request):
    """An enterprise user's projects and their approvals, laid out for a phone."""
    projects = list(Project.objects.for_user(request.user).order_by("name"))
    procedures = (
        Procedure.objects.for_user(request.user)
        .select_related("type")
        .prefetch_related("pauses")
        .order_by("type__stage", "pk")
    )
    by_project: dict[int, list] = {p.pk: [] for p in projects}
    for procedure in procedures:  # one query for all the projects, grouped here (same scope as the projects)
        if procedure.project_id in by_project:
            by_project[procedure.project_id].append(procedure)
    groups = [{"project": p, "rows": _rows(by_project[p.pk])} for p in projects]
    return render(request, "approvals/progress.html", {"title": _("我的项目审批进度"), "groups": groups})


class QueryForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("项目代码"), max_length=24)
    query_code = forms.CharField(label=gettext_lazy("查询码"), max_length=16)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


QUERY_LIMIT = 10  # failed public queries per address per 10 minutes


def public_progress(request):
    """Anyone holding a project code and its query code sees its approvals' progress (no login).

    A wrong pair says nothing about whether the project exists, and failures are throttled per address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    key = f"kfq:progress-fail:{address}"
    form = QueryForm(request.POST or None)
    ctx = {"title": _("项目审批进度查询"), "form": form}
    status = 200
    if request.method == "POST":
        # Counted before it is tried, atomically across workers (throttle.attempt); a success is given back.
        if not throttle.attempt(key, limit=QUERY_LIMIT, window=600):
            ctx["error"] = _("查询过于频繁，请10分钟后再试")
            return render(request, "approvals/public_progress.html", ctx, status=429)
        access = None
        if form.is_valid():
            access = (
                ProgressAccess.objects.filter(
                    project__code=form.cleaned_data["code"].strip(),
                    query_code=form.cleaned_data["query_code"].strip().upper(),
                )
                .select_related("project")
                .first()
            )
        if access is None:
            ctx["error"] = _("项目代码或查询码不正确")
            status = 404
        else:
            throttle.give_back(key)
            procedures = access.project.procedures.select_related("type").prefetch_related("pauses")
            ctx["groups"] = [{"project": access.project, "rows": _rows(procedures.order_by("type__stage", "pk"))}]
    return render(request, "approvals/public_progress.html", ctx, status=status)


def overdue_reminder(request):
    """Home-page reminder: procedures overdue and due soon in the user's scope (an agent: their own)."""
    today = timezone.localdate()
    procedures = Procedure.objects.for_user(request.user)
    return [
        (_("审批事项已超期"), procedures.filter(status_q("overdue", today)).count(), "/procedures/?status=overdue"),
        (_("审批事项即将到期"), procedures.filter(status_q("due_soon", today)).count(), "/procedures/?status=due_soon"),
    ]


def commitment_reminder(request):
    """Home-page reminder: 承诺书 past or near their 履约期限 that are not verified yet."""
    today = timezone.localdate()
    commitments = Commitment.objects.for_user(request.user)
    return [
        (
            _("承诺事项已超过履约期限"),
            commitments.filter(Commitment.due_q("overdue", today)).count(),
            reverse("commitment_list") + "?due=overdue",
        ),
        (
            _("承诺事项即将到期"),
            commitments.filter(Commitment.due_q("due_soon", today)).count(),
            reverse("commitment_list") + "?due=due_soon",
        ),
    ]


def calendar_reminder(request):
    """Home-page reminder for administrators and the province, from 1 November: next year's holiday calendar."""
    if not (request.user.is_superuser or scope_for(request.user).role == Role.PROVINCE):
        return []
    gap = services.missing_calendar(timezone.localdate())
    if gap is None:
        return []
    if gap.failing:
        text = _("%(y)s年节假日安排尚未录入，已有 %(n)s 项在办审批事项因此计时异常，请尽快录入")
    else:
        text = _(
            "%(y)s年节假日安排尚未录入（国务院办公厅一般于11月发布），请及时录入；否则在办审批事项将于 %(d)s 起计时异常"
        )
    day = date_format(gap.errors_from, "DATE_FORMAT")  # 2027年1月1日, as every date on a Chinese page
    label = text % {"y": gap.year, "n": gap.failing, "d": day}
    badge = _("%(n)s 项计时异常") % {"n": gap.failing} if gap.failing else _("%(d)s起") % {"d": day}
    return [(label, badge, reverse("calendaryear_list"))]


def home_panels(request, today: datetime.date) -> list:
    """To-do panels: a zone's procedures overdue or due soon; an agent's own open procedures with their clocks; an
    enterprise's procedures in progress."""
    from kaifaqu.core.home import Panel, Row

    from .resources import clock_badge

    role = scope_for(request.user).role
    procedures = Procedure.objects.for_user(request.user).select_related("type", "project").prefetch_related("pauses")
    if role == Role.ZONE:
        records = procedures.filter(status_q("overdue", today) | status_q("due_soon", today))
        key, title, url = "procedures_due", _("超期和即将到期的审批"), reverse("approvals_reminders")
    elif role == Role.AGENT:
        records = procedures.filter(status_q("open", today) | status_q("waiting", today))
        key, title, url = "my_procedures", _("我代办的在办审批"), reverse("procedure_list") + "?status=open"
    elif role == Role.ENTERPRISE:
        records = procedures.filter(status_q("open", today) | status_q("waiting", today))
        key, title, url = "my_procedures", _("我的在办审批"), reverse("approvals_mine")
    else:
        return []

    def row(p):
        return Row(p.type.name, reverse("procedure_detail", args=[p.pk]), p.project.name, clock_badge(p))

    records = records.order_by("due_on", "pk")  # the nearest deadline first; not yet accepted (no date) last
    return [Panel.of(key, title, records, url, row, order=5 if role == Role.AGENT else 15)]
