"""The demo database: reference data, the zones, parks, chains and enterprises the news reports
name (shared/seeds), some synthetic enterprises around them, and a demo user for every role."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from kaifaqu.accounts.models import User
from kaifaqu.approvals.calendar import seed_from_package
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.assessment.catalogue import load_defaults as load_indicators
from kaifaqu.assessment.catalogue import load_template
from kaifaqu.core.history import change_context
from kaifaqu.core.models import ChangeSource
from kaifaqu.core.scoping import Role
from kaifaqu.enterprises.models import Enterprise, EnterpriseZone
from kaifaqu.land.standards import load_defaults as load_land_standards
from kaifaqu.projects.models import AnnualPlan, Campaign, CampaignEntry, DispatchMeeting, Problem, Project
from kaifaqu.zones.models import City, IndustryChain, Park, Zone
from kaifaqu.zones.reference import load_cities, load_zones

from . import seeds, synthetic
from .projects import PROBLEMS

PROJECT_ZONES = {
    "云冈经济技术开发区",
    "平鲁经济技术开发区",
    "高平经济技术开发区",
    "平遥经济技术开发区",
    "介休经济技术开发区",
    "襄汾经济技术开发区",
    "山西转型综合改革示范区",
    "山西朔州经济开发区",
    "阳泉高新技术产业开发区",
    "闻喜经济技术开发区",
    "长治高新技术产业开发区",
    "山西忻州经济开发区",
    "山西孝义经济开发区",
}  # at least one zone in each of the 11 cities

DEMO_PASSWORD = "Kaifaqu@2026"  # demo database only; printed by the run command

# username, full name, role, city name, zone name, enterprise name, is_staff
DEMO_USERS = [
    ("admin", "平台管理员", Role.PROVINCE, None, None, None, True),
    ("sheng", "省商务厅开发区处", Role.PROVINCE, None, None, None, False),
    ("datong", "大同市商务局", Role.CITY, "大同", None, None, False),
    ("yungang", "云冈经开区管委会", Role.ZONE, None, "云冈经济技术开发区", None, False),
    ("pinglu", "平鲁经开区管委会", Role.ZONE, None, "平鲁经济技术开发区", None, False),
    ("yungang_daiban", "云冈代办中心代办员", Role.AGENT, None, "云冈经济技术开发区", None, False),
    ("huayang", "华阳碳材项目联系人", Role.ENTERPRISE, None, None, "山西华阳碳材科技有限公司", False),
]


def build(*, synthetic_enterprises: int = 300, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
        load_cities()
        load_zones()
        seed_from_package()
        load_defaults()
        load_indicators()
        load_template()
        load_land_standards()
        cities = {c.name: c for c in City.objects.all()}
        for name, short, city, county, category, level, source in seeds.ZONES:
            Zone.objects.get_or_create(
                name=name,
                defaults=dict(
                    short_name=short, city=cities[city], county=county, category=category, level=level, source=source
                ),
            )
        zones = {z.name: z for z in Zone.objects.all()}
        for name, (lng, lat) in seeds.COORDINATES.items():
            zone = zones.get(name)
            if zone is not None and zone.longitude is None:
                zone.longitude, zone.latitude = Decimal(lng), Decimal(lat)
                zone.source = "；".join(filter(None, [zone.source, "坐标为县（市、区）驻地附近的示意位置"]))
                zone.save()
        for zone_name, parks in seeds.PARKS.items():
            for park in parks:
                Park.objects.get_or_create(zone=zones[zone_name], name=park, defaults={"notes": seeds.SEED_002})
        for zone_name, chains in seeds.CHAINS.items():
            for chain, group in chains:
                IndustryChain.objects.get_or_create(
                    zone=zones[zone_name], name=chain, defaults={"research_group": group}
                )
        taken = set(Enterprise.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        for name, zone_name, industry, above, high_tech, tier, stock, source in seeds.ENTERPRISES:
            zone = zones[zone_name]
            ent, created = Enterprise.objects.get_or_create(
                name=name,
                defaults=dict(
                    credit_code=synthetic.make_credit_code(rng, zone.city.code, taken),
                    industry=industry,
                    is_above_scale=above,
                    is_high_tech=high_tech,
                    srdi_tier=tier,
                    is_listed=bool(stock),
                    stock_code=stock,
                    source=source + "；信用代码为虚构",
                ),
            )
            if created:
                EnterpriseZone.objects.create(enterprise=ent, zone=zone)
    # The demo users first: the demo agent then works in 云冈's agency centre and is assigned procedures.
    with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
        users = []
        for username, full_name, role, city, zone, enterprise, staff in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults=dict(
                    full_name=full_name,
                    role=role,
                    is_staff=staff,
                    is_superuser=staff,
                    city=cities.get(city) if city else None,
                    zone=Zone.objects.get(name=zone) if zone else None,
                    enterprise=Enterprise.objects.get(name=enterprise) if enterprise else None,
                ),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            users.append((username, full_name, user.get_role_display(), user.scope_label))
    counts = synthetic.generate(
        zones=Zone.objects.count(), enterprises=synthetic_enterprises, seed=seed, source="演示数据（合成）"
    )
    if not Project.objects.exists():
        demo_zones = [z for z in Zone.objects.select_related("city").order_by("name") if z.name in PROJECT_ZONES]
        synthetic.generate(
            zones=Zone.objects.count(),
            enterprises=0,
            projects_per_zone=25,
            months=24,
            seed=seed,
            only_zones=demo_zones,
            source="演示数据（合成）",
            procedures=True,
            leads_per_zone=30,
        )
        with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
            _seed_projects(rng)
            _campaigns_problems_meetings(rng)
            _yungang_jingjinji(rng)
            _zone_figures()
            _assessment_scheme()
            _land(rng)
            _published_bulletin()
    with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
        _running_clocks(rng)
    return {"users": users, "synthetic": counts}


def _running_clocks(rng: random.Random) -> None:
    """The demo enterprise and the demo agent each follow at least one running clock: a filing of a project under
    construction, accepted a few working days ago and handled by the zone's demo agent."""
    from kaifaqu.approvals.models import Procedure
    from kaifaqu.approvals.services import status_q

    today = timezone.localdate()
    unfinished = status_q("open", today) | status_q("error", today)
    enterprise_name = next(e for *_u, e, _s in DEMO_USERS if e)
    agent_name = next(username for username, _n, role, *_rest in DEMO_USERS if role == Role.AGENT)
    agent = User.objects.filter(username=agent_name).first()
    projects = Project.objects.filter(enterprise__name=enterprise_name)
    if not Procedure.objects.filter(project__in=projects).filter(unfinished).exists():
        _running_clock(projects, agent)
    if agent and not Procedure.objects.filter(agent=agent).filter(unfinished).exists():
        _running_clock(Project.objects.filter(zone=agent.zone, terminated_on=None), agent)


def _running_clock(projects, agent) -> None:
    """A working-day filing of the most recently started of ``projects``, at a stage no earlier than its filings so
    far, accepted a few working days ago; handled by ``agent`` when the project is in the agent's zone."""
    from kaifaqu.approvals import calendar as holiday_calendar
    from kaifaqu.approvals.models import Procedure, ProcedureType
    from kaifaqu.approvals.services import save_procedure

    today = timezone.localdate()
    kind = None
    for project in projects.order_by(F("started_on").desc(nulls_last=True), "pk")[:30]:
        reached = project.procedures.aggregate(s=Max("type__stage"))["s"] or 0  # legal order: no earlier stage now
        kind = (
            ProcedureType.objects.filter(day_kind="working", stage__gte=reached)
            .exclude(pk__in=project.procedures.values("type"))
            .order_by("stage", "pk")
            .first()
        )
        if kind:
            break
    if kind is None:
        return
    cal = holiday_calendar.current()
    if not cal.years or min(cal.years) > today.year:
        return

    def counted(day: datetime.date) -> bool:
        # Days of a year whose holidays are not entered yet (early January before the State Council's notice) are
        # passed over: the filing is then accepted on the last known working day and its clock waits for the calendar.
        return day.year in cal.years and cal.is_workday(day)

    accepted, back = today, min(5, max(kind.limit_days - 3, 0))  # a few working days ago, well inside the limit
    while back:
        accepted -= datetime.timedelta(days=1)
        back -= counted(accepted)
    while not counted(accepted):
        accepted -= datetime.timedelta(days=1)
    agent = agent if agent and agent.zone_id == project.zone_id else None
    save_procedure(Procedure(project=project, type=kind, applied_on=accepted, accepted_on=accepted, agent=agent))


def _seed_projects(rng: random.Random) -> None:
    """The projects the news reports name, at the stage the reports describe."""
    today = timezone.localdate()
    for zone_name, name, firm, total, land, level, stage, source in seeds.PROJECTS:
        zone = Zone.objects.get(name=zone_name)
        start = today.replace(day=1) - datetime.timedelta(days=400)
        p = Project(
            zone=zone,
            name=name,
            enterprise=Enterprise.objects.filter(name=firm).first(),
            total_investment=Decimal(total),
            land_area=Decimal(land),
            key_level=level,
            construction_content=source,
            is_transformation=True,
            planned_sign_on=start - datetime.timedelta(days=90),
            planned_start_on=start,
            planned_production_on=start + datetime.timedelta(days=300),
            planned_capacity_on=start + datetime.timedelta(days=500),
            expected_output=Decimal(total) * 2,
            liaison_leader="管委会主任",
        )
        p.signed_on = p.planned_sign_on
        if stage in ("started", "producing", "at_capacity"):
            p.started_on = start + datetime.timedelta(days=10)
        if stage in ("producing", "at_capacity"):
            p.producing_on = min(today, start + datetime.timedelta(days=320))
        if stage == "at_capacity":
            p.capacity_on = today - datetime.timedelta(days=5)
            p.actual_output = Decimal(total) * 2
        p.save()
        AnnualPlan.objects.create(
            project=p,
            year=today.year,
            kind="continuing" if p.started_on and p.started_on.year < today.year else "new_start",
            planned_investment=(Decimal(total) / 3).quantize(Decimal("0.01")),
        )


def _campaigns_problems_meetings(rng: random.Random) -> None:
    projects = list(Project.objects.order_by("pk"))
    for name, day in seeds.CAMPAIGNS_2023:
        c = Campaign.objects.create(name=name, held_on=datetime.date.fromisoformat(day), level="province")
        for kind in ("signed", "started", "producing"):
            for p in rng.sample(projects, 12):
                CampaignEntry.objects.get_or_create(campaign=c, project=p, kind=kind)
    _this_years_round(rng, projects)
    today = timezone.localdate()
    for p in rng.sample([p for p in projects if p.started_on and not p.terminated_on], 30):
        raised = max(p.started_on, today - datetime.timedelta(days=rng.randint(10, 120)))
        category = rng.choice(list(PROBLEMS))
        description, unit = PROBLEMS[category]  # the description and the unit that answers it belong together
        Problem.objects.create(
            project=p,
            category=category,
            description=description,
            owner_unit=unit,
            owner_person=f"{rng.choice('王李张刘陈杨赵黄周吴')}科长",
            raised_on=raised,
            deadline=raised + datetime.timedelta(days=rng.randint(15, 90)),
        )
    zone = Zone.objects.get(name="山西转型综合改革示范区")
    meeting = DispatchMeeting.objects.create(
        zone=zone,
        held_on=today - datetime.timedelta(days=20),
        title="省级重点工程项目调度会",
        chair="崔俊林",
        decisions="加快已开工项目投资进度，推动未开工项目尽快开工，紧盯“双过半”目标任务。" + seeds.SEED_002,
    )
    meeting.projects.set(Project.objects.filter(zone=zone)[:8])


def _this_years_round(rng: random.Random, projects: list) -> None:
    """This year's latest 三个一批 round (集中签约、开工、投产), held at the start of the current quarter, with the
    projects that signed, started or went into production in the four months before it."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3
    held = min(today, datetime.date(today.year, 3 * quarter + 1, 10))
    if quarter == 0 and held.month == 1 and held.day < 10:
        held = today
    c = Campaign.objects.create(
        name=f"{today.year}年第{'一二三四'[quarter]}批“三个一批”活动", held_on=held, level="province"
    )
    since = held - datetime.timedelta(days=120)
    for kind, field in (("signed", "signed_on"), ("started", "started_on"), ("producing", "producing_on")):
        fitting = [p for p in projects if getattr(p, field) and since <= getattr(p, field) <= held]
        for p in rng.sample(fitting, min(12, len(fitting))):
            CampaignEntry.objects.get_or_create(campaign=c, project=p, kind=kind)


# Seed 000's 京津冀 projects: 25 signed, 379.85 亿元; 15 of them started, 94 亿元 (万元 each; the sums are exact).
JINGJINJI = [
    ("北京京源清洁能源有限公司", "云冈200MW光伏发电项目", "86000"),
    ("北京华电睿能新能源有限公司", "大同云冈风光储一体化项目", "152000"),
    ("北京康泰瑞生物制药有限公司", "血液制品生产基地项目", "58000"),
    ("天津津晶光电科技有限公司", "年产5GW高效光伏组件项目", "96000"),
    ("北京驰远新能源汽车零部件有限公司", "新能源汽车零部件产业园项目", "72000"),
    ("河北冀恒特钢有限公司", "年产30万吨特种钢材深加工项目", "65000"),
    ("北京筑联建设科技有限公司", "装配式建筑构件智能工厂项目", "38000"),
    ("天津恒锂新材料科技有限公司", "年产5万吨磷酸铁锂正极材料项目", "91000"),
    ("北京中磁新材料科技有限公司", "高性能稀土永磁材料项目", "54000"),
    ("河北晶盛硅业有限公司", "单晶硅片扩能改造项目", "68000"),
    ("北京氢途动力科技有限公司", "年产1万套氢燃料电池系统项目", "45000"),
    ("北京云链智慧物流有限公司", "云冈智能物流园项目", "62000"),
    ("天津渤源化工新材料有限公司", "煤基新材料一期项目", "27000"),
    ("北京金石建材有限公司", "年产3000万平方米石膏板及轻钢龙骨项目", "12000"),
    ("北京本草康健食品有限公司", "黄芪功能食品精深加工项目", "14000"),
    # not started (10, of which the last terminated)
    ("北京国储能源科技有限公司", "云冈400MW/800MWh储能电站项目", "260000"),
    ("北京轨驰装备制造有限公司", "轨道交通装备制造基地项目", "420000"),
    ("北京博储系统集成有限公司", "储能系统集成产业园项目", "186000"),
    ("北京中矸环保科技有限公司", "煤矸石综合利用发电二期项目", "228000"),
    ("北京数港云计算有限公司", "云冈大数据中心项目", "520000"),
    ("天津荣晟氢能冶金有限公司", "氢冶金示范项目", "398000"),
    ("北京华芯精密装备有限公司", "半导体装备零部件项目", "176000"),
    ("河北新源燃气储运有限公司", "LNG储运调峰中心项目", "234000"),
    ("北京绿运冷链物流有限公司", "冷链物流枢纽项目", "216500"),
    ("北京禾丰智慧农业科技有限公司", "智慧农业装备产业园项目", "220000"),
]
JINGJINJI_STARTED = 15


# The zones' own statistics as the seeds report them (value, reported growth where given) and the year before
# (synthetic), so the platform's 同比 sits beside the published one: seed 000 (云冈 1–6月), seed 001 (灵石 1–2月).
ZONE_FIGURES = [
    ("云冈经济技术开发区", "industrial_investment", 6, "21.73", "55.03", "14.02"),
    ("云冈经济技术开发区", "industrial_output", 6, "75.26", "", "66.84"),
    ("云冈经济技术开发区", "industrial_value_added", 6, "35.2", "", "31.77"),
    ("灵石经济技术开发区", "industrial_value_added", 2, "11", "13.8", "9.6661"),
]


def _zone_figures() -> None:
    """The seeds' zone figures in the last full year and the year before it."""
    from kaifaqu.assessment.models import Indicator, ZoneFigure

    year = timezone.localdate().year - 1
    indicators = {i.code: i for i in Indicator.objects.all()}
    for zone_name, code, month, value, growth, before in ZONE_FIGURES:
        zone = Zone.objects.filter(name=zone_name).first()
        if zone is None or code not in indicators:
            continue
        for y, v, g in ((year, value, growth), (year - 1, before, None)):
            ZoneFigure.objects.create(
                zone=zone,
                indicator=indicators[code],
                month=datetime.date(y, month, 1),
                value=Decimal(v),
                reported_growth=Decimal(g) if g else None,
            )


# The seeds' land: 云冈 sold 35 标准地 parcels of 3,332.20 亩 in 2020–2024 (seed 000); 高平 reserved 3,033 亩, used
# 1,077 亩 for infrastructure and sold 1,272 亩 as 标准地 (seed 002). Industry classes of their leading industries.
LAND = {
    "云冈经济技术开发区": {
        "parcels": 35,
        "area": "3332.20",
        "years": (2020, 2024),
        "classes": ("36", "37", "39", "30"),
    },
    "高平经济技术开发区": {"parcels": 14, "area": "1272.00", "years": (2020, 2024), "classes": ("34", "35", "14")},
}


def _land(rng: random.Random) -> None:
    from kaifaqu.land.models import LandParcel, LandReserve
    from kaifaqu.land.services import save_parcel

    for zone_name, spec in LAND.items():
        zone = Zone.objects.filter(name=zone_name).first()
        if zone is None:
            continue
        reserve = None
        if zone_name.startswith("高平"):
            reserve = LandReserve.objects.create(
                zone=zone,
                name="高平经开区先进装备制造园储备地块",
                area=Decimal("3033.00"),
                reserved_on=datetime.date(2019, 4, 18),
                cost=Decimal("45495.00"),
                source="米山镇、三甲镇村集体",
                serviced=True,
                infrastructure_area=Decimal("1077.00"),
            )
        total, n = Decimal(spec["area"]), spec["parcels"]
        weights = [rng.randint(60, 140) for _ in range(n)]
        areas = [(total * w / sum(weights)).quantize(Decimal("0.01")) for w in weights]
        areas[-1] = total - sum(areas[:-1])
        buyers = list(zone.enterprises.order_by("pk")[:n])
        first, last = spec["years"]
        for i, area in enumerate(areas):
            year = first + i * (last - first + 1) // n
            sold = datetime.date(year, rng.randint(3, 11), rng.randint(1, 28))
            parcel = LandParcel(
                zone=zone,
                number=f"{zone.short_name or zone.name}{year}-{i + 1:02d}号",
                area=area,
                land_use="industrial",
                industry_code=spec["classes"][i % len(spec["classes"])],
                is_standard=True,
                reserve=reserve,
                status="producing" if year <= last - 2 else "started",
                sale_way="listing",
                sold_on=sold,
                price=(area * Decimal(rng.randint(1500, 2300)) / 100).quantize(Decimal("0.01")),
                buyer=buyers[i] if i < len(buyers) else None,
            )
            save_parcel(parcel, old=None)


def _assessment_scheme() -> None:
    """A demo scheme for the industrial zones scored on what the ledgers hold (so every zone has figures), and a
    draft run on last year's data."""
    from kaifaqu.assessment.models import AssessmentRun, AssessmentScheme, Indicator, SchemeAdjustment, SchemeItem

    year = timezone.localdate().year
    indicators = {i.code: i for i in Indicator.objects.all()}
    scheme = AssessmentScheme.objects.create(
        year=year,
        category="industrial",
        name=f"{year}年工业类开发区考核方案（演示）",
        groups=[["发展质量", 70], ["改革创新", 30]],
        grading="top",
        excellent=Decimal(2),
        good=Decimal(3),
        passing=Decimal(3),
        warn_bottom=3,
    )
    for code, group, weight, rule, target in (
        ("industrial_investment", "发展质量", 40, "share_of_best", None),
        ("signed_investment", "发展质量", 30, "share_of_best", None),
        ("transformation_share", "改革创新", 20, "ratio_to_target", Decimal(60)),
        ("commitment_share", "改革创新", 10, "ratio_to_target", Decimal(80)),
    ):
        if code in indicators:
            SchemeItem.objects.create(
                scheme=scheme, indicator=indicators[code], group=group, weight=weight, rule=rule, target=target
            )
    SchemeAdjustment.objects.create(scheme=scheme, kind="deduction", name="中央巡视发现问题", per_case=Decimal("0.3"))
    SchemeAdjustment.objects.create(scheme=scheme, kind="deduction", name="省级巡视发现问题", per_case=Decimal("0.2"))
    SchemeAdjustment.objects.create(scheme=scheme, kind="veto", name="重大安全事故")
    AssessmentRun.objects.create(scheme=scheme, data_year=year - 1)


def _yungang_jingjinji(rng: random.Random) -> None:
    """Seed 000: 云冈 courting 京津冀 — 25 projects signed (379.85 亿元 in all), 15 started; one signed project
    later terminated, which is how the article's 开工率 62.5% (15/24) comes about."""
    from kaifaqu.promotion.models import Agreement, FollowUp, Lead, PromotionMode, SourceRegion, Trip
    from kaifaqu.promotion.services import sign

    zone = Zone.objects.get(name="云冈经济技术开发区")
    region = SourceRegion.objects.get(name="京津冀")
    mode = PromotionMode.objects.get(name="精准招商")
    chains = list(zone.industry_chains.all())
    today = timezone.localdate()
    for i, (company, project_name, amount) in enumerate(JINGJINJI):
        amount = Decimal(amount)
        first = today - datetime.timedelta(days=700 - i * 10)
        lead = Lead.objects.create(
            zone=zone,
            company=company,
            project_name=project_name,
            source_region=region,
            mode=mode,
            chain=rng.choice(chains),
            stage="negotiation",
            likelihood="high",
            first_contact_on=first,
            liaison_leader="管委会主任",
        )
        FollowUp.objects.create(
            lead=lead,
            kind="inspection",
            date=first + datetime.timedelta(days=20),
            people="招商部",
            content="来访考察园区",
            next_step="商谈协议",
        )
        agreement = sign(
            Agreement(lead=lead, kind="formal", signed_on=first + datetime.timedelta(days=90), amount=amount)
        )
        project = agreement.lead.project
        if i < JINGJINJI_STARTED:
            project.started_on = project.signed_on + datetime.timedelta(days=60)
            project.save()
        elif i == 24:
            project.terminated_on = project.signed_on + datetime.timedelta(days=30)
            project.termination_reason = "企业战略调整，项目终止"
            project.save()
    trip = Trip.objects.create(
        zone=zone,
        start_on=today - datetime.timedelta(days=40),
        end_on=today - datetime.timedelta(days=37),
        destination="北京、天津",
        leader="云冈经开区主要领导",
        participants="招商部",
        outcomes="对接企业 12 家",
    )
    trip.leads.set(Lead.objects.filter(zone=zone).order_by("?")[:5])


def _published_bulletin() -> None:
    """Last month's province bulletin, published (frozen, 第1期) by the province's demo user, so the demo shows one."""
    from kaifaqu.reports.bulletin import publish
    from kaifaqu.reports.models import Bulletin

    publisher = next(username for username, _n, role, *_rest in DEMO_USERS if role == Role.PROVINCE and not _rest[-1])
    bulletin = Bulletin.objects.create(month=synthetic.last_full_month(), level="province")
    publish(bulletin.pk, User.objects.filter(username=publisher).first())
