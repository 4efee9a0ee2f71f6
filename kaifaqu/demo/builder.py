"""The demo database: reference data, the zones, parks, chains and enterprises the news reports
name (shared/seeds), some synthetic enterprises around them, and a demo user for every role."""

from __future__ import annotations

import random

from django.db import transaction

from kaifaqu.accounts.models import User
from kaifaqu.core.history import change_context
from kaifaqu.core.models import ChangeSource
from kaifaqu.core.scoping import Role
from kaifaqu.enterprises.models import Enterprise, EnterpriseZone
from kaifaqu.zones.models import City, IndustryChain, Park, Zone
from kaifaqu.zones.reference import load_cities, load_zones

from . import seeds, synthetic

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
        cities = {c.name: c for c in City.objects.all()}
        for name, short, city, county, category, level, source in seeds.ZONES:
            Zone.objects.get_or_create(
                name=name,
                defaults=dict(
                    short_name=short, city=cities[city], county=county, category=category, level=level, source=source
                ),
            )
        zones = {z.name: z for z in Zone.objects.all()}
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
                    source=source + ";信用代码为虚构",
                ),
            )
            if created:
                EnterpriseZone.objects.create(enterprise=ent, zone=zone)
    counts = synthetic.generate(
        zones=Zone.objects.count(), enterprises=synthetic_enterprises, seed=seed, source="演示数据(合成)"
    )
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
    return {"users": users, "synthetic": counts}
