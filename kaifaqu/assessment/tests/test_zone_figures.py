"""Zone indicators: the catalogue as data, zone figures with 同比 computed beside the reported growth, figures
derived from the ledgers, roll-ups, and the same refusal of a bad figure on every write path."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kaifaqu.assessment import catalogue, services
from kaifaqu.assessment.models import Indicator, ZoneFigure
from kaifaqu.projects.models import AnnualPlan, MonthlyReport
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Zone

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_loaded(db):
    catalogue.load_defaults()
    return {i.code: i for i in Indicator.objects.all()}


def test_the_default_catalogue_loads_once_and_keeps_an_administrators_edit(catalogue_loaded):
    value_added = catalogue_loaded["industrial_value_added"]
    assert (value_added.name, value_added.unit, value_added.additive) == ("规上工业增加值", "亿元", True)
    assert catalogue_loaded["transformation_share"].additive is False
    value_added.source = "市统计局"
    value_added.save()
    assert catalogue.load_defaults() == 0 and Indicator.objects.get(pk=value_added.pk).source == "市统计局"


def test_seed_growth_is_computed_from_the_same_period_a_year_earlier_beside_the_reported_one(catalogue_loaded, zone_a):
    """Seed 001: 灵石 1–2月 工业增加值 11 亿元, 同比增长 13.8%; seed 000: 云冈 1–6月 工业投资 21.73 亿元, 55.03%."""
    value_added, investment = catalogue_loaded["industrial_value_added"], catalogue_loaded["industrial_investment"]
    ZoneFigure.objects.create(zone=zone_a, indicator=value_added, month=D(2024, 2, 1), value=Decimal("9.6661"))
    ZoneFigure.objects.create(
        zone=zone_a, indicator=value_added, month=D(2025, 2, 1), value=Decimal("11"), reported_growth=Decimal("13.8")
    )
    row = next(
        r
        for r in services.overview(Zone.objects.filter(pk=zone_a.pk), D(2025, 2, 1), True)
        if r.indicator == value_added
    )
    assert (row.value, row.previous, row.growth, row.reported_growth, row.growth_gap) == (
        Decimal("11"),
        Decimal("9.6661"),
        Decimal("13.80"),
        Decimal("13.8"),
        False,
    )
    ZoneFigure.objects.create(zone=zone_a, indicator=investment, month=D(2024, 6, 1), value=Decimal("14.02"))
    ZoneFigure.objects.create(
        zone=zone_a, indicator=investment, month=D(2025, 6, 1), value=Decimal("21.73"), reported_growth=Decimal("55.03")
    )
    row = next(
        r
        for r in services.overview(Zone.objects.filter(pk=zone_a.pk), D(2025, 6, 1), True)
        if r.indicator == investment
    )
    assert row.growth == Decimal("54.99") and not row.growth_gap  # within a point: a restated base, not flagged
    ZoneFigure.objects.filter(indicator=investment, month=D(2024, 6, 1)).update(value=Decimal("12"))
    row = next(
        r
        for r in services.overview(Zone.objects.filter(pk=zone_a.pk), D(2025, 6, 1), True)
        if r.indicator == investment
    )
    assert row.growth == Decimal("81.08") and row.growth_gap  # far from the reported 55.03: flagged


def test_investment_and_the_transformation_share_are_derived_from_the_project_ledgers(catalogue_loaded, zone_a):
    for i, (transformation, ytd) in enumerate(((True, 7900), (False, 2100))):
        p = f.StartedProjectFactory(zone=zone_a, is_transformation=transformation, total_investment=100000)
        AnnualPlan.objects.create(
            project=p, year=2025, kind="continuing", planned_investment=20000, resumed_on=D(2025, 2, 1)
        )
        MonthlyReport.objects.create(
            project=p, month=D(2025, 6, 1), this_month=100, year_to_date=ytd, since_start=50000 + i
        )
    zones = Zone.objects.filter(pk=zone_a.pk)
    assert services.derived_value(catalogue_loaded["industrial_investment"], zones, D(2025, 6, 1)) == Decimal("1.0000")
    assert services.derived_value(catalogue_loaded["transformation_investment"], zones, D(2025, 6, 1)) == Decimal(
        "0.7900"
    )
    assert services.derived_value(catalogue_loaded["transformation_share"], zones, D(2025, 6, 1)) == Decimal("79.00")
    assert services.derived_value(catalogue_loaded["industrial_output"], zones, D(2025, 6, 1)) is None  # entered only


def test_a_city_rolls_up_what_adds_up_and_not_a_rate(catalogue_loaded, city_a, zone_a):
    other = f.ZoneFactory(city=city_a, name="大同第二开发区")
    output, share = catalogue_loaded["industrial_output"], catalogue_loaded["rd_intensity"]
    for zone, value in ((zone_a, "30.5"), (other, "12.25")):
        ZoneFigure.objects.create(zone=zone, indicator=output, month=D(2025, 12, 1), value=Decimal(value))
        ZoneFigure.objects.create(zone=zone, indicator=share, month=D(2025, 12, 1), value=Decimal("2.1"))
    rows = {r.indicator.code: r for r in services.overview(Zone.objects.filter(city=city_a), D(2025, 12, 1), False)}
    assert rows["industrial_output"].value == Decimal("42.75") and rows["industrial_output"].reporting == 2
    assert rows["rd_intensity"].value is None and rows["rd_intensity"].reporting == 2


BAD = [
    ({"month": "2999-01"}, "month", "尚未结束"),
    ({"indicator": "high_tech_enterprises", "month": "2025-06"}, "month", "统计期末月应为 12 月"),
    ({"indicator": "high_tech_enterprises", "month": "2025-12", "value": "-3"}, "value", "不能为负数"),
    ({"indicator": "high_tech_enterprises", "month": "2025-12", "value": "2.5"}, "value", "应为整数"),
    ({"reported_growth": "1380"}, "reported_growth", "超过 1000%"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_a_bad_figure_gets_the_same_refusal_from_form_api_and_import(
    change, field, message, catalogue_loaded, client_for, alice, zone_a
):
    indicator = catalogue_loaded[change.get("indicator", "industrial_output")]
    data = {"zone": zone_a.pk, "indicator": indicator.pk, "month": "2025-06", "value": "12.5", **change}
    data["indicator"] = indicator.pk
    c = client_for(alice)
    page = c.post("/zone-figures/add/", data)
    assert page.status_code == 400 and message in page.content.decode()
    api = c.post("/api/zone-figures/", data)
    assert api.status_code == 400 and field in api.json() and message in str(api.json()[field])
    wb = Workbook()
    ws = wb.active
    ws.append(["开发区", "指标", "统计期末月", "数值", "公布增速（%）", "备注"])
    ws.append([zone_a.name, indicator.name, data["month"], data["value"], data.get("reported_growth"), ""])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "指标.xlsx"
    imported = c.post("/zone-figures/import/", {"file": buf})
    assert message in imported.content.decode()
    assert ZoneFigure.objects.count() == 0


def test_the_overview_page_for_a_zone_user_and_an_outsider(catalogue_loaded, client_for, alice, zone_a, zone_b):
    ZoneFigure.objects.create(
        zone=zone_a, indicator=catalogue_loaded["industrial_output"], month=D(2025, 6, 1), value=Decimal("75.26")
    )
    c = client_for(alice)
    r = c.get("/indicators/overview/?year=2025&month=6")
    page = r.content.decode()
    assert r.status_code == 200 and 'id="indicator-table"' in page and "规上工业总产值" in page and "75.26" in page
    assert "None" not in page
    assert c.get(f"/indicators/overview/?year=2025&month=6&zone={zone_b.pk}").status_code == 404
    assert c.get("/indicators/overview/?year=2999&month=6").status_code == 400
    api = c.get("/api/indicators/overview/?year=2025&month=6").json()
    output = next(r for r in api["rows"] if r["indicator"] == "industrial_output")
    assert (output["value"], output["previous"], output["growth"]) == ("75.2600", None, None)
    assert api["place"] == zone_a.name and api["zones"] == 1
    assert c.get(f"/api/indicators/overview/?zone={zone_b.pk}").status_code == 404
    assert c.get("/api/indicators/overview/?year=2999&month=6").status_code == 400


def test_the_overview_charts_an_indicator_this_year_against_the_last(catalogue_loaded, client_for, alice, zone_a):
    output = catalogue_loaded["industrial_output"]
    for month, now, before in ((3, "30", "25"), (6, "75.26", "66.84")):
        ZoneFigure.objects.create(zone=zone_a, indicator=output, month=D(2025, month, 1), value=Decimal(now))
        ZoneFigure.objects.create(zone=zone_a, indicator=output, month=D(2024, month, 1), value=Decimal(before))
    r = client_for(alice).get("/indicators/overview/?year=2025&month=6&trend=industrial_output")
    chart = r.context["chart"]
    assert chart["value"][:6] == [None, None, 30.0, None, None, 75.26] and chart["previous"][2] == 25.0
    assert chart["growth"][2] == 20.0 and chart["growth"][5] == 12.6 and chart["months"][0] == "1月"
    assert 'id="chart-trend"' in r.content.decode()


def test_the_dashboard_loads_the_zones_figures_with_their_growth(catalogue_loaded, client_for, alice, zone_a):
    output = catalogue_loaded["industrial_output"]
    ZoneFigure.objects.create(zone=zone_a, indicator=output, month=D(2025, 6, 1), value=Decimal("75.26"))
    ZoneFigure.objects.create(zone=zone_a, indicator=output, month=D(2024, 6, 1), value=Decimal("66.84"))
    c = client_for(alice)
    assert (
        'hx-get="/dashboard/indicators/?year=2025&amp;month=6"'
        in c.get("/dashboard/?year=2025&month=6").content.decode()
    )
    card = c.get("/dashboard/indicators/?year=2025&month=6").content.decode()
    assert 'id="indicator-card"' in card and "规上工业总产值（亿元）" in card and "75.26" in card and "12.60%" in card
    assert "/indicators/overview/?year=2025&amp;month=6" in card
    empty = c.get("/dashboard/indicators/?year=2025&month=5").content.decode()
    assert "暂无填报或台账生成的指标数据" in empty
