"""The dashboard in a real browser: charts render and a chart element drills down to its records."""

import datetime
import re
from decimal import Decimal

import pytest
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
