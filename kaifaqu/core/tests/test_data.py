"""Reference data, demo database and the synthetic generator."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from kaifaqu.accounts.models import User
from kaifaqu.demo import synthetic
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.lib import creditcode
from kaifaqu.zones.models import City, Park, Zone


def test_reference_data_loads_cities_and_zones_idempotently(db):
    call_command("load_reference", stdout=io.StringIO())
    call_command("load_reference", stdout=io.StringIO())
    assert City.objects.count() == 11
    assert City.objects.get(code="140200").name == "大同"
    assert Zone.objects.count() == 47
    ty = Zone.objects.get(name="太原经济技术开发区")
    assert (ty.level, ty.planned_area, str(ty.approved_on)) == ("national", Decimal("14400.00"), "2001-06-01")
    unknown = Zone.objects.get(name="兴县经济技术开发区")
    assert (unknown.level, unknown.category, unknown.planned_area) == ("", "", None)
    assert Zone.objects.get(name="平顺生态文化旅游示范区").category == "eco_tourism"


def test_demo_database_has_seed_records_and_a_user_for_every_role(db):
    out = io.StringIO()
    call_command("build_demo", "--synthetic-enterprises", "20", stdout=out)
    assert "yungang" in out.getvalue() and "Kaifaqu@2026" in out.getvalue()
    assert {u.role for u in User.objects.all()} == {"province", "city", "zone", "agent", "enterprise"}
    yungang = Zone.objects.get(name="云冈经济技术开发区")
    assert yungang.industry_chains.count() == 7  # 7 产业链研究小组 (seed 000)
    assert Park.objects.filter(zone__name="高平经济技术开发区").count() >= 5
    huayang = Enterprise.objects.get(name="山西华阳碳材科技有限公司")
    assert creditcode.is_valid(huayang.credit_code) and "演示数据" in huayang.source
    call_command("build_demo", "--synthetic-enterprises", "0", stdout=io.StringIO())  # re-runnable
    assert Enterprise.objects.filter(name="山西华阳碳材科技有限公司").count() == 1


def _generate_and_rollback(**kwargs):
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            synthetic.generate(**kwargs)
            snapshot = list(Enterprise.objects.order_by("name").values_list("name", "credit_code", "industry"))
            zones = list(Zone.objects.order_by("name").values_list("name", flat=True))
            raise Rollback
    except Rollback:
        return snapshot, zones


@pytest.mark.django_db(transaction=True)
def test_synthetic_data_is_deterministic_and_valid():
    first = _generate_and_rollback(zones=60, enterprises=200, seed=7)
    second = _generate_and_rollback(zones=60, enterprises=200, seed=7)
    other = _generate_and_rollback(zones=60, enterprises=200, seed=8)
    assert first == second and first != other
    assert len(first[1]) == 60 and len(first[0]) == 200
    assert all(creditcode.is_valid(code) for _n, code, _i in first[0])
