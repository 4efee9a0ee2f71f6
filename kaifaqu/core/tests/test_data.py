"""Reference data, demo database and the synthetic generator."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

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
    # The demo agent has procedures assigned, some of them open; the demo enterprise follows a running clock.
    from kaifaqu.approvals import calendar as holiday_calendar
    from kaifaqu.approvals.models import Procedure
    from kaifaqu.approvals.services import status_q

    today = timezone.localdate()
    open_now = status_q("open", today)
    if today.year not in holiday_calendar.current().years:
        # Early in a year whose holidays are not entered yet, an unfinished clock waits for the calendar and says so.
        open_now = status_q("error", today) & Q(clock_error__contains=f"{today.year}年")
    mine = Procedure.objects.filter(agent__username="yungang_daiban")
    assert mine.exists() and mine.filter(open_now).exists()
    assert Procedure.objects.filter(project__enterprise=huayang).filter(open_now).exists()
    call_command("build_demo", "--synthetic-enterprises", "0", stdout=io.StringIO())  # re-runnable
    assert Enterprise.objects.filter(name="山西华阳碳材科技有限公司").count() == 1
    _demo_data_makes_sense(today)


def _demo_data_makes_sense(today):
    """What a Shanxi official would check in the demo (issue 14, item 8)."""
    import re

    from django.db.models import Sum

    from kaifaqu.approvals.models import Procedure
    from kaifaqu.demo.projects import PROBLEMS
    from kaifaqu.projects.models import Campaign, Problem, Project
    from kaifaqu.promotion.models import Agreement

    # Every one of the 11 cities has zones with projects; names read like zones' own (no serial numbers).
    assert Project.objects.values("zone__city").distinct().count() == City.objects.count() == 11
    names = list(Project.objects.values_list("zone", "name"))
    assert not [n for _z, n in names if re.search(r"\d{5}$", n)] and len(set(names)) == len(names)
    assert len({n for _z, n in names}) > 0.6 * len(names)  # zones share some names (年产2GW光伏组件项目), not most
    # A national project code is given at filing, after signing: none on a project still to be signed, none dated
    # in a year to come.
    coded = list(Project.objects.exclude(code="").values_list("code", "signed_on"))
    assert coded and all(signed and int(code[:4]) == signed.year <= today.year for code, signed in coded)
    # Seed 000: 云冈's 京津冀 projects, 25 signed for 379.85 亿元, 15 started for 94 亿元, amounts that differ.
    from kaifaqu.demo.builder import JINGJINJI

    jjj = Project.objects.filter(zone__name="云冈经济技术开发区", lead__company__in=[c for c, *_r in JINGJINJI])
    assert jjj.count() == 25 and jjj.aggregate(s=Sum("total_investment"))["s"] == Decimal("3798500")
    started = jjj.filter(started_on__isnull=False)
    assert started.count() == 15 and started.aggregate(s=Sum("total_investment"))["s"] == Decimal("940000")
    assert jjj.values("total_investment").distinct().count() > 20
    # …and the ledger holds exactly them: seed 000's sentence checks out against the demo, its 62.5% on the
    # platform's count (the terminated one left out).
    from kaifaqu.reports import checker

    seed = "在承接“京津冀”产业转移方面，共考察对接企业343家，目前共签约项目25个，总投资额379.85亿元，已开工项目15个，总投资额94亿元，开工率达62.5%。"  # noqa: E501
    verdicts = {v.claim.text: v.status for v in checker.check(seed, User.objects.get(username="yungang"))["verdicts"]}
    assert verdicts == {
        "343家": "not_checkable",
        "25个": "consistent",
        "379.85亿元": "consistent",
        "15个": "consistent",
        "94亿元": "consistent",
        "62.5%": "conditional",
    }
    # Signings spread over the last twelve months, not bunched in one.
    year_ago = today - datetime.timedelta(days=365)
    months = {
        d.strftime("%Y-%m")
        for d in Agreement.objects.filter(signed_on__gt=year_ago).values_list("signed_on", flat=True)
    }
    assert len(months) >= 6, months
    # A problem's description and responsible unit belong to its category.
    pairs = set(Problem.objects.values_list("category", "description", "owner_unit"))
    assert pairs and pairs <= {(c, d, u) for c, (d, u) in PROBLEMS.items()}
    # Procedures in legal order: a later stage is never accepted before an earlier one of the same project.
    stages = {}
    for project, stage, accepted in Procedure.objects.exclude(accepted_on=None).values_list(
        "project", "type__stage", "accepted_on"
    ):
        stages.setdefault(project, {}).setdefault(stage, []).append(accepted)
    for project, by_stage in stages.items():
        ordered = [by_stage[k] for k in sorted(by_stage)]
        for earlier, later in itertools.pairwise(ordered):
            assert max(earlier) <= min(later), (project, by_stage)
    # A 三个一批 round this year, with its projects.
    round_ = Campaign.objects.filter(held_on__year=today.year).first()
    assert round_ is not None and round_.entries.exists()


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


def _regions() -> dict[str, list[list[tuple[float, float]]]]:
    """The outer rings of the Shanxi map's city regions, decoded from ECharts' compressed GeoJSON."""
    import json

    from django.conf import settings

    geo = json.loads((settings.BASE_DIR / "kaifaqu/static/vendor/echarts/map/shanxi.json").read_text())
    regions = {}
    for feature in geo["features"]:
        g = feature["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        offsets = [g["encodeOffsets"]] if g["type"] == "Polygon" else g["encodeOffsets"]
        rings = []
        for polygon, offset in zip(polygons, offsets, strict=True):
            encoded, (x, y) = polygon[0], offset[0]
            ring = []
            for i in range(0, len(encoded), 2):
                dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
                x += (dx >> 1) ^ -(dx & 1)
                y += (dy >> 1) ^ -(dy & 1)
                ring.append((x / 1024, y / 1024))
            rings.append(ring)
        regions[feature["properties"]["name"]] = rings
    return regions


def _inside(point, ring) -> bool:
    x, y = point
    crossings = False
    for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            crossings = not crossings
    return crossings


def test_every_demo_zone_is_placed_inside_its_own_city_on_the_map():
    from kaifaqu.demo import seeds

    regions = _regions()
    from kaifaqu.zones.reference import zone_rows

    city = {row["name"]: f"{row['city_name']}市" for row in zone_rows()}
    city |= {name: f"{c}市" for name, _short, c, *_rest in seeds.ZONES}
    city |= {"山西转型综合改革示范区": "太原市", "山西朔州经济开发区": "朔州市"}
    for zone, (lng, lat) in seeds.COORDINATES.items():
        point = (float(lng), float(lat))
        found = [name for name, rings in regions.items() if any(_inside(point, r) for r in rings)]
        assert found == [city[zone]], f"{zone} at {point} falls in {found}, not {city[zone]}"
