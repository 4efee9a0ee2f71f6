"""三率 and the other project rates, for any scope and period, by aggregate queries (domain.md, "Rates").

A period is a year and a month: figures are cumulative from January to the end of that month
("1–9月"). Each counted figure is a named filter (:func:`plan_figures`, :func:`project_figures`)
used both by the aggregate query and by the drill-down list of the projects behind the figure.
Terminated projects leave every denominator and are counted beside it; an empty denominator gives
``None`` (shown as "—").
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.lib.qeval import holds
from kaifaqu.lib.units import percent, quantize, wan_to_yi

from .models import AnnualPlan, MonthlyReport, PlanKind, Project

ZERO = Decimal("0")


@dataclass(frozen=True)
class Period:
    year: int
    month: int  # 1..12, cumulative from January

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def last_month(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def schedule(self) -> Decimal:
        """序时进度 = months elapsed / 12, in percent."""
        return Decimal(self.month) * 100 / 12

    def label(self) -> str:
        return f"{self.year}年1–{self.month}月"


def reporting_period(today: datetime.date) -> Period:
    """The period whose report is the latest due on ``today``: the month before today's (a month is reported as
    of its last day, so its report falls due once it has ended). Lists, the board, the dashboard's default and the
    demo data all start from it."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return Period(last.year, last.month)


def double_half_known(year: int, today: datetime.date) -> bool:
    """双过半 is the test of the end of June: a year's result is known from 1 July of that year."""
    return today >= datetime.date(year, 7, 1)


def plan_figures(period: Period) -> dict[str, Q]:
    """The counted figures as filters on AnnualPlan rows of ``period.year``."""
    terminated = Q(project__terminated_on__lte=period.end)
    live = ~terminated
    new = Q(kind=PlanKind.NEW_START)
    cont = Q(kind=PlanKind.CONTINUING)
    started = Q(project__started_on__lte=period.end)
    resumed = Q(resumed_on__lte=period.end)
    return {
        "new_planned": new & live,
        "new_started": new & live & started,
        "new_terminated": new & terminated,
        "cont_planned": cont & live,
        "cont_resumed": cont & live & resumed,
        "cont_terminated": cont & terminated,
        "planned": live,
        "started_or_resumed": live & ((new & started) | (cont & resumed)),
        "not_started": live & ((new & ~started) | (cont & ~resumed)),
        "terminated": terminated,
    }


def project_figures(period: Period) -> dict[str, Q]:
    """项目达产率 figures as filters on Project rows: due to reach capacity within the period."""
    due = Q(planned_capacity_on__gte=period.start, planned_capacity_on__lte=period.end)
    terminated = Q(terminated_on__lte=period.end)
    return {
        "capacity_due": due & ~terminated,
        "capacity_reached": due & ~terminated & Q(capacity_on__lte=period.end),
        "capacity_terminated": due & terminated,
    }


PLAN_COUNTS = ("new_planned", "new_started", "new_terminated", "cont_planned", "cont_resumed", "cont_terminated")
PROJECT_COUNTS = ("capacity_due", "capacity_reached", "capacity_terminated")


@dataclass
class Rates:
    """The figures of one unit (or the total) and the rates derived from them."""

    period: Period
    key: object = None
    label: str = ""
    counts: dict = field(default_factory=dict)
    planned_investment: Decimal = ZERO
    completed: Decimal = ZERO
    # The year's figures at the end of June (双过半), None while June's result is not known yet.
    june_planned: Decimal | None = None
    june_completed: Decimal | None = None

    def __add__(self, other: Rates) -> Rates:
        total = Rates(self.period, label=self.label)
        total.counts = {k: self.counts.get(k, 0) + other.counts.get(k, 0) for k in set(self.counts) | set(other.counts)}
        total.planned_investment = self.planned_investment + other.planned_investment
        total.completed = self.completed + other.completed
        for name in ("june_planned", "june_completed"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(total, name, None if mine is None and theirs is None else (mine or ZERO) + (theirs or ZERO))
        return total

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def terminated(self) -> int:
        return self.counts.get("new_terminated", 0) + self.counts.get("cont_terminated", 0)

    @property
    def start_rate(self):
        """开工率 = started new starts / planned new starts."""
        return percent(self.counts.get("new_started", 0), self.counts.get("new_planned", 0))

    @property
    def resume_rate(self):
        """复工率 = resumed continuing / continuing."""
        return percent(self.counts.get("cont_resumed", 0), self.counts.get("cont_planned", 0))

    @property
    def planned_count(self) -> int:
        """Projects of the year's plan (new starts and continuing), terminated ones left out."""
        return self.counts.get("new_planned", 0) + self.counts.get("cont_planned", 0)

    @property
    def started_or_resumed_count(self) -> int:
        """已开复工: new starts started and continuing projects resumed."""
        return self.counts.get("new_started", 0) + self.counts.get("cont_resumed", 0)

    @property
    def start_resume_rate(self):
        """开复工率 = (started new + resumed continuing) / (new + continuing)."""
        return percent(self.started_or_resumed_count, self.planned_count)

    @property
    def completion_rate(self):
        """投资完成率 = YTD completed investment / annual planned investment."""
        return percent(self.completed, self.planned_investment)

    @property
    def schedule(self) -> Decimal:
        return quantize(self.period.schedule, 1)

    @property
    def gap(self):
        """Completion minus 序时进度 in percentage points (positive: ahead, "超序时进度")."""
        exact = percent(self.completed, self.planned_investment, places=10)
        if exact is None:
            return None
        return quantize(exact - self.period.schedule, 1)

    @property
    def double_half_rate(self):
        """投资完成率 at the end of June of the period's year (the figure 双过半 tests); None until it is known."""
        if self.june_planned is None:
            return None
        return percent(self.june_completed, self.june_planned)

    @property
    def double_half(self):
        """双过半 ("时间过半、任务过半"): at the end of June, 投资完成率 ≥ 50%. It is the year's June result, whatever
        month the period ends in; None before 1 July of the year (not known yet) or without a plan."""
        if self.double_half_rate is None:
            return None
        return self.june_completed * 2 >= self.june_planned

    @property
    def capacity_rate(self):
        """项目达产率 = at capacity / due to reach capacity in the period."""
        return percent(self.counts.get("capacity_reached", 0), self.counts.get("capacity_due", 0))

    @property
    def completed_yi(self) -> Decimal:
        return wan_to_yi(self.completed)

    @property
    def planned_yi(self) -> Decimal:
        return wan_to_yi(self.planned_investment)


def ytd_window(period: Period) -> Q:
    """The reports (MonthlyReport rows) a project's year-to-date figure of the period is read from: its latest one
    of these."""
    return Q(month__gte=period.start, month__lte=period.last_month)


def latest_ytd(period: Period, outer: str = "project_id"):
    """A project's year-to-date investment in the period: its latest report within the period's year (a subquery
    on ``outer``, the project's id in the outer query; no row without a report)."""
    return (
        MonthlyReport.objects.filter(ytd_window(period), project=OuterRef(outer))
        .order_by("-month")
        .values("year_to_date")[:1]
    )


def ytd_subquery(period: Period):
    """A plan's project's year-to-date investment (0 without a report)."""
    return Coalesce(Subquery(latest_ytd(period)), Value(ZERO), output_field=DecimalField())


def compute(
    plans,
    projects,
    period: Period,
    group_by: str | None = None,
    labels: dict | None = None,
    today: datetime.date | None = None,
):
    """Rates for ``plans`` (AnnualPlan queryset, already scoped) and ``projects`` (Project queryset).

    With ``group_by`` (a lookup such as ``project__zone__city``) returns (total, [per-unit Rates]);
    without it, (total, []). Two grouped aggregate queries, whatever the number of projects. From 1 July
    (``today``) the same plan query also gives the year's June figures, for 双过半.
    """
    figures = plan_figures(period)
    plans = plans.filter(year=period.year).annotate(ytd=ytd_subquery(period))
    live = figures["planned"]
    aggregates = {name: Count("pk", filter=figures[name]) for name in PLAN_COUNTS}
    aggregates["planned_investment"] = Sum("planned_investment", filter=live)
    aggregates["completed"] = Sum("ytd", filter=live)
    june_known = double_half_known(period.year, today or timezone.localdate())
    if june_known:
        june = Period(period.year, 6)
        june_live = plan_figures(june)["planned"]
        plans = plans.annotate(ytd_june=ytd_subquery(june))
        # First: once the alias "planned_investment" is defined it stands for the sum, not the field.
        aggregates = {
            "june_planned": Sum("planned_investment", filter=june_live),
            "june_completed": Sum("ytd_june", filter=june_live),
            **aggregates,
        }
    pfig = project_figures(period)
    paggs = {name: Count("pk", filter=pfig[name]) for name in PROJECT_COUNTS}
    # Only projects due to reach capacity in the period matter (an index on the planned date finds them).
    projects = projects.filter(planned_capacity_on__gte=period.start, planned_capacity_on__lte=period.end)
    if group_by:
        plan_rows = {r.pop(group_by): r for r in plans.values(group_by).annotate(**aggregates).order_by()}
        project_group = group_by.removeprefix("project__")
        project_rows = {r.pop(project_group): r for r in projects.values(project_group).annotate(**paggs).order_by()}
    else:
        plan_rows = {None: plans.aggregate(**aggregates)}
        project_rows = {None: projects.aggregate(**paggs)}
    units = []
    for key in sorted(set(plan_rows) | set(project_rows), key=lambda k: (k is None, k or 0)):
        row = plan_rows.get(key, {})
        r = Rates(period, key=key, label=(labels or {}).get(key, ""))
        r.counts = {n: row.get(n) or 0 for n in PLAN_COUNTS} | {
            n: project_rows.get(key, {}).get(n) or 0 for n in PROJECT_COUNTS
        }
        r.planned_investment = row.get("planned_investment") or ZERO
        r.completed = row.get("completed") or ZERO
        if june_known:
            r.june_planned = row.get("june_planned") or ZERO
            r.june_completed = row.get("june_completed") or ZERO
        units.append(r)
    total = Rates(period, label=str(_("合计")))
    total.counts = dict.fromkeys(PLAN_COUNTS + PROJECT_COUNTS, 0)  # zeros, not missing, when nothing is in scope
    if june_known:
        total.june_planned = total.june_completed = ZERO
    for u in units:
        total = total + u
    total.label = str(_("合计"))
    return total, (units if group_by else [])


def rebuilt(snapshot, period: Period, keep=None, today: datetime.date | None = None) -> Rates:
    """The period's :class:`Rates` as they stood at the end of ``snapshot``'s day (:class:`kaifaqu.core.asof.
    Snapshot`), over the rebuilt projects ``keep`` accepts (a function of a project; default all): the same figures
    (:func:`plan_figures`, :func:`project_figures`, :func:`ytd_window`) as :func:`compute`, applied in Python."""
    projects = {pk: p for pk, p in snapshot.rows(Project).items() if keep is None or keep(p)}
    plans = [p for p in snapshot.rows(AnnualPlan).values() if p.project_id in projects and p.year == period.year]
    for plan in plans:
        plan.project = projects[plan.project_id]
    reports: dict[int, list] = {}
    for r in snapshot.rows(MonthlyReport).values():
        if r.project_id in projects:
            reports.setdefault(r.project_id, []).append(r)

    def ytd(project_id, p: Period) -> Decimal:
        inside = [r for r in reports.get(project_id, []) if holds(ytd_window(p), r)]
        return max(inside, key=lambda r: r.month).year_to_date if inside else ZERO

    figures = plan_figures(period)
    out = Rates(period, label=str(_("合计")))
    out.counts = {name: sum(1 for p in plans if holds(figures[name], p)) for name in PLAN_COUNTS}
    pfig = project_figures(period)
    out.counts |= {name: sum(1 for p in projects.values() if holds(pfig[name], p)) for name in PROJECT_COUNTS}
    live = [p for p in plans if holds(figures["planned"], p)]
    out.planned_investment = sum((p.planned_investment for p in live), ZERO)
    out.completed = sum((ytd(p.project_id, period) for p in live), ZERO)
    if double_half_known(period.year, today or snapshot.day):
        june = Period(period.year, 6)
        june_live = [p for p in plans if holds(plan_figures(june)["planned"], p)]
        out.june_planned = sum((p.planned_investment for p in june_live), ZERO)
        out.june_completed = sum((ytd(p.project_id, june) for p in june_live), ZERO)
    return out


def rebuilt_grouped(snapshot, period: Period, keep, unit_of, today: datetime.date | None = None):
    """:func:`rebuilt` for the total and for each unit (``unit_of``: a rebuilt project's unit key), as
    :func:`compute` gives them with ``group_by``: (total, [per-unit Rates])."""
    total = rebuilt(snapshot, period, keep, today)
    keys = {unit_of(p) for p in snapshot.rows(Project).values() if keep(p)}
    units = []
    for key in sorted(keys, key=lambda k: (k is None, k or 0)):
        unit = rebuilt(snapshot, period, lambda p, key=key: keep(p) and unit_of(p) == key, today)
        unit.key, unit.label = key, ""
        units.append(unit)
    return total, units


def cohort_rebuilt(snapshot, project_ids, as_of: datetime.date) -> Cohort:
    """:func:`cohort` of the projects ``project_ids`` as they stood at the end of ``snapshot``'s day (the same
    :func:`cohort_figures`, applied in Python)."""
    rows = snapshot.rows(Project, project_ids)
    projects = [rows[pk] for pk in project_ids if pk in rows]
    f = cohort_figures(as_of)

    def total(items, attr):
        return as_shown(sum((getattr(p, attr) or ZERO for p in items), ZERO))

    chosen = {name: [p for p in projects if holds(q, p)] for name, q in f.items()}
    return Cohort(
        as_of=as_of,
        total=len(projects),
        **{name: len(items) for name, items in chosen.items()},
        investment=total(projects, "total_investment"),
        started_investment=total(chosen["started"], "total_investment"),
        producing_investment=total(chosen["producing"], "total_investment"),
        expected_output=total(projects, "expected_output"),
        producing_expected_output=total(chosen["producing"], "expected_output"),
        producing_actual_output=total(chosen["producing"], "actual_output"),
    )


def drill_down(projects, period: Period, figure: str):
    """The projects behind one figure (the same filter the aggregate counted)."""
    if figure in PROJECT_COUNTS:
        return projects.filter(project_figures(period)[figure])
    condition = plan_figures(period)[figure]
    plan_ids = AnnualPlan.objects.filter(year=period.year).filter(condition).values("project_id")
    return projects.filter(pk__in=plan_ids)


@dataclass
class Cohort:
    """Follow-up of a group of projects (a 三个一批 round's entries, a promotion's signed projects)."""

    as_of: datetime.date
    total: int = 0
    terminated: int = 0
    started: int = 0
    producing: int = 0
    at_capacity: int = 0
    investment: Decimal = ZERO
    started_investment: Decimal = ZERO
    producing_investment: Decimal = ZERO
    expected_output: Decimal = ZERO
    producing_expected_output: Decimal = ZERO
    producing_actual_output: Decimal = ZERO

    @property
    def live(self) -> int:
        return self.total - self.terminated

    @property
    def start_rate(self):
        """签约项目开工率 = started / signed (terminated left out of the denominator)."""
        return percent(self.started, self.live)

    @property
    def production_rate(self):
        """开工项目投产率 = producing / started."""
        return percent(self.producing, self.started)

    @property
    def output_rate(self):
        """达效率 = actual annual output / expected annual output of producing projects."""
        return percent(self.producing_actual_output, self.producing_expected_output)

    @property
    def investment_yi(self) -> Decimal:
        return wan_to_yi(self.investment)

    @property
    def expected_output_yi(self) -> Decimal:
        return wan_to_yi(self.expected_output)


def cohort_figures(as_of: datetime.date) -> dict[str, Q]:
    live = ~Q(terminated_on__lte=as_of)
    producing = live & Q(producing_on__lte=as_of)
    return {
        "terminated": ~live,
        "started": live & Q(started_on__lte=as_of),
        "producing": producing,
        "at_capacity": live & Q(capacity_on__lte=as_of),
    }


def cohort(projects, as_of: datetime.date) -> Cohort:
    """One aggregate query over ``projects`` (a Project queryset) as of a date."""
    f = cohort_figures(as_of)
    money = DecimalField(max_digits=18, decimal_places=2)
    sums = {
        "investment": Sum("total_investment"),
        "started_investment": Sum("total_investment", filter=f["started"]),
        "producing_investment": Sum("total_investment", filter=f["producing"]),
        "expected_output": Sum("expected_output"),
        "producing_expected_output": Sum("expected_output", filter=f["producing"]),
        "producing_actual_output": Sum("actual_output", filter=f["producing"]),
    }
    row = projects.aggregate(
        total=Count("pk"),
        **{name: Count("pk", filter=q) for name, q in f.items()},
        **{f"sum_{name}": Coalesce(agg, Value(ZERO), output_field=money) for name, agg in sums.items()},
    )
    row = {k.removeprefix("sum_"): as_shown(v) if k.startswith("sum_") else v for k, v in row.items()}
    return Cohort(as_of=as_of, **row)


def as_shown(amount) -> Decimal:
    """A summed amount in 万元 as it is shown and given by the API: two places, whatever the database returned
    (SQLite gives 110000, PostgreSQL 110000.00)."""
    return quantize(Decimal(amount or 0), 2)


@dataclass(frozen=True)
class Totals:
    """What any filtered set of projects adds up to (the figures zones quote: "共签约项目25个，总投资额379.85亿元"):
    sums in 万元 rounded as shown (2 places), the share completed since start of the total investment (占总投资%),
    and the period's year-to-date completed against the year's planned investment."""

    period: Period
    count: int
    total_investment: Decimal
    since_start: Decimal
    year_to_date: Decimal
    planned: Decimal

    @property
    def since_start_share(self) -> Decimal | None:
        """开工以来累计完成 as a percentage of 总投资."""
        return percent(self.since_start, self.total_investment)

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.year_to_date, self.planned)

    def as_dict(self) -> dict:
        return {
            "year": self.period.year,
            "month": self.period.month,
            "count": self.count,
            "total_investment": self.total_investment,
            "since_start": self.since_start,
            "since_start_share": self.since_start_share,
            "year_to_date": self.year_to_date,
            "planned": self.planned,
            "completion_rate": self.completion_rate,
        }


def totals(projects, period: Period) -> Totals:
    """:class:`Totals` of ``projects`` (any queryset of projects, filtered as the user asked) for ``period``: one
    aggregate query. 开工以来累计 is each project's latest report up to the period's month; 年初至今 its latest
    report of the period's year (:func:`latest_ytd`); planned its plan of the year."""

    money = DecimalField(max_digits=18, decimal_places=2)

    def latest(qs, column):
        return Coalesce(Subquery(qs.values(column)[:1]), Value(ZERO), output_field=money)

    since = MonthlyReport.objects.filter(project=OuterRef("pk"), month__lte=period.last_month).order_by("-month")
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=period.year)
    row = (
        Project.objects.filter(pk__in=projects.order_by().values("pk"))
        .annotate(
            _since=latest(since, "since_start"),
            _ytd=Coalesce(Subquery(latest_ytd(period, outer="pk")), Value(ZERO), output_field=money),
            _planned=latest(plan, "planned_investment"),
        )
        .aggregate(
            count=Count("pk"),
            total_investment=Sum("total_investment"),
            since_start=Sum("_since"),
            year_to_date=Sum("_ytd"),
            planned=Sum("_planned"),
        )
    )
    sums = {k: as_shown(row[k]) for k in ("total_investment", "since_start", "year_to_date", "planned")}
    return Totals(period, row["count"], **sums)


def period_from(params, today: datetime.date) -> Period:
    """The period a request names (``year`` and ``month``), or the reporting period when it names none or a bad
    one: a list's totals never fail on the period."""
    try:
        year, month = int(params.get("year", "")), int(params.get("month", ""))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return Period(year, month)
    except (TypeError, ValueError):
        pass
    return reporting_period(today)
