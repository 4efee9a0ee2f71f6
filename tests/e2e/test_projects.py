"""Key projects in a real browser: the project page chart, the 挂图作战 board, rates drill-down."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
D = datetime.date


@pytest.fixture
def projects(zone_a):
    started = f.ProjectFactory(
        zone=zone_a,
        name="高性能碳纤维项目",
        key_level="provincial",
        code="2024-140200-28-03-000001",
        planned_start_on=D(2024, 2, 1),
        planned_production_on=D(2025, 6, 1),
        **f.reached("started", D(2024, 2, 10)),
    )
    waiting = f.ProjectFactory(
        zone=zone_a,
        name="贝利精密铸造项目",
        key_level="city",
        planned_sign_on=D(2025, 1, 1),
        planned_start_on=D(2025, 4, 1),
    )
    for year, kind in ((2025, "continuing"),):
        AnnualPlan.objects.create(
            project=started, year=year, kind=kind, planned_investment=Decimal("1200"), resumed_on=D(2025, 3, 1)
        )
    AnnualPlan.objects.create(project=waiting, year=2025, kind="new_start", planned_investment=Decimal("800"))
    since = Decimal("0")
    for m in range(1, 10):
        since += 100
        f.MonthlyReportFactory(
            project=started, month=D(2025, m, 1), this_month=100, year_to_date=since, since_start=since + 5000
        )
    return started, waiting


def test_project_page_draws_the_investment_chart(page, login, alice, projects):
    started, _ = projects
    login(page, alice)
    page.goto(f"/projects/{started.pk}/")
    expect(page.locator("h1")).to_contain_text("高性能碳纤维项目")
    expect(page.locator("#milestones")).to_contain_text("2024-02-10")
    expect(page.locator("#investment-chart canvas")).to_have_count(1)
    expect(page.locator("#reports tbody tr")).to_have_count(9)


def test_board_shows_the_zones_key_projects_on_a_time_axis(page, login, alice, projects):
    login(page, alice)
    page.goto("/projects/board/")
    expect(page.locator("h1")).to_contain_text("挂图作战")
    expect(page.locator("#board-chart canvas")).to_have_count(1)
    expect(page.locator("#board-list a")).to_have_text(["高性能碳纤维项目", "贝利精密铸造项目"])
    page.screenshot(path="/tmp/kfq_e2e_board.png", full_page=True)


def test_rates_drill_down_lists_the_projects_behind_a_figure(page, login, alice, projects):
    login(page, alice)
    page.goto("/projects/rates/?year=2025&month=9")
    table = page.locator("#rates-table")
    expect(table).to_contain_text("50.0%")  # 开复工率: 1 of 2 (the new start has not started)
    table.locator("tr").last.locator("td.start-resume-rate a").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("高性能碳纤维项目")
    expect(page.locator("#results")).not_to_contain_text("贝利精密铸造项目")


def test_report_form_finds_the_project_by_typing(page, login, alice, projects):
    login(page, alice)
    page.goto("/reports/add/")
    search = page.locator("input[type=search]").first
    search.fill("碳纤维")
    select = page.locator("#id_project")
    expect(select.locator("option", has_text="高性能碳纤维项目")).to_have_count(1)


def test_a_new_report_starts_at_the_month_due_and_adds_up_as_the_month_is_typed(page, login, alice, projects):
    started, _ = projects  # reported up to 2025-09: YTD 900, since start 5,900
    login(page, alice)
    page.goto(f"/reports/add/?project={started.pk}")
    expect(page.locator("#id_month")).to_have_attribute("type", "month")
    expect(page.locator("#id_month")).to_have_value("2025-10")
    page.locator("#id_this_month").fill("120")
    expect(page.locator("#id_year_to_date")).to_have_value("1020.00")
    expect(page.locator("#id_since_start")).to_have_value("6020.00")
    page.locator("#id_since_start").fill("6100")  # typed by the user: no longer follows this month's figure
    page.locator("#id_this_month").fill("130")
    expect(page.locator("#id_year_to_date")).to_have_value("1030.00")
    expect(page.locator("#id_since_start")).to_have_value("6100")
