"""Deterministic synthetic key projects: lifecycle dates, annual plans, consistent monthly reports.

Used by the synthetic generator (benchmarks at province scale) and the demo database.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Project, ReportStatus

CENT = Decimal("0.01")
# Products with the capacities a project of that kind states (年产10万吨…, 2GW…); a few generic project words.
PRODUCTS = {
    "高性能碳纤维": ["年产1万吨", "年产5000吨", "年产2000吨"],
    "光伏组件": ["年产2GW", "年产5GW", "年产10GW"],
    "锂电池正极材料": ["年产2万吨", "年产5万吨", "年产10万吨"],
    "特种钢材": ["年产30万吨", "年产50万吨", "年产100万吨"],
    "装配式建筑构件": ["年产20万立方米", "年产30万立方米", "年产50万立方米"],
    "纸面石膏板": ["年产3000万平方米", "年产5000万平方米"],
    "氢燃料电池": ["年产1万套", "年产3万套", "年产5000套"],
    "智能矿山装备": ["年产500台套", "年产1000台套", "年产2000台套"],
    "生物医药": ["年产10亿片", "年产2亿支", "年产5000万支"],
    "功能食品": ["年产5万吨", "年产10万吨", "年产2万吨"],
    "煤矸石综合利用": ["年处理100万吨", "年处理200万吨", "年处理50万吨"],
    "储能电站": ["100MW/200MWh", "200MW/400MWh", "50MW/100MWh"],
    "精密铸件": ["年产5万吨", "年产3万吨", "年产10万吨"],
    "半导体材料": ["年产1000吨", "年产500吨", "年产3000吨"],
    "新型耐火材料": ["年产10万吨", "年产20万吨", "年产5万吨"],
    "冷链物流": ["10万吨", "5万吨", "20万吨"],
    "铝镁合金深加工": ["年产10万吨", "年产5万吨", "年产20万吨"],
    "碳化硅衬底": ["年产10万片", "年产20万片", "年产5万片"],
    "高端轴承": ["年产100万套", "年产50万套", "年产200万套"],
    "风电装备": ["年产300套", "年产500套", "年产1000套"],
    "焦炉煤气制氢": ["年产1万吨", "年产2万吨", "年产5000吨"],
    "生物降解材料": ["年产6万吨", "年产3万吨", "年产10万吨"],
    "中药配方颗粒": ["年产3000吨", "年产5000吨", "年产1000吨"],
    "特色农产品加工": ["年加工10万吨", "年加工5万吨", "年加工3万吨"],
    "陶瓷新材料": ["年产2万吨", "年产5000吨", "年产1万吨"],
    "新能源重卡": ["年产1万辆", "年产5000辆", "年产2万辆"],
}
PROJECT_WORDS = ["", "一期", "二期", "扩能改造", "智能化改造", "绿色低碳改造", "产业园", "生产基地", "研发中心"]


def project_name(rng: random.Random, taken: set) -> str:
    """A name as zones write them (年产2GW光伏组件项目, 煤矸石综合利用二期项目), new within ``taken``."""
    for _attempt in range(50):
        product = rng.choice(list(PRODUCTS))
        word = rng.choice(PROJECT_WORDS)
        if word in ("", "一期", "二期") and rng.random() < 0.7:
            name = f"{rng.choice(PRODUCTS[product])}{product}{word}项目"
        else:
            name = f"{product}{word or '生产线'}项目"
        if name not in taken:
            taken.add(name)
            return name
    phase = 3
    while f"{name[:-2]}{phase}期项目" in taken:
        phase += 1
    taken.add(f"{name[:-2]}{phase}期项目")
    return f"{name[:-2]}{phase}期项目"


def month_add(month: datetime.date, n: int) -> datetime.date:
    total = month.year * 12 + month.month - 1 + n
    return datetime.date(total // 12, total % 12 + 1, 1)


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Window:
    """The months the generator covers: ``months`` months ending with ``end`` (the first of a month)."""

    end: datetime.date
    months: int = 36

    @property
    def start(self) -> datetime.date:
        return month_add(self.end, -(self.months - 1))

    @property
    def last_day(self) -> datetime.date:
        return month_add(self.end, 1) - datetime.timedelta(days=1)


def _day(rng: random.Random, month: datetime.date) -> datetime.date:
    return month.replace(day=rng.randint(1, 28))


def build_project(
    rng: random.Random, zone, window: Window, serial: int, *, parks=(), chains=(), enterprises=(), names=None
):
    """One project with milestone dates consistent with the window (nothing after its last day); its name is new
    within ``names`` (the zone's names so far)."""
    key_level = rng.choices(["provincial", "city", ""], weights=[30, 50, 20])[0]
    total = money(rng.lognormvariate(10.2, 0.9))  # median ≈ 2.7 亿元
    total = max(total, Decimal("500.00"))
    # 70% started before the window, 30% start within it (or are still waiting).
    if rng.random() < 0.7:
        start_month = month_add(window.start, -rng.randint(1, 30))
    else:
        start_month = month_add(window.start, rng.randint(0, window.months + 6))
    sign_month = month_add(start_month, -rng.randint(1, 8))
    name = project_name(rng, names if names is not None else set())
    industry = rng.randint(13, 45)
    p = Project(
        zone=zone,
        name=name,
        nature=rng.choices(["new", "expansion", "renovation"], weights=[60, 25, 15])[0],
        is_transformation=rng.random() < 0.6,
        key_level=key_level,
        total_investment=total,
        land_area=money(float(total) / rng.uniform(150, 600)),
        expected_output=money(float(total) * rng.uniform(0.8, 2.5)),
        expected_tax=money(float(total) * rng.uniform(0.03, 0.12)),
        liaison_leader=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice(['主任', '副主任', '书记'])}",
        park=rng.choice(parks) if parks and rng.random() < 0.8 else None,
        chain=rng.choice(chains) if chains and rng.random() < 0.9 else None,
        enterprise=rng.choice(enterprises) if enterprises and rng.random() < 0.9 else None,
    )
    p.planned_sign_on = _day(rng, sign_month)
    p.planned_start_on = _day(rng, start_month)
    build_months = rng.randint(10, 30)
    p.planned_production_on = _day(rng, month_add(start_month, build_months))
    p.planned_capacity_on = _day(rng, month_add(start_month, build_months + rng.randint(6, 18)))
    last = window.last_day

    def actual(planned: datetime.date, slip_max: int) -> datetime.date | None:
        value = planned + datetime.timedelta(days=rng.randint(-20, slip_max))
        return value if value <= last else None

    p.signed_on = actual(p.planned_sign_on, 40)
    # The national code is given when the project is filed (备案), after signing: a project still to be signed has
    # none yet (储备项目可暂空), and no code carries a year still to come.
    p.code = f"{p.signed_on.year}-{zone.city.code}-{industry:02d}-03-{serial:06d}" if p.signed_on else ""
    p.started_on = actual(p.planned_start_on, 90) if p.signed_on else None
    if p.started_on and p.signed_on and p.started_on < p.signed_on:
        p.started_on = p.signed_on
    p.producing_on = actual(p.planned_production_on, 120) if p.started_on else None
    if p.producing_on and p.producing_on < p.started_on:
        p.producing_on = p.started_on
    p.capacity_on = actual(p.planned_capacity_on, 150) if p.producing_on else None
    if p.capacity_on and p.capacity_on < p.producing_on:
        p.capacity_on = p.producing_on
    if p.capacity_on:
        p.actual_output = money(float(p.expected_output) * rng.uniform(0.7, 1.2))
    reached = max(d for d in (p.signed_on, p.started_on, p.producing_on) if d) if p.signed_on else None
    ends = reached + datetime.timedelta(days=rng.randint(30, 400)) if reached else None
    if not p.capacity_on and rng.random() < 0.02 and ends and ends <= last:
        p.terminated_on = ends
        p.termination_reason = rng.choice(["企业资金链断裂", "市场变化，企业战略调整", "用地未能落实"])
    return p


# How a year's construction spreads over its months: little in the northern winter (Jan, Feb, Dec); sums to 12.
SEASON = [0.4, 0.5, 1.1, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 0.8]


def plans_and_reports(rng: random.Random, p: Project, window: Window):
    """Annual plans for each year the project builds within the window, and its monthly reports."""
    plans, reports = [], []
    if not p.started_on and not p.planned_start_on:
        return plans, reports
    end_build = p.producing_on or p.planned_production_on
    years = range(window.start.year, window.end.year + 1)
    planned_by_year = {}
    for year in years:
        begins = (p.started_on or p.planned_start_on).year
        if begins > year or (end_build and end_build.year < year):
            continue
        if p.terminated_on and p.terminated_on.year < year:
            continue
        kind = "new_start" if begins == year else "continuing"
        share = rng.uniform(0.25, 0.6)
        if kind == "new_start":  # a project starting in the year plans for the months it builds in
            start = p.started_on or p.planned_start_on
            share *= sum(SEASON[start.month - 1 :]) / 12
        planned = money(float(p.total_investment) * share)
        resumed = None
        if kind == "continuing" and rng.random() < 0.93:
            resumed = datetime.date(year, rng.randint(2, 4), rng.randint(1, 28))
            if resumed > window.last_day:
                resumed = None
        plans.append(AnnualPlan(project=p, year=year, kind=kind, planned_investment=planned, resumed_on=resumed))
        planned_by_year[year] = planned
    if not p.started_on:
        return plans, reports
    month = max(window.start, p.started_on.replace(day=1))
    # Investment made before the window started.
    before = Decimal(0)
    if p.started_on.replace(day=1) < window.start:
        before = money(float(p.total_investment) * rng.uniform(0.1, 0.4))
    since, ytd = before, Decimal(0)
    stop = window.end
    if p.terminated_on:
        stop = min(stop, p.terminated_on.replace(day=1))
    if p.capacity_on:
        stop = min(stop, month_add(p.capacity_on.replace(day=1), 2))
    # Most projects keep near the plan (Shanxi's zones report completion around the 序时进度); a few lag far behind.
    pace = min(1.4, max(0.4, rng.gauss(1.02, 0.12)))
    if rng.random() < 0.06:
        pace *= rng.uniform(0.4, 0.7)
    while month <= stop:
        if month.month == 1:
            ytd = Decimal(0)
        plan = planned_by_year.get(month.year, p.total_investment * Decimal("0.1"))
        first = p.started_on.month if p.started_on.year == month.year else 1
        share = SEASON[month.month - 1] / sum(SEASON[first - 1 :])
        amount = money(float(plan) * share * pace * rng.uniform(0.85, 1.15))
        amount = min(amount, p.total_investment - since)
        since += amount
        ytd += amount
        reports.append(
            MonthlyReport(
                project=p,
                month=month,
                this_month=amount,
                year_to_date=ytd,
                since_start=since,
                progress="主体施工" if since < p.total_investment / 2 else "设备安装调试",
                status=ReportStatus.REVIEWED,
            )
        )
        month = month_add(month, 1)
    _plans_as_built(plans, reports, pace, finished=stop < window.end, end=window.end)
    return plans, reports


def _plans_as_built(plans, reports, pace: float, *, finished: bool, end: datetime.date) -> None:
    """Each year's plan as the project was really paced against it: a project that ran out of investment to make, or
    finished within the year, planned what it built, so its completion rate reflects its pace, not its budget."""
    built, months = {}, {}
    for r in reports:
        built[r.month.year] = built.get(r.month.year, Decimal(0)) + r.this_month
        months.setdefault(r.month.year, []).append(r.month.month)
    for plan in plans:
        done = built.get(plan.year)
        if not done:
            continue  # planned but not started in the year: it stays behind, as such projects are
        reported = months[plan.year]
        first, last = min(reported), max(reported)
        if plan.year == end.year and not finished:
            last = 12  # the year is still running: its plan covers the months to come
        weight = sum(SEASON[first - 1 : last]) / sum(SEASON[m - 1] for m in reported)
        plan.planned_investment = money(float(done) * weight / pace)


def build_procedures(rng: random.Random, project: Project, types, agents, cal, today: datetime.date):
    """A started project's approvals: accepted in the months before it started, most done within the limit
    (often far within, as the agency centres report), a few still open — some of them overdue."""
    from kaifaqu.approvals.models import ApprovalStage, Mode, Procedure
    from kaifaqu.lib.workdays import OutsideCalendar

    anchor = project.started_on or project.planned_start_on
    if anchor is None:
        return []
    # In legal order: 立项用地规划 → 工程建设许可 → 施工许可 before the start, 竣工验收 only once the project is
    # built (accepted shortly before it went into production).
    chosen = sorted(rng.sample(types, min(len(types), rng.randint(7, 10))), key=lambda t: (t.stage, t.pk))
    before = sorted((rng.randint(10, 150) for _ in chosen), reverse=True)
    in_hand = anchor > today - datetime.timedelta(days=90) and rng.random() < 0.8  # starting now: filings in hand
    out = []
    for t, days in zip(chosen, before, strict=True):
        if t.stage == ApprovalStage.ACCEPTANCE:
            if project.producing_on is None:
                continue
            accepted = project.producing_on - datetime.timedelta(days=rng.randint(5, 40))
        else:
            accepted = anchor - datetime.timedelta(days=days)
            if in_hand:
                accepted = today - datetime.timedelta(days=days // 6 + 1)
        if accepted > today:
            continue
        try:
            accepted = cal.next_workday(accepted)
            due = (cal.add_calendar_days if t.day_kind == "calendar" else cal.add_workdays)(accepted, t.limit_days)
            completed = None
            recent = (today - accepted).days < 60  # only recent filings are still being processed
            if not recent or rng.random() < 0.5:
                used = max(1, int(t.limit_days * rng.uniform(0.2, 1.05)))
                completed = (cal.add_calendar_days if t.day_kind == "calendar" else cal.add_workdays)(accepted, used)
                if completed > today:
                    completed = None
            days_used = None
            if completed:
                count = cal.count_calendar_days if t.day_kind == "calendar" else cal.count_workdays
                days_used = count(accepted, completed)
        except OutsideCalendar:
            continue
        agent = rng.choice(agents) if agents else None
        mode = (
            Mode.COMMITMENT
            if t.allows_commitment and rng.random() < 0.3
            else rng.choice([Mode.REGULAR, Mode.PARALLEL, Mode.TOLERANT])
        )
        out.append(
            Procedure(
                project=project,
                type=t,
                mode=mode,
                applied_on=accepted - datetime.timedelta(days=rng.randint(0, 5)),
                accepted_on=accepted,
                completed_on=completed,
                agent=agent,
                due_on=due,
                days_used=days_used,
                certificate_no=f"证{project.pk:06d}-{t.pk:03d}" if completed else "",
            )
        )
    return out


PROBLEMS = {
    "land": ("用地指标未落实", "自然资源局"),
    "energy": ("能耗指标待省级审批", "发展改革局"),
    "funding": ("项目贷款审批进度慢", "金融服务中心"),
    "labour": ("技术工人招聘困难", "人力资源和社会保障局"),
    "approval": ("施工许可办理材料待补正", "行政审批服务管理局"),
    "utilities": ("双回路供电线路未接入", "供电公司"),
    "other": ("周边道路未贯通", "住房和城乡建设局"),
}


def build_problems(rng: random.Random, project: Project, confirmer, today: datetime.date):
    """Some of a started project's blocking problems (问题清单): raised in the half year before ``today``, with
    deadlines on both sides of it; most older ones closed out (a few of them late), some resolved awaiting
    close-out, some open — and a few closed without a recorded date, as imports leave them."""
    from kaifaqu.projects.models import Problem, ProblemStatus

    if project.started_on is None or rng.random() < 0.5:
        return []
    out = []
    for _ in range(rng.randint(1, 3)):
        category = rng.choice(list(PROBLEMS))
        description, unit = PROBLEMS[category]
        raised = max(project.started_on, today - datetime.timedelta(days=rng.randint(0, 180)))
        deadline = raised + datetime.timedelta(days=rng.randint(7, 90))
        problem = Problem(
            project=project,
            category=category,
            description=description,
            owner_unit=unit,
            owner_person=f"{rng.choice('王李张刘陈杨赵黄周吴')}科长",
            raised_on=raised,
            deadline=deadline,
        )
        roll = rng.random()
        if roll < 0.45 and raised < today:
            closed = min(today, raised + datetime.timedelta(days=rng.randint(1, 120)))
            problem.status = ProblemStatus.CLOSED
            problem.resolution = "已协调解决"
            problem.resolved_on = closed
            problem.closed_on = None if rng.random() < 0.05 else closed
            problem.closed_by = confirmer
        elif roll < 0.6 and raised < today:
            problem.status = ProblemStatus.RESOLVED
            problem.resolution = "已协调解决，待开发区确认销号"
            problem.resolved_on = min(today, raised + datetime.timedelta(days=rng.randint(1, 60)))
        out.append(problem)
    return out


COMPANY_PLACES = ["北京", "天津", "河北", "上海", "江苏", "浙江", "广东", "深圳", "雄安", "太原", "合肥", "香港"]
REGION_OF_PLACE = {
    "北京": "京津冀",
    "天津": "京津冀",
    "河北": "京津冀",
    "上海": "长三角",
    "江苏": "长三角",
    "浙江": "长三角",
    "广东": "粤港澳",
    "深圳": "粤港澳",
    "雄安": "雄安",
    "太原": "省内",
    "合肥": "其他",
    "香港": "境外",
}


def build_leads(
    rng: random.Random,
    zone,
    count: int,
    regions: dict,
    modes: list,
    chains: list,
    projects: list,
    today: datetime.date,
    serial: int,
    signed_not_from: str = "",
):
    """Leads of a zone with their follow-ups; a few signed (linked to the zone's projects). None of the signed ones
    comes from the region ``signed_not_from`` (whose signed projects the demo seeds exactly, as 云冈's 京津冀 ones)."""
    from kaifaqu.promotion.models import FollowUp, Lead, name_key

    stages = ["clue", "contact", "visit", "negotiation"]
    leads, follow_ups = [], []
    free_projects = list(projects)
    rng.shuffle(free_projects)
    # The most recently signed come first (taken from the end): the platform's leads are its recent signings.
    free_projects.sort(key=lambda p: p.signed_on or datetime.date.min)
    for i in range(count):
        place = rng.choice(COMPANY_PLACES)
        project = free_projects.pop() if free_projects and rng.random() < 0.3 else None
        if project and REGION_OF_PLACE[place] == signed_not_from:
            place = rng.choice([p for p in COMPANY_PLACES if REGION_OF_PLACE[p] != signed_not_from])
        company = (
            f"{place}{rng.choice('华新中远恒智鑫')}{rng.choice('科能材装链')}"
            f"{rng.choice(['科技', '新能源', '新材料', '智能装备', '实业'])}{serial + i:06d}有限公司"
        )
        first = today - datetime.timedelta(days=rng.randint(5, 900))
        stage = "signed" if project else rng.choices(stages, weights=[40, 30, 18, 12])[0]
        if project and project.started_on:
            stage = "landed"
        if project and project.signed_on and project.signed_on < first:
            first = project.signed_on - datetime.timedelta(days=rng.randint(30, 300))
        lead = Lead(
            zone=zone,
            company=company,
            name_key=name_key(company),
            source_region=regions[REGION_OF_PLACE[place]],
            mode=rng.choice(modes),
            chain=rng.choice(chains) if chains else None,
            stage=stage,
            likelihood=rng.choices(["high", "medium", "low"], weights=[25, 45, 30])[0],
            intended_investment=money(rng.lognormvariate(9.5, 1.0)),
            first_contact_on=first,
            project=project,
            contact_person=f"{rng.choice('王李张刘陈杨赵黄周吴')}总",
            liaison_leader="管委会副主任",
        )
        leads.append(lead)
        last = None
        for _ in range(rng.randint(2, 6)):
            day = first + datetime.timedelta(days=rng.randint(0, max(0, (today - first).days)))
            last = max(last or day, day)
            follow_ups.append(
                FollowUp(
                    lead=lead,
                    kind=rng.choice(["phone", "visit_in", "visit_out", "inspection", "negotiation", "roadshow"]),
                    date=day,
                    people="招商部",
                    content="介绍园区要素保障与支持政策",
                    next_step="安排实地考察",
                )
            )
        lead.last_follow_up_on = last
    return leads, follow_ups
