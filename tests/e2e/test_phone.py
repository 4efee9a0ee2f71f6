"""On a 390 px phone: a list shows its records before its filters (folded behind one button), and a wide table
keeps its first column in view while it scrolls sideways."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_project_list_opens_on_its_records_and_the_filters_unfold(new_page, login, alice, zone_a):
    f.ProjectFactory(zone=zone_a, name="碳纤维一期")
    page = new_page(**PHONE)
    login(page, alice)
    page.goto("/projects/?stage=reserve")
    first_row = page.locator("#results tbody tr").first
    expect(first_row).to_contain_text("碳纤维一期")
    assert first_row.bounding_box()["y"] < 400, "the first record is below the fold"
    expect(page.locator("#filters")).to_be_hidden()
    toggle = page.locator("#filters-toggle")
    expect(toggle).to_contain_text("1")  # one filter is set
    toggle.click()
    expect(page.locator("#filters")).to_be_visible()
    expect(page.locator("#id_stage")).to_have_value("reserve")


def test_a_wide_table_keeps_its_first_column_in_view(new_page, login, alice, zone_a):
    p = f.ProjectFactory(zone=zone_a, name="碳纤维一期", **f.reached("started", datetime.date(2025, 3, 1)))
    AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    page = new_page(**PHONE)
    login(page, alice)
    page.goto("/projects/")
    table = page.locator("#results .table-responsive")
    first = page.locator("#results tbody tr").first.locator("td").first
    before = first.bounding_box()["x"]
    table.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert table.evaluate("el => el.scrollLeft") > 0, "the table does not scroll: nothing to test"
    assert abs(first.bounding_box()["x"] - before) < 1
    expect(first).to_be_in_viewport()
