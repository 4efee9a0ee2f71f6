"""The dashboard page: province, city or zone, any month; every number and chart element links to
the records behind it; its tables export to Excel."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from kaifaqu.core.excel import save_workbook, xlsx_row
from kaifaqu.core.forms import PlacePeriodForm, style_fields
from kaifaqu.core.scoping import can_write, may_change
from kaifaqu.core.views import refuse_outside_scope, xlsx_response
from kaifaqu.projects import rates
from kaifaqu.projects.views import drill_url
from kaifaqu.zones.models import City, Zone

from . import bulletin as bulletin_service
from . import checker, dashboard, jobs, proposals
from .models import Bulletin, FigureCheck, Job, JobStatus


class DashboardForm(PlacePeriodForm):
    """The dashboard's period and place."""


def _dashboard_request(request):
    """The dashboard's scope and period from the request: (form, unit, period), the form invalid on bad input."""
    default = rates.reporting_period(timezone.localdate())
    refuse_outside_scope(request.user, request.GET, city=City, zone=Zone)
    form = DashboardForm({"year": default.year, "month": default.month, **request.GET.dict()}, user=request.user)
    if not form.is_valid():
        return form, None, None
    cd = form.cleaned_data
    return form, {"city": cd.get("city"), "zone": cd.get("zone")}, rates.Period(cd["year"], cd["month"])


def _label_units(user, unit, period, units) -> str:
    """Name the dashboard's units (cities, or zones) and link each to its list and its own dashboard; returns the
    unit kind ("zone" / "city")."""
    narrow = unit["city"] or unit["zone"] or dashboard.user_scope_is_narrow(user)
    unit_model = Zone if units and narrow else City
    names = {o.pk: str(o) for o in unit_model.objects.filter(pk__in=[u.key for u in units if u.key])}
    key = "zone" if unit_model is Zone else "city"
    base = {"year": period.year, "month": period.month, **{k: v.pk for k, v in unit.items() if v}}
    for u in units:
        u.label = names.get(u.key, "—")
        u.drill = drill_url({**base, key: u.key}, "planned") if u.key else ""
        u.dashboard = f"?year={period.year}&month={period.month}&{key}={u.key}" if u.key else ""
    return key


@login_required
def dashboard_page(request, reminders=()):
    """工作看板; the home of the province and the cities, with the reminders that concern them on top."""
    form, unit, period = _dashboard_request(request)
    if unit is None:
        ctx = {"form": form, "title": _("工作看板"), "reminders": reminders}
        return render(request, "reports/dashboard.html", ctx, status=400)
    data = dashboard.build(request.user, unit, period)
    key = _label_units(request.user, unit, period, data["units"])
    base = {"year": period.year, "month": period.month, **{k: v.pk for k, v in unit.items() if v}}
    if request.GET.get("export") == "xlsx":
        return export_units(data, period)
    charts = {
        "stages": [{"name": s["label"], "value": s["count"], "url": s["url"]} for s in data["stages"]],
        "units": [
            {
                "name": u.label,
                "value": float(u.completion_rate) if u.completion_rate is not None else None,
                "url": u.drill,
            }
            for u in data["units"]
        ],
        "schedule": float(data["rates"].schedule),
        "schedule_label": _("序时进度 %(s)s%%") % {"s": data["rates"].schedule},
        "funnel": [{"name": s["label"], "value": s["count"], "url": s["url"]} for s in data["promotion"]["stages"]],
        "problems": [
            {"name": r["label"], "value": r["open"], "overdue": r["overdue"], "url": r["url"]}
            for r in data["problems"]["rows"]
        ],
        # The Shanxi map: cities coloured by investment completion rate (province view only).
        "map": [
            {
                "name": u.label,  # str(City), "太原市": the name the map's regions carry
                "value": float(u.completion_rate) if u.completion_rate is not None else None,
                "url": u.dashboard,
            }
            for u in data["units"]
        ]
        if key == "city"
        else [],
    }
    ctx = {
        "form": form,
        "title": _("工作看板"),
        "reminders": reminders,
        "period": period,
        "data": data,
        "charts": charts,
        "drill": {
            f: drill_url(base, f)
            for f in ("planned", "started_or_resumed", "not_started", "terminated", "capacity_due", "capacity_reached")
        },
        "unit_label": _("开发区") if key == "zone" else _("地市"),
        "export_url": request.get_full_path(),
    }
    sep = "&" if "?" in ctx["export_url"] else "?"
    ctx["export_url"] += f"{sep}export=xlsx"
    ctx["warning_url"] = reverse("dashboard_warning") + "?" + urlencode({k: v for k, v in base.items()})
    ctx["indicators_url"] = reverse("dashboard_indicators") + "?" + urlencode({k: v for k, v in base.items()})
    return render(request, "reports/dashboard.html", ctx)


@login_required
def dashboard_warning(request):
    """The dashboard's 预测预警 panel (loaded after the page): the year-end forecast of the scope and of each unit,
    and the projects likely to miss a planned date."""
    form, unit, period = _dashboard_request(request)
    if unit is None:
        return render(request, "reports/_warning.html", {"errors": form.errors}, status=400)
    today = timezone.localdate()
    total, units = dashboard.project_rates(request.user, unit, period, today)
    key = _label_units(request.user, unit, period, units)
    warning = dashboard.early_warning(request.user, unit, total, units, today)
    for row, u in zip(warning["units"], units, strict=True):
        row.label, row.dashboard = u.label, u.dashboard
    ctx = {"w": warning, "unit_label": _("开发区") if key == "zone" else _("地市")}
    return render(request, "reports/_warning.html", ctx)


def export_units(data, period) -> HttpResponse:
    """The dashboard's rates table as .xlsx (the same figures the page shows)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("三率"))
    ws.append(
        [
            _("单位"),
            _("新开工计划"),
            _("已开工"),
            _("续建"),
            _("已复工"),
            _("开复工率（%）"),
            _("年度计划投资（万元）"),
            _("完成投资（万元）"),
            _("投资完成率（%）"),
            _("较序时进度（百分点）"),
            _("终止"),
        ]
    )
    for r in [*data["units"], data["rates"]]:
        ws.append(
            xlsx_row(
                ws,
                [
                    str(r.label),
                    r.new_planned,
                    r.new_started,
                    r.cont_planned,
                    r.cont_resumed,
                    r.start_resume_rate,
                    r.planned_investment,
                    r.completed,
                    r.completion_rate,
                    r.gap,
                    r.terminated,
                ],
            )
        )
    return xlsx_response(save_workbook(wb), f"工作看板-{period.year}-{period.month:02d}.xlsx")


@login_required
@require_POST
def publish(request, pk):
    """Freeze the bulletin: its content is computed once now and never recomputed."""
    bulletin = get_object_or_404(Bulletin.objects.for_user(request.user), pk=pk)
    if not may_change(request.user, bulletin):  # a city reads the province's bulletin but does not publish it
        raise PermissionDenied
    try:
        bulletin = bulletin_service.publish(bulletin.pk, request.user)
    except bulletin_service.NothingToPublish as refused:
        messages.error(request, str(refused))
        return redirect("bulletin_detail", pk=pk)
    messages.success(request, _("已发布：%(b)s") % {"b": bulletin})
    return redirect("bulletin_detail", pk=pk)


@login_required
@require_POST
def export(request, pk):
    """Export in the background (a province bulletin takes seconds); the job page shows progress."""
    bulletin = get_object_or_404(Bulletin.objects.for_user(request.user), pk=pk)
    job = jobs.enqueue("bulletin_export", {"bulletin": bulletin.pk}, request.user)
    return redirect("job_detail", pk=job.pk)


def _job_for(request, pk) -> Job:
    return get_object_or_404(Job.objects.filter(created_by=request.user), pk=pk)


@login_required
def job_page(request, pk):
    job = _job_for(request, pk)
    template = "reports/_job_status.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render(request, template, {"job": job, "title": _("后台任务 #%(n)s") % {"n": job.pk}})


@login_required
def job_download(request, pk, fmt):
    job = _job_for(request, pk)
    name = job.result.get("files", {}).get(fmt) if job.status == JobStatus.DONE else None
    if not name:
        raise Http404
    path = jobs.job_dir(job) / name
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
def job_list(request):
    """The user's background jobs: results stay downloadable here."""
    items = Job.objects.filter(created_by=request.user)[:100]
    return render(request, "reports/jobs.html", {"jobs": items, "title": _("我的后台任务")})


class FigureCheckForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("标题"), max_length=60, required=False, help_text=gettext_lazy("留空则取正文开头")
    )
    text = forms.CharField(
        label=gettext_lazy("待核验的文字"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=checker.MAX_CHARS,
        help_text=gettext_lazy("粘贴开发区报送材料、新闻稿或通报草稿；文中的数字将与文字本身和台账逐一核对"),
    )
    document = forms.FileField(
        label=gettext_lazy("或上传文件"),
        required=False,
        help_text=gettext_lazy("Word 文档或纯文本文件，不超过 2 MB；上传后以文件内容为准"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        upload = data.get("document")
        if upload:
            try:
                data["text"] = checker.text_of_upload(upload)
            except ValidationError as exc:
                self.add_error("document", exc)
                return data
        text = data.get("text") or ""
        if "text" not in self.errors and not text.strip():
            self.add_error("text", _("请粘贴待核验的文字，或上传文件"))
        elif len(text) > checker.MAX_CHARS:
            self.add_error(
                "text", _("文字不能超过 %(n)s 个字（现为 %(m)s 个字）") % {"n": checker.MAX_CHARS, "m": len(text)}
            )
        return data


def _check_context(request, form, record=None) -> dict:
    ctx = {
        "title": _("数据核验"),
        "form": form,
        "labels": checker.STATUS_LABELS,
        "may_check": can_write(request.user, FigureCheck),
        "history": FigureCheck.objects.for_user(request.user).select_related("created_by", "checked_zone")[:20],
    }
    if record is not None:
        verdicts = [checker.restored(d) for d in record.verdicts]
        ctx.update(
            record=record,
            checked=True,
            verdicts=verdicts,
            zone=record.checked_zone,
            zone_note=record.zone_note,
            segments=checker.segments(record.text, verdicts),
            counts=[(label, record.counts.get(k, 0), k) for k, label in checker.STATUS_LABELS.items()],
            proposals=proposals.propose(record.text, request.user, record.checked_zone),
        )
        if not verdicts:
            ctx["empty"] = _("文中没有找到带单位的数字（如“25个”“379.85亿元”“62.5%”）")
    return ctx


@login_required
def figure_check_page(request):
    """数据核验: paste a text; it is checked, kept with its verdicts, and shown with each figure highlighted."""
    form = FigureCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_write(request.user, FigureCheck):
            raise PermissionDenied(_("您没有进行数据核验的权限"))
        if form.is_valid():
            record = checker.save(form.cleaned_data["text"], request.user, form.cleaned_data["title"])
            return redirect("figure_check_detail", pk=record.pk)
        return render(request, "reports/figure_check.html", _check_context(request, form), status=400)
    return render(request, "reports/figure_check.html", _check_context(request, form))


@login_required
def figure_check_detail(request, pk):
    """A kept check: its text with the verdicts given on the day it was checked; the form re-checks it today."""
    record = get_object_or_404(FigureCheck.objects.for_user(request.user), pk=pk)
    form = FigureCheckForm(initial={"title": record.title, "text": record.text})
    return render(request, "reports/figure_check.html", _check_context(request, form, record))
