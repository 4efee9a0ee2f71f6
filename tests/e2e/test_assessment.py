"""The assessment in a real browser: the ranking, a zone's scorecard, and the explanation of one score."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.assessment.models import SchemeItem, ZoneFigure
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e


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
