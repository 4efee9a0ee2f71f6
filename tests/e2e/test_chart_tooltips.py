"""Names in chart tooltips are text: a project, zone or city name that looks like HTML is shown as
written and never runs (ECharts renders tooltips as HTML, so every formatter escapes what it puts in).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.promotion import services
from kaifaqu.promotion.models import Agreement
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
D = datetime.date
PAYLOAD = '"><img src=x onerror=alert(1)>'
# ECharts puts its HTML tooltip in the chart's container, after the canvas layer.
TOOLTIP = "#{chart} > div:not(:first-child)"


def watch(page: Page) -> list:
    """Dialogs the page opens (an injected ``alert``); a flag is set if an injected ``img`` errors."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(
        """document.addEventListener("error", e => {
             if (e.target.tagName === "IMG") window.__injected = true; }, true);"""
    )
    return dialogs


def show_tip(page: Page, chart: str, series: int, index: int) -> None:
    page.wait_for_function(
        f"() => {{ const c = echarts.getInstanceByDom(document.getElementById('{chart}'));"
        f" return !!(c && c.getOption() && c.getOption().series.length > {series}); }}"
    )
    page.evaluate(
        f"""() => echarts.getInstanceByDom(document.getElementById("{chart}"))
                    .dispatchAction({{type: "showTip", seriesIndex: {series}, dataIndex: {index}}})"""
    )


def assert_shown_literally(page: Page, chart: str, dialogs: list, *texts: str) -> None:
    tooltip = page.locator(TOOLTIP.format(chart=chart)).filter(has_text=PAYLOAD)
    expect(tooltip).to_be_visible()
    for text in texts:
        expect(tooltip).to_contain_text(text)
    expect(page.locator(f"#{chart} img")).to_have_count(0)
    page.wait_for_timeout(300)  # an injected image errors (src=x) within milliseconds
    assert dialogs == []
    assert page.evaluate("() => window.__injected === undefined")


@pytest.fixture
def payload_project(zone_a):
    project = f.ProjectFactory(
        zone=zone_a,
        name=PAYLOAD,
        key_level="provincial",
        planned_start_on=D(2024, 2, 1),
        planned_production_on=D(2025, 6, 1),
        **f.reached("started", D(2024, 2, 10)),
    )
    return project


@pytest.mark.parametrize("viewer", ["alice", "city_user", "province_user"])
def test_board_tooltip_shows_a_project_name_as_text(new_page, login, request, payload_project, zone_a, viewer):
    user = request.getfixturevalue(viewer)
    page = new_page()
    dialogs = watch(page)
    login(page, user)
    page.goto(f"/projects/board/?zone={zone_a.pk}")
    expect(page.locator("#board-list a")).to_have_text([PAYLOAD])
    show_tip(page, "board-chart", 0, 0)  # the project's bar
    assert_shown_literally(page, "board-chart", dialogs)
    show_tip(page, "board-chart", 1, 0)  # a milestone: the project's name, then the milestone
    assert_shown_literally(page, "board-chart", dialogs, "2024-02-10")


def test_map_tooltip_shows_a_zone_short_name_as_text(new_page, login, alice, zone_a):
    zone_a.short_name = PAYLOAD
    zone_a.save()
    today = timezone.localdate()
    signed_on = max(today.replace(month=1, day=1), today - datetime.timedelta(days=10))
    lead = f.LeadFactory(zone=zone_a, company="签约企业有限公司", first_contact_on=signed_on)
    services.sign(Agreement(lead=lead, kind="formal", signed_on=signed_on, amount=Decimal("1234")))
    page = new_page()
    dialogs = watch(page)
    login(page, alice)
    page.goto("/promotion/map/")
    show_tip(page, "map", 1, 0)  # the zone's dot
    assert_shown_literally(page, "map", dialogs, "1234")


def test_dashboard_tooltips_show_names_as_text(new_page, login, city_user, zone_a):
    zone_a.name = PAYLOAD
    zone_a.save()
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=started, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    page = new_page()
    dialogs = watch(page)
    login(page, city_user)
    page.goto("/dashboard/?year=2025&month=9")
    expect(page.locator("#chart-units")).to_have_attribute("data-ready", "1")
    show_tip(page, "chart-units", 0, 0)  # the zone's bar (default tooltip)
    assert_shown_literally(page, "chart-units", dialogs)
