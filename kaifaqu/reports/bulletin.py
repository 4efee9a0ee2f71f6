"""The monthly bulletin's content: rankings, red projects, overdue problems and procedures, a summary —
computed from the registers as of the month's end, as JSON-safe data that publishing freezes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.approvals.models import Procedure
from kaifaqu.approvals.services import status_q
from kaifaqu.core.asof import Snapshot
from kaifaqu.lib.qeval import holds
from kaifaqu.lib.units import wan_to_yi
from kaifaqu.projects import forecast, rates
from kaifaqu.projects.models import AnnualPlan, Problem, Project, ReportCorrection, Stage, StatusRule
from kaifaqu.projects.status import annotate_status, red_reasons
from kaifaqu.promotion.models import Agreement
from kaifaqu.zones.models import City, Zone

from .gongwen import ORDINALS
from .models import Bulletin, BulletinLevel, BulletinStatus


def _num(value):
    return None if value is None else str(value)


def scope_of(bulletin: Bulletin):
    """The projects, plans and leads a bulletin covers, and the unit it ranks."""
    projects = Project.objects.all()
    plans = AnnualPlan.objects.all()
    agreements = Agreement.objects.all()
    procedures = Procedure.objects.all()
    if bulletin.level == BulletinLevel.CITY:
        projects = projects.filter(zone__city=bulletin.city)
        plans = plans.filter(project__zone__city=bulletin.city)
        agreements = agreements.filter(lead__zone__city=bulletin.city)
        procedures = procedures.filter(project__zone__city=bulletin.city)
        return projects, plans, agreements, procedures, "zone", Zone
    return projects, plans, agreements, procedures, "zone__city", City


def build(bulletin: Bulletin, recorded: bool = False) -> dict:
    """Everything the bulletin says, as of the end of its month. With ``recorded``, the rates and the overdue
    problems are as the ledgers stood at the month's end (rebuilt from the change history, :mod:`kaifaqu.core.asof`):
    a later correction or a problem closed later with an earlier date leaves them as they were then."""
    period = rates.Period(bulletin.month.year, bulletin.month.month)
    end = period.end
    projects, plans, agreements, procedures, unit_lookup, unit_model = scope_of(bulletin)
    snapshot = Snapshot(end) if recorded else None
    if snapshot:
        city_of = dict(Zone.objects.values_list("pk", "city_id"))
        in_scope = {z for z, c in city_of.items() if c == bulletin.city_id} if bulletin.city_id else None
        total, units = rates.rebuilt_grouped(
            snapshot,
            period,
            lambda p: in_scope is None or p.zone_id in in_scope,
            (lambda p: p.zone_id) if unit_model is Zone else (lambda p: city_of[p.zone_id]),
        )
    else:
        total, units = rates.compute(plans, projects, period, group_by=f"project__{unit_lookup}")
    # Units in the standard order: cities by division code (太原, 大同, 阳泉 … 吕梁), zones by city, then name.
    ordered = unit_model.objects.order_by(*(["code"] if unit_model is City else ["city__code", "name"]))
    names = {o.pk: str(o) for o in ordered}
    position = {pk: i for i, pk in enumerate(names)}
    signed = dict(
        agreements.filter(signed_on__range=(period.start, end))
        .values_list(f"lead__{unit_lookup}")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    rows = []
    keys = {u.key for u in units} | set(signed)
    by_key = {u.key: u for u in units}
    for key in keys:
        if key is None:
            continue
        u = by_key.get(key)
        rows.append(
            {
                "unit": names.get(key, "—"),
                "order": position.get(key, len(position)),
                "completion_rate": _num(u.completion_rate) if u else None,
                "start_resume_rate": _num(u.start_resume_rate) if u else None,
                "gap": _num(u.gap) if u else None,
                "completed_yi": _num(u.completed_yi) if u else "0.00",
                "planned_yi": _num(u.planned_yi) if u else "0.00",
                "started": (u.new_started + u.cont_resumed) if u else 0,
                "planned": (u.new_planned + u.cont_planned) if u else 0,
                "terminated": u.terminated if u else 0,
                "signed_yi": str(wan_to_yi(signed.get(key) or 0)),
            }
        )

    def ranking(field):
        ranked = sorted(rows, key=lambda r: (r[field] is None, -Decimal(r[field] or 0), r["unit"]))
        return [{"rank": i + 1, "unit": r["unit"], "value": r[field]} for i, r in enumerate(ranked)]

    # The month as of its last day: red judged on the month's figures, overdue meaning overdue on that day.
    rule = StatusRule.current()
    red = annotate_status(projects, today=end, period=period, rule=rule, reasons=True).filter(colour="red")
    red_projects, red_total = _listed(
        red.select_related("zone").order_by("zone__city__code", "zone__name", "name"),
        lambda p: {
            "name": p.name,
            "zone": str(p.zone),
            "stage": str(Stage(p.stage_value).label),  # annotated: no query for each project's suspensions
            "investment_yi": str(wan_to_yi(p.total_investment)),
            "reason": "；".join(red_reasons(p, rule=rule, period=period)),
        },
    )
    overdue = Problem.objects.filter(Problem.overdue_q(end), project__in=projects)
    if snapshot:  # the problems open past their deadline at the month's end, as recorded then
        then = [p.pk for p in snapshot.rows(Problem).values() if holds(Problem.overdue_q(end), p)]
        overdue = Problem.objects.filter(pk__in=then, project__in=projects)
    overdue_problems, problems_total = _listed(
        overdue.select_related("project__zone").order_by("deadline", "pk"),
        lambda p: {
            "project": str(p.project),
            "zone": str(p.project.zone),
            "category": str(p.get_category_display()),
            "description": p.description,
            "owner": p.owner_unit,
            "deadline": p.deadline.isoformat(),
        },
    )
    overdue_procedures, procedures_total = _listed(
        procedures.filter(status_q("overdue", end)).select_related("project__zone", "type").order_by("due_on", "pk"),
        lambda p: {
            "project": str(p.project),
            "zone": str(p.project.zone),
            "type": str(p.type),
            "due_on": p.due_on.isoformat(),
        },
    )
    outlook = forecast_content(plans, projects, total, units, f"project__{unit_lookup}", names, end)
    totals = {
        "start_resume_rate": _num(total.start_resume_rate),
        "completion_rate": _num(total.completion_rate),
        "gap": _num(total.gap),
        "schedule": _num(total.schedule),
        "completed_yi": _num(total.completed_yi),
        "planned_yi": _num(total.planned_yi),
        "started": total.new_started + total.cont_resumed,
        "planned": total.new_planned + total.cont_planned,
        "terminated": total.terminated,
        "signed_yi": str(wan_to_yi(sum(signed.values(), Decimal(0)))),
    }
    content = {
        "title": str(bulletin),
        "month": bulletin.month.strftime("%Y-%m"),
        "period": period.label(),
        "unit_label": str(_("开发区") if unit_model is Zone else _("地市")),
        "totals": totals,
        "units": sorted(rows, key=lambda r: (r["order"], r["unit"])),
        "rankings": {
            "completion_rate": ranking("completion_rate"),
            "start_resume_rate": ranking("start_resume_rate"),
            "signed_yi": ranking("signed_yi"),
        },
        "red_projects": red_projects,
        "overdue_problems": overdue_problems,
        "overdue_procedures": overdue_procedures,
        "counts": {
            "red_projects": red_total,
            "overdue_problems": problems_total,
            "overdue_procedures": procedures_total,
        },
        "has_data": bool(totals["planned"]) or bool(signed),
        "forecast": outlook,
    }
    content["summary"] = summary(content)
    outlook["text"] = forecast_text(content)
    content = with_totals(content)
    content["document"] = particulars(bulletin, content)
    return content


LIST_LIMIT = 100  # rows of each list in the document; counts and the summary always use the full totals
LISTS = ("red_projects", "overdue_problems", "overdue_procedures")


def _listed(queryset, row, limit: int = LIST_LIMIT) -> tuple[list, int]:
    """The first ``limit`` rows of a list for the document, and how many there are in all."""
    items = [row(o) for o in queryset[:limit]]
    return items, (len(items) if len(items) < limit else queryset.count())


def content_of(bulletin: Bulletin) -> dict:
    """What a bulletin says: the frozen content once published, else the current figures (a draft)."""
    return with_totals(bulletin.content) if bulletin.content else build(bulletin)


def with_totals(content: dict) -> dict:
    """The content with each list's full count (``counts``; bulletins published before counts were stored have
    their lists' lengths) and, where a list was cut, the note saying how many more there are (``more``)."""
    counts = {name: len(content.get(name, [])) for name in LISTS} | content.get("counts", {})
    more = {}
    for name in LISTS:
        left = counts[name] - len(content.get(name, []))
        more[name] = _("及其他 %(n)s 项") % {"n": left} if left > 0 else ""
    return {**content, "counts": counts, "more": more}


def summary(c: dict) -> str:
    """总体情况: the month's key figures in one paragraph."""
    t, n = c["totals"], c["counts"]
    if not c["has_data"]:
        return _("%(p)s暂无年度计划与签约数据。") % {"p": c["period"]}
    parts = [
        _("%(p)s，纳入年度计划的重点项目%(n)s个，已开复工%(s)s个，开复工率%(r)s%%")
        % {"p": c["period"], "n": t["planned"], "s": t["started"], "r": t["start_resume_rate"] or "—"}
    ]
    if t["completion_rate"] is not None:
        gap = Decimal(t["gap"])
        direction = _("超序时进度%(g)s个百分点") if gap >= 0 else _("落后序时进度%(g)s个百分点")
        parts.append(
            _("完成投资%(c)s亿元，投资完成率%(r)s%%，") % {"c": t["completed_yi"], "r": t["completion_rate"]}
            + direction % {"g": abs(gap)}
        )
    parts.append(_("签约投资%(s)s亿元") % {"s": t["signed_yi"]})
    if t["terminated"]:
        parts.append(_("另有终止项目%(n)s个未计入") % {"n": t["terminated"]})
    parts.append(
        _("红色预警项目%(r)s个，逾期未销号问题%(q)s个，超期审批事项%(a)s项。")
        % {"r": n["red_projects"], "q": n["overdue_problems"], "a": n["overdue_procedures"]}
    )
    return "；".join(parts[:-1]) + "。" + parts[-1]


RISK_LIMIT = 20  # projects likely to miss a date listed in the document


def forecast_content(plans, projects, total, units, group_by: str, names: dict, end: datetime.date) -> dict:
    """预测预警 of the bulletin as of its month's end: the year-end forecast of the total and of the units that
    warrant a warning, the projects likely to miss a planned date still ahead, and the method."""

    def row(f, unit) -> dict:
        return {
            "unit": unit,
            "rate": _num(f.rate),
            "low": _num(f.low),
            "high": _num(f.high),
            "june_rate": _num(f.june_rate),
            "chance": list(f.chance) if f.chance else None,
            "double_half": f.double_half,
            "warning": f.warning,
            "reason": f.reason,
            "years": len(f.years),
        }

    overall, rows = forecast.forecasts(plans, total, units, group_by)
    risks = forecast.at_risk(projects, end, limit=RISK_LIMIT + 1)
    return {
        "total": row(overall, str(_("合计"))),
        "units": [row(f, names.get(u.key, "—")) for f, u in zip(rows, units, strict=True) if u.key and f.warning],
        "risks": [
            {
                "name": r.project.name,
                "zone": str(r.project.zone),
                "milestone": r.milestone_label,
                "planned_on": r.planned_on.isoformat(),
                "reason": "；".join(r.reasons),
            }
            for r in risks[:RISK_LIMIT]
        ],
        "more_risks": len(risks) > RISK_LIMIT,
        "method": forecast.method() + forecast.risk_method(),
    }


def forecast_text(c: dict) -> str:
    """The 预测预警 paragraph: the projected year end, 双过半, the units to warn and the projects at risk."""
    f = c.get("forecast")
    if not f:
        return ""
    t = f["total"]
    if t["rate"] is None:
        parts = [_("全年投资完成率暂不预测（%(r)s）") % {"r": t["reason"]}]
    else:
        if t["low"] != t["high"]:
            parts = [
                _("按此前%(n)s年的季节规律测算，预计全年投资完成率%(r)s%%（区间%(lo)s%%～%(hi)s%%）")
                % {"n": t["years"], "r": t["rate"], "lo": t["low"], "hi": t["high"]}
            ]
        else:
            parts = [_("按此前%(n)s年的季节规律测算，预计全年投资完成率%(r)s%%") % {"n": t["years"], "r": t["rate"]}]
        if t["chance"]:
            parts.append(
                _("预计6月底投资完成率%(j)s%%，按此前%(n)s年的规律有%(k)s年能实现双过半")
                % {"j": t["june_rate"], "n": t["chance"][1], "k": t["chance"][0]}
            )
    if f["units"]:
        listed = "、".join(f"{u['unit']}（{u['rate']}%）" if u["rate"] else u["unit"] for u in f["units"])
        parts.append(_("%(units)s预计难以完成年度目标，需重点关注") % {"units": listed})
    n = len(f["risks"])
    if n:
        more = _("%(n)s个以上") % {"n": n} if f.get("more_risks") else _("%(n)s个") % {"n": n}
        parts.append(_("可能延误开工、投产的项目%(n)s") % {"n": more})
    return "；".join(parts) + "。"


def _points(items: list[str]) -> str:
    """Points of a 公文 paragraph: 一是……二是……, one per line."""
    return "\n".join(_("%(n)s是%(text)s") % {"n": ORDINALS[i], "text": text} for i, text in enumerate(items))


def _behind(c: dict) -> list[dict]:
    return [r for r in c["units"] if r.get("gap") is not None and Decimal(r["gap"]) < 0]


def problems_text(c: dict) -> str:
    """存在问题, generated from the month's figures (the compiler edits it before publishing)."""
    n, items = c["counts"], []
    behind = _behind(c)
    if behind:
        worst = min(behind, key=lambda r: Decimal(r["gap"]))
        items.append(
            _("投资进度不平衡。%(units)s投资完成率低于序时进度，其中%(worst)s落后%(g)s个百分点。")
            % {"units": "、".join(r["unit"] for r in behind), "worst": worst["unit"], "g": abs(Decimal(worst["gap"]))}
        )
    if n["red_projects"]:
        items.append(
            _("部分项目推进滞后。红色预警项目%(n)s个，节点逾期或投资进度明显落后。") % {"n": n["red_projects"]}
        )
    if n["overdue_problems"]:
        items.append(_("问题销号不及时。逾期未销号问题%(n)s个。") % {"n": n["overdue_problems"]})
    if n["overdue_procedures"]:
        items.append(_("审批服务存在超时。超期审批事项%(n)s项。") % {"n": n["overdue_procedures"]})
    outlook = (c.get("forecast") or {}).get("total") or {}
    if outlook.get("warning") and outlook.get("rate"):
        items.append(_("完成全年目标存在风险。按历年规律测算，预计全年投资完成率%(r)s%%。") % {"r": outlook["rate"]})
    if not items:
        return _("本月各项指标均达到序时进度，未发现突出问题。")
    return _points(items)


def next_steps_text(c: dict) -> str:
    """下步工作, generated to answer the problems found (the compiler edits it before publishing)."""
    n, items = c["counts"], []
    behind = _behind(c)
    if behind:
        items.append(
            _("紧盯序时进度。%(units)s要逐项目查找原因，倒排工期，尽快追上序时进度。")
            % {"units": "、".join(r["unit"] for r in behind)}
        )
    if n["red_projects"]:
        items.append(_("加快红色预警项目推进。逐一落实包联领导和责任单位，限期整改到位。"))
    if n["overdue_problems"]:
        items.append(_("抓好问题销号。对逾期未销号问题逐项督办，办结一件、销号一件。"))
    if n["overdue_procedures"]:
        items.append(_("提升审批效率。对超期审批事项逐项说明原因，代办人员全程跟踪。"))
    items.append(_("持续抓好招商引资和项目签约落地，确保完成全年目标任务。"))
    return _points(items)


def particulars(bulletin: Bulletin, c: dict, on: datetime.date | None = None) -> dict:
    """The 公文's particulars (版头, 期号, 发文字号, 落款, 版记) and its edited or generated text, as published on
    ``on`` (default: the date)."""
    on = on or timezone.localdate()
    authority = bulletin.authority or bulletin.default_authority()
    return {
        "authority": authority,
        "issue": _("第%(n)s期") % {"n": bulletin.issue_no or next_issue_no(bulletin)},
        "doc_number": bulletin.doc_number,
        "problems": bulletin.problems or problems_text(c),
        "next_steps": bulletin.next_steps or next_steps_text(c),
        "copy_to": bulletin.copy_to or settings.KFQ_BULLETIN_COPY_TO,
        "printed_by": authority,
        "date": on.isoformat(),
    }


def next_issue_no(bulletin: Bulletin) -> int:
    """The next 期号 of the bulletin's series (its year and scope)."""
    last = bulletin.same_series().exclude(pk=bulletin.pk).aggregate(n=Max("issue_no"))["n"]
    return (last or 0) + 1


class NothingToPublish(Exception):
    pass


def publish(bulletin_pk: int, user) -> Bulletin:
    """Freeze a bulletin: its figures, 期号 and text are computed once now and never again. The series' rows are
    locked so two bulletins published at once never share a 期号."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_pk)
        if bulletin.status == BulletinStatus.PUBLISHED:
            raise NothingToPublish(_("通报已发布，不能重复发布"))
        list(bulletin.same_series().select_for_update().values_list("pk", flat=True))
        if bulletin.issue_no is None:
            bulletin.issue_no = next_issue_no(bulletin)
        if not bulletin.authority:
            bulletin.authority = bulletin.default_authority()
        content = build(bulletin)  # with the 期号 and office just set (nothing is saved if it is refused)
        if not content["has_data"]:
            raise NothingToPublish(_("%(p)s没有可通报的数据") % {"p": content["period"]})
        bulletin.content = content
        bulletin.status = BulletinStatus.PUBLISHED
        bulletin.published_at = timezone.now()
        bulletin.published_by = user
        bulletin.save()
    return bulletin


def corrections_since(bulletin: Bulletin) -> dict:
    """What changed after publication: figures that now differ, and the recorded report corrections."""
    if not bulletin.content or not bulletin.published_at:
        return {"changed": [], "corrections": []}
    live = build(bulletin)
    published = {r["unit"]: r for r in bulletin.content["units"]}
    changed = []
    for row in live["units"]:
        before = published.get(row["unit"], {})
        for field, label in (
            ("completion_rate", _("投资完成率")),
            ("start_resume_rate", _("开复工率")),
            ("signed_yi", _("签约投资（亿元）")),
        ):
            if before.get(field) != row[field]:
                changed.append(
                    {"unit": row["unit"], "figure": str(label), "published": before.get(field), "now": row[field]}
                )
    _projects, plans, *_rest = scope_of(bulletin)
    corrections = (
        ReportCorrection.objects.filter(
            created_at__gt=bulletin.published_at,
            report__project__in=plans.values("project"),
            report__month__year=bulletin.month.year,
            report__month__lte=bulletin.month,
        )
        .select_related("report__project", "corrected_by")
        .order_by("created_at")
    )
    return {"changed": changed, "corrections": list(corrections)}
