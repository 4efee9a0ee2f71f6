"""Forecasts and early warning (预测预警, issue 13): the year-end 投资完成率 and the chance of 双过半 projected from
the months so far and the seasonal pattern of earlier years, and the projects likely to miss their planned 开工 or
投产 date.

**Year end.** For each earlier year with reports in all twelve months, its seasonal pattern is the share of the
year's completed investment done by the end of each month: the projects' 本月完成 summed month by month, over the
year's sum (so a project that reached capacity or stopped in the autumn still counts with what it did). The
months so far, divided by an earlier year's share at the same month, give that year's projection of the year-end
completed investment; over the plan it is a projected 投资完成率. The forecast is the median of the earlier years'
projections, with their lowest and highest as the range.

**双过半.** Before July, each earlier year's pattern carries the months so far to the end of June
(completed × share(June) / share(now)); the chance is the share of earlier years under which the June figure
reaches half the year's plan ("3 of 4 earlier years"). From July the June result is known and no chance is given.

With fewer earlier years than :data:`MIN_YEARS` (or :data:`MIN_YEARS_CHANCE` for the chance) the forecast says so
and gives no number. The backtest on the synthetic province is in docs/architecture.md ("Forecasts").
"""

from __future__ import annotations

import datetime
import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaifaqu.lib.units import percent, quantize

from .models import MonthlyReport
from .rates import Period, Rates

MIN_YEARS = 1
MIN_YEARS_CHANCE = 2
YEARS_BACK = 5
RECENT_MONTHS = 6  # the pace of a project is its mean monthly investment over its last reports
START_HORIZON = 90  # days ahead in which a planned start is looked at


@dataclass
class Pattern:
    """An earlier year's seasonal pattern: the share (0–1) of its year-end completed investment done by each month."""

    year: int
    shares: list[Decimal]  # 12 values, January first

    def at(self, month: int) -> Decimal:
        return self.shares[month - 1]


def patterns(plans, year: int, group_by: str | None = None) -> dict[object, list[Pattern]]:
    """The seasonal patterns of the years before ``year`` (at most :data:`YEARS_BACK`) for ``plans`` (an AnnualPlan
    queryset, already scoped): per value of ``group_by`` (``project__zone``, ``project__zone__city``) and, under the
    key None, of them all. One grouped query."""
    first = year - YEARS_BACK
    planned = plans.filter(year__gte=first, year__lt=year).values("project")
    reports = MonthlyReport.objects.filter(
        project__in=planned, month__gte=datetime.date(first, 1, 1), month__lt=datetime.date(year, 1, 1)
    )
    keys = [group_by, "month"] if group_by else ["month"]
    sums: dict[object, dict[datetime.date, Decimal]] = {None: {}}
    for row in reports.values(*keys).annotate(s=Sum("this_month")).order_by():
        value = Decimal(row["s"] or 0)
        if group_by:
            by_month = sums.setdefault(row[group_by], {})
            by_month[row["month"]] = by_month.get(row["month"], 0) + value
        sums[None][row["month"]] = sums[None].get(row["month"], 0) + value
    out: dict[object, list[Pattern]] = {}
    for key, by_month in sums.items():
        for y in range(first, year):
            months = [by_month.get(datetime.date(y, m, 1)) for m in range(1, 13)]
            if None in months:
                continue  # a year without reports in every month has no pattern
            done = [sum(months[: m + 1]) for m in range(12)]
            if done[-1] <= 0:
                continue  # nothing done that year
            out.setdefault(key, []).append(Pattern(y, [d / done[-1] for d in done]))
    return out


@dataclass
class YearEnd:
    """The projected year-end 投资完成率 of one unit (or the total) and its chance of 双过半."""

    period: Period
    label: str = ""
    years: list[int] = field(default_factory=list)
    rate: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    june_rate: Decimal | None = None  # projected 投资完成率 at the end of June (before July)
    chance: tuple[int, int] | None = None  # (years under which 双过半 is reached, years)
    double_half: bool | None = None  # the June result, once known
    reason: str = ""  # why no number is given

    @property
    def chance_label(self) -> str:
        if self.chance is None:
            return ""
        hit, n = self.chance
        return _("%(k)s/%(n)s（按此前 %(n)s 年的季节规律，有 %(k)s 年能实现）") % {"k": hit, "n": n}

    @property
    def warning(self) -> bool:
        """Worth a warning: projected to fall short of the plan, or 双过半 unlikely (under half the earlier years)."""
        short = self.high is not None and self.high < 100
        unlikely = self.chance is not None and self.chance[0] * 2 < self.chance[1]
        return bool(short or unlikely or self.double_half is False)


def method() -> str:
    return _(
        "按此前各年的季节规律推算：以各年截至每月累计完成投资占全年的比重，把本年已完成投资折算到年底（和6月底），"
        "取各年推算结果的中位数，最低和最高为区间；双过半的把握为按多少个此前年份的规律能在6月底完成年度计划的一半。"
    )


def year_end(current: Rates, history: list[Pattern], label: str = "") -> YearEnd:
    """The forecast of ``current`` (the period's 三率 figures of one unit) from the unit's earlier patterns."""
    period = current.period
    out = YearEnd(period, label=label or current.label, years=[p.year for p in history])
    if current.double_half is not None:
        out.double_half = current.double_half
    if not current.planned_investment:
        out.reason = _("本年没有计划投资")
        return out
    if len(history) < MIN_YEARS:
        out.reason = _("历史数据不足：需要此前至少 %(n)s 个完整年度（12个月均有月报）的数据") % {"n": MIN_YEARS}
        return out
    month = period.month
    projections = [current.completed / p.at(month) for p in history if p.at(month) > 0]
    if not projections:
        out.reason = _("此前年份在%(m)s月底尚无完成投资，无法折算") % {"m": month}
        return out
    rates = sorted(percent(x, current.planned_investment) for x in projections)
    out.rate = quantize(Decimal(statistics.median(rates)), 1)
    out.low, out.high = rates[0], rates[-1]
    if month < 6 and current.double_half is None:
        if len(history) < MIN_YEARS_CHANCE:
            out.reason = _("双过半的把握需要此前至少 %(n)s 个完整年度的数据") % {"n": MIN_YEARS_CHANCE}
        usable = [p for p in history if p.at(month) > 0]
        june = [current.completed * p.at(6) / p.at(month) for p in usable]
        out.june_rate = quantize(Decimal(statistics.median(june)) * 100 / current.planned_investment, 1)
        if len(history) >= MIN_YEARS_CHANCE:
            out.chance = (sum(1 for x in june if x * 2 >= current.planned_investment), len(june))
    return out


def forecasts(plans, total: Rates, units: list[Rates], group_by: str | None, labels: dict | None = None):
    """Year-end forecasts of ``total`` and each of ``units`` (from :func:`kaifaqu.projects.rates.compute` over the
    same ``plans`` and ``group_by``), two queries in all."""
    found = patterns(plans, total.period.year, group_by if units else None)
    rows = [year_end(u, found.get(u.key, []), (labels or {}).get(u.key, u.label)) for u in units]
    return year_end(total, found.get(None, [])), rows


@dataclass
class Risk:
    """A project likely to miss its planned 开工 or 投产 date, and why."""

    project: object
    milestone: str  # start / production
    planned_on: datetime.date
    reasons: list[str]

    @property
    def milestone_label(self) -> str:
        return _("开工") if self.milestone == "start" else _("投产")


def _day(d: datetime.date) -> str:
    return date_format(d, "DATE_FORMAT")


def at_risk(projects, today: datetime.date, limit: int = 50) -> list[Risk]:
    """Projects of ``projects`` (scoped) likely to miss a planned date still ahead, the nearest dates first, at most
    ``limit`` (candidates are read in date order, a batch at a time, until that many are found).

    - **开工** within :data:`START_HORIZON` days: an approval still open whose legal deadline (its clock) falls
      after the planned start, or one not yet applied for.
    - **投产** within a year: at the pace of its last :data:`RECENT_MONTHS` monthly reports, the rest of the total
      investment is done only after the planned date (or nothing was invested in those months).
    """
    live = projects.filter(terminated_on__isnull=True).select_related("zone")
    starting = live.filter(
        started_on__isnull=True,
        planned_start_on__gte=today,
        planned_start_on__lte=today + datetime.timedelta(days=START_HORIZON),
    ).order_by("planned_start_on", "pk")
    producing = live.filter(
        started_on__isnull=False,
        producing_on__isnull=True,
        planned_production_on__gte=today,
        planned_production_on__lte=today + datetime.timedelta(days=366),
    ).order_by("planned_production_on", "pk")
    risks = _first(starting, _start_risks, limit, today) + _first(producing, _production_risks, limit, today)
    risks.sort(key=lambda r: (r.planned_on, r.project.pk))
    return risks[:limit]


def _first(candidates, judge, limit: int, today: datetime.date, batch: int = 200) -> list[Risk]:
    found: list[Risk] = []
    at = 0
    while len(found) < limit:
        chunk = list(candidates[at : at + batch])
        found += judge(chunk, today)
        if len(chunk) < batch:
            break
        at += batch
    return found[:limit]


def _start_risks(projects: list, today: datetime.date) -> list[Risk]:
    from kaifaqu.approvals.models import Procedure

    open_ = Procedure.objects.filter(project__in=[p.pk for p in projects], completed_on__isnull=True)
    by_project: dict[int, list] = {}
    for proc in open_.select_related("type").order_by("due_on", "pk"):
        by_project.setdefault(proc.project_id, []).append(proc)
    risks = []
    for p in projects:
        reasons = []
        for proc in by_project.get(p.pk, []):
            if proc.applied_on is None and proc.accepted_on is None:
                reasons.append(_("%(t)s尚未申报") % {"t": proc.type})
            elif proc.due_on and proc.due_on > p.planned_start_on:
                reasons.append(
                    _("%(t)s法定办结期限为%(d)s，晚于计划开工日期") % {"t": proc.type, "d": _day(proc.due_on)}
                )
        if reasons:
            risks.append(Risk(p, "start", p.planned_start_on, reasons))
    return risks


def _production_risks(projects: list, today: datetime.date) -> list[Risk]:
    since = (today.replace(day=1) - datetime.timedelta(days=31 * (RECENT_MONTHS + 1))).replace(day=1)
    recent: dict[int, list] = {}
    rows = MonthlyReport.objects.filter(project__in=[p.pk for p in projects], month__gte=since)
    for r in rows.order_by("project_id", "-month").values("project_id", "month", "this_month", "since_start"):
        recent.setdefault(r["project_id"], []).append(r)
    risks = []
    for p in projects:
        reports = recent.get(p.pk, [])[:RECENT_MONTHS]
        if not reports:
            continue  # no recent report: the report reminders deal with it, not a forecast
        left = p.total_investment - reports[0]["since_start"]
        if left <= 0:
            continue
        pace = sum(r["this_month"] for r in reports) / len(reports)
        if pace <= 0:
            reason = _("近%(n)s个月未完成投资，剩余投资%(left)s万元") % {"n": len(reports), "left": quantize(left, 2)}
            risks.append(Risk(p, "production", p.planned_production_on, [reason]))
            continue
        months = math.ceil(left / pace)
        last = reports[0]["month"]
        done = datetime.date(last.year + (last.month - 1 + months) // 12, (last.month - 1 + months) % 12 + 1, 1)
        if done > p.planned_production_on:
            reason = _(
                "按近%(n)s个月月均完成%(pace)s万元，剩余投资%(left)s万元约需%(m)s个月，预计%(y)s年%(mo)s月完成，"
                "晚于计划投产日期"
            ) % {
                "n": len(reports),
                "pace": quantize(pace, 2),
                "left": quantize(left, 2),
                "m": months,
                "y": done.year,
                "mo": done.month,
            }
            risks.append(Risk(p, "production", p.planned_production_on, [reason]))
    return risks


def risk_method() -> str:
    return _(
        "计划%(d)s天内开工的项目：仍有审批事项未申报，或法定办结期限晚于计划开工日期；一年内计划投产的项目：按近%(n)s个月"
        "的月均完成投资，剩余投资在计划投产日期之后才能完成。"
    ) % {"d": START_HORIZON, "n": RECENT_MONTHS}
