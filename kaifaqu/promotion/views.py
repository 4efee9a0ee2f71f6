"""Promotion workspace pages: the stage board, funnel statistics, reserve library, investment map,
overlap flags and a zone's promotion summary."""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.asof import Snapshot
from kaifaqu.core.excel import table_workbook
from kaifaqu.core.forms import style_fields
from kaifaqu.core.scoping import Role, scope_for
from kaifaqu.core.views import refuse_outside_scope, xlsx_response
from kaifaqu.zones.models import City, IndustryChain, Zone

from . import stats
from .filters import stale_q
from .models import Agreement, Lead, LeadStage, PromotionMode, SourceRegion

GROUP_LABELS = {
    "zone": gettext_lazy("开发区"),
    "chain": gettext_lazy("产业链"),
    "mode": gettext_lazy("招商方式"),
    "source_region": gettext_lazy("来源地区"),
    "city": gettext_lazy("地市"),
}
GROUP_MODELS = {
    "zone": Zone,
    "chain": IndustryChain,
    "mode": PromotionMode,
    "source_region": SourceRegion,
    "city": City,
}


class FunnelForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=gettext_lazy("分组"), choices=list(GROUP_LABELS.items()))
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.none(), required=False, label=gettext_lazy("开发区"), empty_label=gettext_lazy("全部")
    )
    recorded = forms.BooleanField(
        label=gettext_lazy("按截止日台账"),
        required=False,
        help_text=gettext_lazy("按变更记录重算截止日当天结束时的数字，之后的修改不计入"),
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.for_user(user)
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("起始日期不能晚于截止日期"))
        if data.get("recorded") and data.get("end") and data["end"] >= timezone.localdate():
            raise ValidationError(_("按截止日台账只用于已过去的截止日期"))
        return data


def funnel_for(user, params: dict):
    refuse_outside_scope(user, params, zone=Zone)
    today = timezone.localdate()
    data = {"start": today.replace(month=1, day=1), "end": today, "group": "zone", **params}
    form = FunnelForm(data, user=user)
    if not form.is_valid():
        return {"form": form}
    cd = form.cleaned_data
    leads = Lead.objects.for_user(user)
    if cd.get("zone"):
        leads = leads.filter(zone=cd["zone"])
    if cd.get("recorded"):  # as the leads stood at the end of the period's last day, from the change history
        zones = set(Zone.objects.for_user(user).values_list("pk", flat=True))
        if cd.get("zone"):
            zones &= {cd["zone"].pk}
        snapshot = Snapshot(cd["end"])
        total, rows = stats.funnel_rebuilt(
            snapshot, lambda lead: lead.zone_id in zones, cd["start"], cd["end"], cd["group"]
        )
    else:
        total, rows = stats.funnel(leads, cd["start"], cd["end"], cd["group"])
    model = GROUP_MODELS[cd["group"]]
    names = {o.pk: str(o) for o in model._default_manager.filter(pk__in=[r.key for r in rows if r.key])}
    for r in rows:
        r.label = names.get(r.key, _("未归类"))
    return {
        "form": form,
        "total": total,
        "rows": rows,
        "stages": LeadStage.choices,
        "group_label": GROUP_LABELS[cd["group"]],
        "start": cd["start"],
        "end": cd["end"],
        "recorded": cd.get("recorded"),
    }


@login_required
def funnel_page(request):
    ctx = {"title": _("招商漏斗与统计"), **funnel_for(request.user, request.GET.dict())}
    if "total" in ctx and request.GET.get("export") == "xlsx":
        headers = [
            ctx["group_label"],
            *[label for _v, label in LeadStage.choices],
            _("跟进次数"),
            _("外出招商"),
            _("期内签约"),
            _("签约额（万元）"),
            _("已开工"),
            _("终止"),
            _("签约项目开工率（%）"),
            _("接触至签约（天）"),
        ]
        rows = [
            [
                str(r.label),
                *[r.reached.get(v, 0) for v, _l in LeadStage.choices],
                r.contacts,
                r.trips,
                r.signed,
                r.signed_amount,
                r.started,
                r.terminated,
                r.start_rate,
                r.avg_days_to_sign,
            ]
            for r in [*ctx["rows"], ctx["total"]]
        ]
        return xlsx_response(table_workbook(_("招商统计"), headers, rows), f"招商统计-{ctx['start']}-{ctx['end']}.xlsx")
    ctx["export_url"] = "?" + urlencode({**request.GET.dict(), "export": "xlsx"})
    return render(request, "promotion/funnel.html", ctx, status=200 if "total" in ctx else 400)


@login_required
def board(request):
    """Leads by stage, most likely first (a 看板 of the pipeline)."""
    refuse_outside_scope(request.user, request.GET, zone=Zone)
    leads = Lead.objects.for_user(request.user).select_related("zone", "chain")
    zone_id = request.GET.get("zone")
    if zone_id:
        leads = leads.filter(zone_id=zone_id)
    order = {"high": 0, "medium": 1, "low": 2}
    columns = []
    for stage, label in LeadStage.choices:
        items = sorted(
            leads.filter(stage=stage).order_by("-first_contact_on")[:60], key=lambda lead: order[lead.likelihood]
        )
        columns.append({"stage": stage, "label": label, "count": leads.filter(stage=stage).count(), "leads": items})
    return render(
        request,
        "promotion/board.html",
        {"title": _("招商看板"), "columns": columns, "zones": Zone.objects.for_user(request.user), "zone_id": zone_id},
    )


@login_required
def reserve(request):
    leads = Lead.objects.for_user(request.user)
    matrix = stats.reserve_matrix(leads)
    if request.GET.get("export") == "xlsx":
        headers = [_("产业链"), _("可能性高"), _("中"), _("低"), _("意向投资（万元）")]
        rows = [[e["name"], e["high"], e["medium"], e["low"], e["amount"]] for e in matrix.values()]
        return xlsx_response(table_workbook(_("项目储备库"), headers, rows), "项目储备库.xlsx")
    ctx = {
        "title": _("项目储备库"),
        "matrix": matrix,
        "stale": leads.filter(stale_q()).count(),
        "stale_days": settings.KFQ_LEAD_STALE_DAYS,
    }
    return render(request, "promotion/reserve.html", ctx)


MAP_FILE = Path(settings.BASE_DIR) / "kaifaqu" / "static" / "vendor" / "echarts" / "map" / "shanxi.json"


def city_centres() -> dict[str, list[float]]:
    """City name → centre point, from the vendored map (its ``cp`` property)."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    return {f["properties"]["name"]: f["properties"].get("cp") for f in data["features"]}


def zone_point(zone, centres) -> list[float] | None:
    """A zone's coordinates, or a deterministic spot near its city's centre when not yet surveyed."""
    if zone.longitude is not None and zone.latitude is not None:
        return [float(zone.longitude), float(zone.latitude)]
    centre = centres.get(f"{zone.city.name}市")
    if not centre:
        return None
    rng = random.Random(zone.pk)
    return [centre[0] + rng.uniform(-0.35, 0.35), centre[1] + rng.uniform(-0.3, 0.3)]


@login_required
def investment_map(request):
    """招商地图: cities coloured by signed investment, zones placed by coordinates, click for a summary."""
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    agreements = Agreement.objects.for_user(request.user).filter(signed_on__range=(start, today))
    by_city = dict(agreements.values_list("lead__zone__city__name").annotate(s=Sum("amount")).order_by())
    by_zone = dict(agreements.values_list("lead__zone").annotate(s=Sum("amount")).order_by())
    centres = city_centres()
    zones = []
    for zone in Zone.objects.for_user(request.user).select_related("city"):
        point = zone_point(zone, centres)
        if point:
            zones.append(
                {
                    "name": zone.display_name,
                    "value": [*point, float(by_zone.get(zone.pk, 0) or 0)],
                    "url": f"/promotion/zones/{zone.pk}/",
                    "surveyed": zone.longitude is not None,
                }
            )
    cities = [{"name": f"{name}市", "value": float(v or 0)} for name, v in by_city.items()]
    ctx = {"title": _("招商地图"), "map_data": {"cities": cities, "zones": zones}, "year": today.year}
    return render(request, "promotion/map.html", ctx)


@login_required
def overlap_page(request):
    """Investors courted by two or more zones, flagged to the province and the city."""
    scope = scope_for(request.user)
    if scope.role not in (Role.PROVINCE, Role.CITY) and not request.user.is_superuser:
        raise PermissionDenied(_("重复招商提示只面向省级和市级用户"))
    mine = set(Lead.objects.for_user(request.user).values_list("pk", flat=True))
    groups = [g for g in stats.overlaps(Lead.objects.all()) if any(lead.pk in mine for lead in g["leads"])]
    return render(request, "promotion/overlaps.html", {"title": _("重复招商提示"), "groups": groups, "mine": mine})


@login_required
def zone_summary(request, pk):
    zone = get_object_or_404(Zone.objects.for_user(request.user), pk=pk)
    ctx = funnel_for(request.user, {"zone": zone.pk, "group": "chain"})
    leads = Lead.objects.for_user(request.user).filter(zone=zone)
    ctx.update(
        title=_("%(z)s 招商概况") % {"z": zone},
        zone=zone,
        recent=leads.select_related("chain").order_by("-first_contact_on")[:15],
        stale=leads.filter(stale_q()).count(),
        signed_projects=leads.filter(~Q(project=None)).select_related("project")[:30],
    )
    return render(request, "promotion/zone_summary.html", ctx)


def stale_reminder(request):
    """Home-page reminder for a lead's owner: leads with no follow-up for too long."""
    count = Lead.objects.for_user(request.user).filter(stale_q(), owner=request.user).count()
    label = _("我负责的招商线索久未跟进（超过%(d)s天）") % {"d": settings.KFQ_LEAD_STALE_DAYS}
    return [(label, count, "/leads/?stale=true&mine=true")]


def home_panels(request, today) -> list:
    """To-do panel of a zone: the leads still being courted that have gone quiet, the longest silent first."""
    from kaifaqu.core.home import Panel, Row

    if scope_for(request.user).role != Role.ZONE:
        return []
    leads = Lead.objects.for_user(request.user).filter(stale_q(today))
    leads = leads.order_by(F("last_follow_up_on").asc(nulls_first=True), "first_contact_on", "pk")

    def row(lead):
        last = lead.last_follow_up_on or lead.first_contact_on
        detail = _("最近跟进 %(d)s") % {"d": date_format(last)} if last else ""
        return Row(lead.company, reverse("lead_detail", args=[lead.pk]), detail, "")

    title = _("久未跟进的线索（超过%(d)s天）") % {"d": settings.KFQ_LEAD_STALE_DAYS}
    return [Panel.of("stale_leads", title, leads, reverse("lead_list") + "?stale=true", row, order=60)]
