"""开发区指标总览: a zone's (or a city's, or the province's) indicators for a period, entered and derived, with
同比 beside the reported growth."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.fields import month_label
from kaifaqu.core.forms import PlacePeriodForm
from kaifaqu.core.scoping import can_write, scope_for
from kaifaqu.core.views import refuse_outside_scope
from kaifaqu.projects import rates
from kaifaqu.zones.models import City, Zone

from . import services


class OverviewForm(PlacePeriodForm):
    """The overview's period (one that has ended) and place."""

    ended_only = True


def overview_for(user, params) -> dict:
    """The overview of the user's scope narrowed by ``params`` (year, month, city, zone): the page and the API."""
    refuse_outside_scope(user, params, city=City, zone=Zone)
    default = rates.reporting_period(timezone.localdate())
    form = OverviewForm({"year": default.year, "month": default.month, **params}, user=user)
    if not form.is_valid():
        return {"form": form}
    cd = form.cleaned_data
    zones = Zone.objects.for_user(user)
    scope = scope_for(user)
    single = bool(cd.get("zone")) or bool(scope.zone_id)
    if cd.get("zone"):
        zones, place = zones.filter(pk=cd["zone"].pk), str(cd["zone"])
    elif cd.get("city"):
        zones, place = zones.filter(city=cd["city"]), str(cd["city"])
    else:
        place = str(user.zone) if scope.zone_id else str(user.city) if scope.city_id else _("全省")
    month = datetime.date(cd["year"], cd["month"], 1)
    rows = services.overview(zones, month, single)
    shown = [r for r in rows if r.value is not None and (single or r.indicator.additive)]
    chosen = next((r.indicator for r in shown if r.indicator.code == params.get("trend")), None)
    chosen = chosen or (shown[0].indicator if shown else None)
    return {
        "form": form,
        "rows": rows,
        "trend_indicator": chosen,
        "trend": services.trend(zones, chosen, month.year, single) if chosen else [],
        "trend_choices": [r.indicator for r in shown],
        "month": month,
        "place": place,
        "period": month_label(month),
        "previous": month_label(services.year_before(month)),
        "single": single,
        "zone_count": zones.count(),
    }


@login_required
def overview_page(request):
    ctx = {"title": _("开发区指标"), **overview_for(request.user, request.GET.dict())}
    if ctx.get("trend"):
        year = ctx["month"].year
        ctx["chart"] = {
            "months": [_("%(m)s月") % {"m": p["month"]} for p in ctx["trend"]],
            "names": [str(year), str(year - 1), str(_("同比"))],
            "unit": ctx["trend_indicator"].unit,
            "growth_unit": "%" if ctx["trend_indicator"].additive and not ctx["trend_indicator"].is_percent else "",
            "value": [_float(p["value"]) for p in ctx["trend"]],
            "previous": [_float(p["previous"]) for p in ctx["trend"]],
            "growth": [_float(p["growth"]) for p in ctx["trend"]],
        }
        ctx["query"] = {k: v for k, v in request.GET.items() if k != "trend"}
    return render(request, "assessment/overview.html", ctx, status=200 if "rows" in ctx else 400)


def _float(value):
    """A figure for the chart (ECharts reads numbers; the table shows the exact decimals)."""
    return None if value is None else float(value)


@login_required
def dashboard_card(request):
    """The dashboard's 开发区指标 panel (loaded after the page): the period's figures that are entered or derived,
    with 同比, for the dashboard's scope and period."""
    ctx = overview_for(request.user, request.GET.dict())
    if "rows" not in ctx:
        return render(request, "assessment/_dashboard_card.html", {"errors": ctx["form"].errors}, status=400)
    # What was entered, and what the ledgers hold (a ledger figure of zero — nothing recorded — is left to the
    # overview).
    ctx["shown"] = [r for r in ctx["rows"] if r.value is not None or r.derived][:8]
    ctx["overview_url"] = reverse("indicator_overview") + "?" + request.GET.urlencode()
    return render(request, "assessment/_dashboard_card.html", ctx)


def _visible_zones(user) -> set[str] | None:
    """The zones whose results ``user`` reads in detail: a zone its own, a city its zones, the province all (None)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    return set(Zone.objects.for_user(user).values_list("name", flat=True))


def run_context(run, request) -> dict:
    """The ranking of a run as ``request.user`` may read it, the scheme's problems if it cannot be computed, and,
    once published, the totals that would differ today."""
    from . import runs

    try:
        results = runs.results_of(run)
        problems = []
    except ValidationError as exc:
        results, problems = [], exc.messages
    visible = _visible_zones(request.user)
    shown = [r for r in results if visible is None or r["zone"] in visible]
    zone_pk = dict(Zone.objects.filter(name__in=[r["zone"] for r in shown]).values_list("name", "pk"))
    for r in shown:
        r["zone_pk"] = zone_pk.get(r["zone"])
    return {
        "results": shown,
        "all_results": results,
        "ranked": len(results),
        "has_bonus": any(r.get("bonuses") for r in results),
        "has_sub_group": any(r.get("sub_group_rank") for r in shown),
        "problems": problems,
        "published": run.results is not None,
        "changed": runs.changed_since(run) if run.results is not None and visible is None else [],
        "can_publish": can_write(request.user, type(run)) and run.results is None and not problems,
    }


@login_required
def scorecard(request, pk, zone):
    """A zone's scorecard in a run: each item's input, rule, arithmetic and the points lost against the best."""
    from .models import AssessmentRun
    from .runs import results_of

    run = get_object_or_404(AssessmentRun.objects.for_user(request.user), pk=pk)
    target = get_object_or_404(Zone.objects.for_user(request.user), pk=zone)
    try:
        result = next((r for r in results_of(run) if r["zone"] == target.name), None)
    except ValidationError:
        result = None
    if result is None:
        raise Http404(_("该开发区不在本次考核之列"))
    groups = {}
    for item in result["items"]:
        groups.setdefault(item["group"], []).append(item)
    ctx = {"title": _("%(z)s考核得分") % {"z": target}, "run": run, "zone": target, "r": result, "groups": groups}
    ctx.update(_what_if(request, run, target, result))
    return render(request, "assessment/scorecard.html", ctx)


def _what_if(request, run, zone, result) -> dict:
    """The scorecard's "what if": the points and places a given value of one indicator would have earned."""
    from .runs import what_if

    choices = [(i["code"], i["name"]) for i in result["items"] if i.get("code")]
    ctx = {"what_if_choices": choices, "what_if_code": request.GET.get("indicator", ""), "what_if_error": ""}
    if not choices or "indicator" not in request.GET:
        return ctx
    raw = request.GET.get("value", "").strip().replace(",", "")
    try:
        value = Decimal(raw)
        if not value.is_finite():
            raise ArithmeticError
    except (ArithmeticError, ValueError):
        ctx["what_if_error"] = _("“假设值”应为数字，现为“%(v)s”") % {"v": raw}
        return ctx
    ctx["what_if_value"] = raw
    try:
        ctx["what_if"] = what_if(run, zone.name, request.GET["indicator"], value)
    except ValidationError as exc:
        ctx["what_if_error"] = "；".join(exc.messages)
    return ctx


@login_required
def publish_run(request, pk):
    from .models import AssessmentRun
    from .runs import publish

    if request.method != "POST":
        return redirect("assessmentrun_detail", pk=pk)
    run = get_object_or_404(AssessmentRun.objects.for_user(request.user), pk=pk)
    if not can_write(request.user, AssessmentRun):
        raise PermissionDenied(_("您没有发布考核结果的权限"))
    try:
        publish(run.pk, request.user)
        messages.success(request, _("考核结果已发布，内容已冻结"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assessmentrun_detail", pk=pk)


@login_required
def export_run(request, pk):
    """The ranking as .xlsx (what the user may read of it)."""
    from openpyxl import Workbook

    from kaifaqu.core.excel import save_workbook
    from kaifaqu.core.views import xlsx_response

    from .models import AssessmentRun

    run = get_object_or_404(AssessmentRun.objects.for_user(request.user), pk=pk)
    ctx = run_context(run, request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("考核排名"))
    ws.append(
        [
            _("名次"),
            _("开发区"),
            _("所属地市"),
            _("地市内名次"),
            _("分组内名次"),
            _("得分"),
            _("加分"),
            _("扣分"),
            _("总分"),
            _("等次"),
            _("末位预警"),
            _("说明"),
        ]
    )
    for r in ctx["results"]:
        ws.append(
            [
                r["rank"],
                r["zone"],
                r.get("city", ""),
                r.get("city_rank"),
                r.get("sub_group_rank"),
                Decimal(r["score"]),
                Decimal(r.get("bonus", 0)),
                Decimal(r.get("deducted", 0)),
                Decimal(r["total"]),
                r["grade"],
                _("是") if r["warned"] else "",
                r["grade_note"],
            ]
        )
    return xlsx_response(save_workbook(wb), _("%(r)s 考核排名.xlsx") % {"r": run})


@login_required
def export_tongbao(request, pk):
    """The ranking as a .docx 通报 in the monthly bulletin's official-document layout (what the user may read)."""
    from kaifaqu.core.views import DOCX_CONTENT_TYPE, download_response
    from kaifaqu.reports.exporters import docx_of

    from . import tongbao
    from .models import AssessmentRun

    run = get_object_or_404(AssessmentRun.objects.select_related("scheme").for_user(request.user), pk=pk)
    ctx = run_context(run, request)
    if ctx["problems"]:
        messages.error(request, "；".join(ctx["problems"]))
        return redirect("assessmentrun_detail", pk=pk)
    data = docx_of(tongbao.document(run, ctx["all_results"], ctx["results"]))
    return download_response(data, _("%(t)s.docx") % {"t": tongbao.title_of(run)}, DOCX_CONTENT_TYPE)


@login_required
def copy_scheme(request, pk):
    """复制方案: a template or an earlier scheme carried into a new year and category (province only)."""
    from .forms import SchemeCopyForm
    from .models import AssessmentScheme

    source = get_object_or_404(AssessmentScheme.objects.for_user(request.user), pk=pk)
    if not can_write(request.user, AssessmentScheme):
        raise PermissionDenied(_("您没有新建考核方案的权限"))
    year = timezone.localdate().year
    initial = {"year": year, "category": source.category, "sub_group": "" if source.is_template else source.sub_group}
    initial["name"] = _("%(y)s年%(c)s开发区考核方案") % {"y": year, "c": source.get_category_display()}
    form = SchemeCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.copy_scheme(source, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已按“%(s)s”新建考核方案，可继续修改") % {"s": source})
            return redirect("assessmentscheme_detail", pk=scheme.pk)
    ctx = {"title": _("复制考核方案"), "source": source, "form": form}
    return render(request, "assessment/scheme_copy.html", ctx, status=400 if form.errors else 200)


def years_for(user, category: str) -> dict:
    """历年考核对比: the published yearly runs of a category (its whole-category schemes), each visible zone's rank
    and grade per year, the places it moved since the year before, and the zones warned twice within three years."""
    from kaifaqu.lib.scoring import repeated_warnings

    from .models import AssessmentRun, RunStatus

    runs = list(
        AssessmentRun.objects.filter(
            status=RunStatus.PUBLISHED,
            quarter__isnull=True,
            scheme__category=category,
            scheme__sub_group="",
            scheme__is_template=False,
        )
        .select_related("scheme")
        .order_by("data_year")
    )
    visible = _visible_zones(user)
    by_year = {run.data_year: {r["zone"]: r for r in run.results or []} for run in runs}
    years = sorted(by_year)
    latest = by_year[years[-1]] if years else {}
    before = by_year[years[-2]] if len(years) > 1 else {}
    twice = repeated_warnings(
        {y: {z for z, r in rows.items() if r["warned"]} for y, rows in by_year.items()}, years[-1] if years else 0
    )
    zones = sorted(
        {z for rows in by_year.values() for z in rows if visible is None or z in visible},
        key=lambda z: (latest[z]["rank"] if z in latest else 10**6, z),
    )
    rows = []
    for zone in zones:
        moved = before[zone]["rank"] - latest[zone]["rank"] if zone in latest and zone in before else None
        rows.append(
            {"zone": zone, "cells": [by_year[y].get(zone) for y in years], "moved": moved, "twice": zone in twice}
        )
    movers = [r for r in rows if r["moved"]]
    return {
        "years": years,
        "rows": rows,
        "up": sorted((r for r in movers if r["moved"] > 0), key=lambda r: -r["moved"])[:5],
        "down": sorted((r for r in movers if r["moved"] < 0), key=lambda r: r["moved"])[:5],
        "runs": {run.data_year: run for run in runs},
    }


@login_required
def years_page(request):
    from kaifaqu.zones.models import ZoneCategory

    if scope_for(request.user).enterprise_id:
        raise PermissionDenied(_("考核结果是对开发区的评价，企业用户无权查看"))
    category = request.GET.get("category") or ZoneCategory.values[0]
    if category not in ZoneCategory.values:
        category = ZoneCategory.values[0]
    ctx = {
        "title": _("历年考核对比"),
        "categories": ZoneCategory.choices,
        "category": category,
        "leader": scope_for(request.user).zone_id is None,
        **years_for(request.user, category),
    }
    return render(request, "assessment/years.html", ctx)
