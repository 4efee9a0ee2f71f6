"""Land in a real browser: the land totals page on a phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e


def test_the_land_totals_page(new_page, login, alice, zone_a):
    f.LandParcelFactory(zone=zone_a, number="云冈2023-01号", area=Decimal("50.00"), price=Decimal("900.00"))
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, alice)
    page.goto("/land/?since=2020&year=2024&month=12")
    expect(page.locator("#land-kpis")).to_contain_text("1 宗 · 50.00 亩")
    expect(page.locator("#land-kpis")).to_contain_text("亩均 18.00 万元/亩")
