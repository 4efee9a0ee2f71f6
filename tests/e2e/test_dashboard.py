"""The dashboard in a real browser: charts render and a chart element drills down to its records."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
D = datetime.date


def test_dashboard_charts_render_and_a_bar_drills_down(page, login, alice, zone_a):
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=started, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    f.ProjectFactory(zone=zone_a, name="乙项目")
    login(page, alice)
    page.goto("/dashboard/?year=2025&month=9")
    for chart in ("chart-stages", "chart-units", "chart-funnel", "chart-problems"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    expect(page.locator("#kpi-start-resume")).to_have_text("100.0%")
    # Click the 储备 bar (first category): ECharts tells where the top of that bar is drawn.
    x, y = page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.getElementById("chart-stages"));
                   return c.convertToPixel({seriesIndex: 0}, [0, 1]); }"""
    )
    box = page.locator("#chart-stages canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y + 10)  # just inside the bar
    expect(page).to_have_url(re.compile(r"/projects/\?stage=reserve"))
    expect(page.locator("#results")).to_contain_text("乙项目")
    expect(page.locator("#results")).not_to_contain_text("甲项目")


def test_province_and_city_dashboards_render_with_the_map_and_drill_into_a_city(
    page, login, province_user, city_user, zone_a
):
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=started, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    login(page, province_user)
    page.goto("/dashboard/?year=2025&month=9")
    expect(page.locator("#chart-map canvas")).to_have_count(1)
    expect(page.locator("#chart-map")).to_have_attribute("data-ready", "1")
    page.locator("#units-table a", has_text="大同").click()  # the city's own dashboard
    expect(page).to_have_url(re.compile(r"city=\d+"))
    expect(page.locator("#kpi-start-resume")).to_have_text("100.0%")

    city_page = page.context.browser.new_context(base_url=page.url.split("/dashboard")[0], locale="zh-CN").new_page()
    login(city_page, city_user)
    city_page.goto("/dashboard/?year=2025&month=9")
    expect(city_page.locator("#chart-stages canvas")).to_have_count(1)
    expect(city_page.locator("#units-table")).to_contain_text(zone_a.name)
    city_page.context.close()


def test_the_red_schedule_line_is_drawn_and_clicking_a_city_on_the_map_opens_its_dashboard(
    page, login, province_user, zone_a
):
    """The map's regions are named as the cities are (no "大同市市"), so a click lands on that city's dashboard; the
    rates chart's axis reaches the 序时进度 line even when every bar stops below it."""
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=started, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    login(page, province_user)
    page.goto("/dashboard/?year=2025&month=11")  # 序时进度 91.7%, nothing completed: the bar is at 0
    expect(page.locator("#chart-units")).to_have_attribute("data-ready", "1")
    line, top = page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.getElementById("chart-units"));
                   const mark = c.getOption().series[0].markLine;
                   return [mark.data[0].yAxis, c.getModel().getComponent("yAxis").axis.scale.getExtent()[1]]; }"""
    )
    assert line == 91.7 and top >= 100
    expect(page.locator("#chart-map")).to_have_attribute("data-ready", "1")
    geo = json.loads((settings.BASE_DIR / "kaifaqu/static/vendor/echarts/map/shanxi.json").read_text())
    city = str(zone_a.city)
    centre = next(feat["properties"]["cp"] for feat in geo["features"] if feat["properties"]["name"] == city)
    x, y = page.evaluate(
        """(cp) => echarts.getInstanceByDom(document.getElementById("chart-map"))
                          .convertToPixel({seriesIndex: 0}, cp)""",
        centre,
    )
    page.locator("#chart-map").scroll_into_view_if_needed()
    box = page.locator("#chart-map canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page).to_have_url(re.compile(rf"city={zone_a.city_id}\b"))
    expect(page.locator("h1")).to_contain_text("工作看板")
    expect(page.locator("#units-table")).to_contain_text(zone_a.name)


def test_the_warning_panel_loads_after_the_page_with_its_method(page, login, alice, zone_a):
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=started, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    login(page, alice)
    page.goto("/dashboard/?year=2025&month=9")
    # No earlier year has reports in every month: the panel says so instead of printing a number.
    expect(page.locator("#forecast-total")).to_contain_text("历史数据不足")
    expect(page.locator("#forecast-method")).to_contain_text("按此前各年的季节规律推算")
