"""The assessment in a real browser: the ranking, a zone's scorecard, and the explanation of one score."""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.assessment.models import SchemeItem, ZoneFigure
from kaifaqu.assessment.runs import publish
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("KFQ_SCREENSHOTS", "")  # a folder to keep the pages' screenshots in, for looking at them


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_open_the_ranking_a_scorecard_and_the_explanation_of_a_score(
    new_page, login, province_user, zone_a, zone_b, viewport
):
    output = f.IndicatorFactory(code="industrial_output", name="规上工业总产值", period_kind="yearly")
    scheme = f.AssessmentSchemeFactory(
        name="2026年工业类开发区考核方案",
        sub_group="",
        groups=[["发展质量", 100]],
        excellent=Decimal(95),
        good=Decimal(80),
    )
    SchemeItem.objects.create(scheme=scheme, indicator=output, group="发展质量", weight=100)
    for zone, value in ((zone_a, 80), (zone_b, 100)):
        ZoneFigure.objects.create(zone=zone, indicator=output, month=datetime.date(2025, 12, 1), value=Decimal(value))
    run = f.AssessmentRunFactory(scheme=scheme, data_year=2025)
    page = new_page(viewport=viewport)
    login(page, province_user)
    page.goto(f"/assessment-runs/{run.pk}/")
    table = page.locator("#run-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text(zone_b.name)
    table.get_by_role("link", name=zone_a.name).click()
    expect(page.locator("#scorecard-summary")).to_contain_text("总分 80.00，第 2 名，良好")
    expect(page.locator(".scorecard-group")).to_contain_text("80，最优100：80/100 × 100 = 80.00分")
    # The zone user's "what if": 规上工业总产值 at 100 would have tied zone B for first place.
    page.select_option("#wi-indicator", label="规上工业总产值")
    page.fill("#wi-value", "100")
    page.locator("#what-if-form button").click()
    expect(page.locator("#what-if-result")).to_contain_text(
        "规上工业总产值由 80 变为 100：总分 80.00 → 100.00，名次 第 2 名 → 第 1 名"
    )
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/scorecard-what-if-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_ranks_across_the_years_and_the_movers(new_page, login, province_user, zone_a, zone_b, viewport):
    output = f.IndicatorFactory(code="industrial_output", name="规上工业总产值", period_kind="yearly")
    for year, (a, b) in ((2024, (100, 80)), (2025, (80, 100))):
        scheme = f.AssessmentSchemeFactory(
            year=year + 1, name=f"{year + 1}年工业类开发区考核方案", sub_group="", groups=[["发展质量", 100]]
        )
        SchemeItem.objects.create(scheme=scheme, indicator=output, group="发展质量", weight=100)
        for zone, value in ((zone_a, a), (zone_b, b)):
            ZoneFigure.objects.create(zone=zone, indicator=output, month=datetime.date(year, 12, 1), value=value)
        run = f.AssessmentRunFactory(scheme=scheme, data_year=year)
        publish(run.pk, province_user)
    page = new_page(viewport=viewport)
    login(page, province_user)
    page.goto("/assessment-runs/years/")
    expect(page.locator("#years-table tbody tr").first).to_contain_text(zone_b.name)
    expect(page.locator("#movers-up")).to_contain_text(f"{zone_b.name} 上升 1 位")
    expect(page.locator("#movers-down")).to_contain_text(f"{zone_a.name} 下降 1 位")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/assessment-years-{viewport['width']}.png", full_page=True)
