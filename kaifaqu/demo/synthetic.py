"""Deterministic generator of realistic synthetic data at any scale (benchmarks, load tests, demos).

The same arguments always give the same records. Later capabilities (projects, approvals, leads)
extend :func:`generate` with their own tables. Every record is labelled in 数据来源 and written
with bulk inserts plus one change-history entry each.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaifaqu.core.history import change_context, record_bulk, serialize
from kaifaqu.core.models import ChangeAction, ChangeSource
from kaifaqu.enterprises.models import Enterprise, EnterpriseZone, SrdiTier
from kaifaqu.lib import creditcode
from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Problem, Project
from kaifaqu.projects.rates import reporting_period
from kaifaqu.zones.models import City, IndustryChain, Park, Zone, ZoneCategory, ZoneLevel
from kaifaqu.zones.reference import load_cities, load_zones

from .projects import Window, build_leads, build_problems, build_procedures, build_project, plans_and_reports

SOURCE = "合成数据（自动生成，非真实）"
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CHAIN_NAMES = [
    "新能源",
    "新材料",
    "先进装备制造",
    "医药健康",
    "绿色建材",
    "现代物流",
    "数字经济",
    "特种金属材料",
    "光伏",
    "氢能",
    "煤化工",
    "碳基新材料",
    "半导体",
    "节能环保",
    "现代农业",
    "文化旅游",
    "食品加工",
    "大数据",
]
INDUSTRIES = [
    "装备制造",
    "新材料",
    "新能源",
    "化工",
    "医药",
    "食品",
    "电子信息",
    "建材",
    "物流",
    "冶金",
    "纺织",
    "现代农业",
]
NAME_HEADS = "晋华宏泰鑫源德盛恒达中联新瑞丰隆安兴远昌汇通金诚正和嘉荣永信立博合润"
NAME_TAILS = ["科技", "实业", "新材料", "能源", "装备", "智能制造", "化工", "生物科技", "建材", "电子", "食品", "物流"]
COUNTY_SUFFIX = ["经济技术开发区", "高新技术产业开发区", "经济开发区", "现代农业产业示范区", "生态文化旅游示范区"]


@dataclass
class Counts:
    zones: int = 0
    parks: int = 0
    chains: int = 0
    enterprises: int = 0
    links: int = 0
    extra: dict = field(default_factory=dict)


def make_credit_code(rng: random.Random, division: str, taken: set) -> str:
    while True:
        org = "".join(rng.choice(ORG_ALPHABET) for _ in range(9))
        code = creditcode.complete("91" + division + org)
        if code not in taken:
            taken.add(code)
            return code


def _bulk(model, objs, history):
    model.objects.bulk_create(objs, batch_size=1000)
    if history is not None:
        history.extend((o, ChangeAction.CREATE, None, serialize(o)) for o in objs)
    return len(objs)


def last_full_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the reporting period: the last month that may be reported on."""
    return reporting_period(today or timezone.localdate()).last_month


def generate(
    *,
    zones: int = 93,
    enterprises: int = 2000,
    projects_per_zone: int = 0,
    months: int = 36,
    end: datetime.date | None = None,
    seed: int = 1,
    source: str = SOURCE,
    history: bool = True,
    only_zones=None,
    procedures: bool = False,
    problems: bool = False,
    leads_per_zone: int = 0,
) -> Counts:
    """Fill the database up to ``zones`` zones, each with parks and chains, and add ``enterprises``;
    with ``projects_per_zone``, give every zone (or ``only_zones``) that many key projects with plans and
    monthly reports over the ``months`` months ending with ``end`` (default: last full month), and with
    ``procedures`` / ``problems`` their approvals and problem ledger.

    ``history=False`` skips change-history entries: only for benchmark databases of millions of rows.
    """
    rng = random.Random(seed)
    counts = Counts()
    with transaction.atomic(), change_context(source=ChangeSource.COMMAND) as ctx:
        load_cities()
        load_zones()
        cities = list(City.objects.order_by("code"))
        history: list | None = [] if history else None
        existing = list(Zone.objects.select_related("city").order_by("pk"))
        names = {z.name for z in existing}
        new_zones = []
        i = 0
        while len(existing) + len(new_zones) < zones:
            i += 1
            city = cities[i % len(cities)]
            kind = rng.choices(range(5), weights=[55, 16, 10, 12, 7])[0]
            name = f"{city.name}第{i}{COUNTY_SUFFIX[kind]}"
            if name in names:
                continue
            names.add(name)
            category = [ZoneCategory.INDUSTRIAL] * 3 + [ZoneCategory.AGRICULTURE, ZoneCategory.ECO_TOURISM]
            new_zones.append(
                Zone(
                    name=name,
                    city=city,
                    county=f"{city.name}合成县{i % 9 + 1}",
                    category=category[kind],
                    level=ZoneLevel.NATIONAL if rng.random() < 0.07 else ZoneLevel.PROVINCIAL,
                    planned_area=Decimal(rng.randrange(1500, 45000)),
                    leading_industries="、".join(rng.sample(INDUSTRIES, 3)),
                    platform_company=f"{city.name}第{i}开发区投资建设有限公司",
                    source=source,
                )
            )
        counts.zones = _bulk(Zone, new_zones, history)
        all_zones = existing + new_zones
        parks, chains = [], []
        have_parks = set(Park.objects.values_list("zone_id", flat=True))
        have_chains = set(IndustryChain.objects.values_list("zone_id", flat=True))
        for z in all_zones:
            if z.pk not in have_parks:
                for p in range(rng.randint(1, 4)):
                    area = Decimal(rng.randrange(300, 6000))
                    parks.append(Park(zone=z, name=f"{'东西南北'[p]}区园", area=area, notes=source))
            if z.pk not in have_chains:
                for c in rng.sample(CHAIN_NAMES, rng.randint(3, 7)):
                    chains.append(
                        IndustryChain(
                            zone=z,
                            name=c,
                            research_group=f"{c}产业链研究小组",
                            group_leader=f"{rng.choice('王李张刘陈杨赵黄周吴')}主任",
                            description=source,
                        )
                    )
        counts.parks = _bulk(Park, parks, history)
        counts.chains = _bulk(IndustryChain, chains, history)

        taken = set(Enterprise.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        used_names = set(Enterprise.objects.values_list("name", flat=True))
        ents, zone_of = [], []
        serial = Enterprise.objects.count()
        for _ in range(enterprises):
            zone = rng.choice(all_zones)
            while True:
                serial += 1
                name = f"山西{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}第{serial}有限公司"
                if name not in used_names:
                    used_names.add(name)
                    break
            tier = rng.choices(["", SrdiTier.INNOVATIVE, SrdiTier.SRDI, SrdiTier.LITTLE_GIANT], weights=[88, 6, 5, 1])[
                0
            ]
            listed = rng.random() < 0.01
            ents.append(
                Enterprise(
                    name=name,
                    credit_code=make_credit_code(rng, zone.city.code, taken),
                    industry=rng.choice(INDUSTRIES),
                    is_above_scale=rng.random() < 0.3,
                    is_high_tech=rng.random() < 0.12,
                    srdi_tier=tier,
                    is_listed=listed,
                    stock_code=f"6{rng.randrange(10**5):05d}" if listed else "",
                    source=source,
                )
            )
            zone_of.append(zone)
        counts.enterprises = _bulk(Enterprise, ents, history)
        links = [EnterpriseZone(enterprise=e, zone=z) for e, z in zip(ents, zone_of, strict=True)]
        counts.links = _bulk(EnterpriseZone, links, history)
        if projects_per_zone:
            window = Window(end=end or last_full_month(), months=months)
            targets = list(only_zones) if only_zones is not None else all_zones
            counts.extra.update(
                _generate_projects(rng, targets, projects_per_zone, window, history, procedures, problems)
            )
        if leads_per_zone:
            targets = list(only_zones) if only_zones is not None else all_zones
            counts.extra.update(_generate_leads(rng, targets, leads_per_zone, history))
        if history is not None:
            record_bulk(history, ctx)
    return counts


# Zones whose signed projects from one region the demo seeds exactly (seed 000: 云冈's 25 京津冀 projects, 379.85 亿元):
# no random signed lead of theirs comes from that region, so the seeded figures are the ledger's.
SEEDED_SIGNED_REGIONS = {"云冈经济技术开发区": "京津冀"}


def _generate_leads(rng, zones, per_zone, history) -> dict:
    from kaifaqu.promotion.models import Agreement, AgreementKind, FollowUp, Lead, PromotionMode, SourceRegion
    from kaifaqu.promotion.services import load_defaults as load_lists

    load_lists()
    regions = {r.name: r for r in SourceRegion.objects.all()}
    modes = list(PromotionMode.objects.order_by("pk"))
    taken = set(Lead.objects.exclude(project=None).values_list("project_id", flat=True))
    serial = Lead.objects.count()
    today = last_full_month() + datetime.timedelta(days=27)
    counts = {"leads": 0, "follow_ups": 0}
    for zone in zones:
        chains = list(IndustryChain.objects.filter(zone=zone))
        projects = [p for p in Project.objects.filter(zone=zone, signed_on__isnull=False) if p.pk not in taken]
        seeded = SEEDED_SIGNED_REGIONS.get(zone.name, "")
        leads, follow_ups = build_leads(rng, zone, per_zone, regions, modes, chains, projects, today, serial, seeded)
        serial += per_zone
        counts["leads"] += _bulk(Lead, leads, history)
        counts["follow_ups"] += _bulk(FollowUp, follow_ups, history)
        # A lead that became a signed project has its agreement: the project's investment, on its signing day.
        agreements = [
            Agreement(
                lead=lead,
                kind=AgreementKind.FORMAL,
                signed_on=lead.project.signed_on,
                amount=lead.project.total_investment,
            )
            for lead in leads
            if lead.project is not None and lead.project.signed_on
        ]
        counts["agreements"] = counts.get("agreements", 0) + _bulk(Agreement, agreements, history)
    return counts


def _agents(zone, rng):
    """A zone's agency centre (领办员 and 代办员) as roster users without a password."""
    from kaifaqu.accounts.models import User

    existing = list(User.objects.filter(zone=zone, role="agent"))
    if len(existing) >= 3:
        return existing
    people = [
        User(
            username=f"agent{zone.pk}_{i}",
            full_name=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静丽强磊军洋')}",
            role="agent",
            zone=zone,
            agent_rank="lead" if i == 0 else "agent",
            password="!",
        )
        for i in range(rng.randint(3, 6))
        if not any(u.username == f"agent{zone.pk}_{i}" for u in existing)
    ]
    return existing + User.objects.bulk_create(people)  # a demo user already there works among them


def _confirmer(zone):
    """The zone staff member who confirms close-outs (a roster user without a password)."""
    from kaifaqu.accounts.models import User

    user, _created = User.objects.get_or_create(
        username=f"zone{zone.pk}", defaults={"role": "zone", "zone": zone, "password": "!"}
    )
    return user


def _generate_projects(rng, zones, per_zone, window, history, procedures=False, problems=False) -> dict:
    parks, chains, firms = defaultdict(list), defaultdict(list), defaultdict(list)
    ids = [z.pk for z in zones]
    for park in Park.objects.filter(zone_id__in=ids):
        parks[park.zone_id].append(park)
    for chain in IndustryChain.objects.filter(zone_id__in=ids):
        chains[chain.zone_id].append(chain)
    for link in EnterpriseZone.objects.filter(zone_id__in=ids).select_related("enterprise"):
        firms[link.zone_id].append(link.enterprise)
    serial = Project.objects.count()
    counts = {"projects": 0, "plans": 0, "reports": 0, "procedures": 0, "problems": 0}
    if procedures:
        from kaifaqu.approvals import calendar as holiday_calendar
        from kaifaqu.approvals.calendar import seed_from_package
        from kaifaqu.approvals.catalogue import load_defaults
        from kaifaqu.approvals.models import Procedure, ProcedureType

        seed_from_package()
        load_defaults()
        cal = holiday_calendar.current()
        types = list(ProcedureType.objects.order_by("pk"))
    for zone in zones:
        projects = []
        names = set(Project.objects.filter(zone=zone).values_list("name", flat=True))
        for _ in range(per_zone):
            serial += 1
            projects.append(
                build_project(
                    rng,
                    zone,
                    window,
                    serial,
                    parks=parks[zone.pk],
                    chains=chains[zone.pk],
                    enterprises=firms[zone.pk],
                    names=names,
                )
            )
        counts["projects"] += _bulk(Project, projects, history)
        plans, reports = [], []
        for p in projects:
            pl, rp = plans_and_reports(rng, p, window)
            plans += pl
            reports += rp
        counts["plans"] += _bulk(AnnualPlan, plans, history)
        counts["reports"] += _bulk(MonthlyReport, reports, history)
        if procedures:
            agents = _agents(zone, rng)
            items = []
            for p in projects:
                items += build_procedures(rng, p, types, agents, cal, window.last_day)
            counts["procedures"] += _bulk(Procedure, items, history)
        if problems:
            confirmer = _confirmer(zone)
            items = [q for p in projects for q in build_problems(rng, p, confirmer, window.last_day)]
            counts["problems"] += _bulk(Problem, items, history)
    return counts
