"""Investment promotion in a real browser: the 招商地图 draws Shanxi's cities on its canvas; the 招商看板
shows the pipeline's stage columns with the zone's leads in them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kaifaqu.promotion import services
from kaifaqu.promotion.models import Agreement
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
SCREENSHOT = "/tmp/kfq_e2e_map.png"
CITIES = ["太原市", "大同市", "阳泉市", "长治市", "晋城市", "朔州市", "晋中市", "运城市", "忻州市", "临汾市", "吕梁市"]
STAGES = ["线索", "接洽", "考察", "洽谈", "签约", "落地"]

# Painted pixels of the map's canvas: neither transparent nor (near) white.
PAINTED_PIXELS = """(canvas) => {
  const ctx = canvas.getContext("2d");
  const {data} = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245)) painted++;
  }
  return {painted, total: canvas.width * canvas.height};
}"""

# The regions the geo component drew, read back from the chart.
GEO_REGIONS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById("map"));
  const geo = chart.getModel().getComponent("geo").coordinateSystem;
  return geo.regions.map(r => r.name);
}"""


@pytest.fixture
def signed_this_year(zone_a, zone_b):
    """Agreements signed this year in 大同 (云冈) and 朔州 (平鲁), so the cities are coloured."""
    today = timezone.localdate()
    signed_on = max(today.replace(month=1, day=1), today - datetime.timedelta(days=10))
    for zone, amount in ((zone_a, "379850"), (zone_b, "120000")):
        lead = f.LeadFactory(zone=zone, company=f"{zone.name}签约企业有限公司", first_contact_on=signed_on)
        services.sign(Agreement(lead=lead, kind="formal", signed_on=signed_on, amount=Decimal(amount)))


def test_the_investment_map_draws_shanxi(page: Page, login, province_user, signed_this_year):
    login(page, province_user)
    page.goto("/promotion/map/")
    expect(page.locator("h1")).to_contain_text("招商地图")
    canvas = page.locator("#map canvas").first
    expect(canvas).to_be_attached()
    # Wait until ECharts has fetched the GeoJSON and painted the regions.
    page.wait_for_function(
        "() => { const c = document.querySelector('#map canvas'); if (!c) return false;"
        " const chart = echarts.getInstanceByDom(document.getElementById('map'));"
        " return !!(chart && chart.getModel() && chart.getModel().getComponent('geo')); }"
    )
    page.wait_for_function(
        "() => { const c = document.querySelector('#map canvas'); if (!c) return false;"
        f" const r = ({PAINTED_PIXELS})(c); return r.painted > 0.05 * r.total; }}"
    )
    page.wait_for_timeout(500)  # let the entry animation settle before the picture is taken
    page.locator("#map").screenshot(path=SCREENSHOT)

    pixels = canvas.evaluate(PAINTED_PIXELS)
    assert pixels["painted"] > 0.05 * pixels["total"], pixels  # not a blank canvas

    # A blank canvas of the same size has a much shorter data URL than the drawn map.
    lengths = canvas.evaluate(
        """(c) => { const blank = document.createElement("canvas"); blank.width = c.width; blank.height = c.height;
        return [c.toDataURL().length, blank.toDataURL().length]; }"""
    )
    assert lengths[0] > 2 * lengths[1], lengths

    assert sorted(page.evaluate(GEO_REGIONS)) == sorted(CITIES)


def test_the_map_places_the_zones_and_links_to_their_summary(page: Page, login, alice, zone_a, signed_this_year):
    login(page, alice)
    page.goto("/promotion/map/")
    data = page.evaluate("() => JSON.parse(document.getElementById('map-data').textContent)")
    assert [z["name"] for z in data["zones"]] == [zone_a.display_name]  # only her zone
    assert data["zones"][0]["url"] == f"/promotion/zones/{zone_a.pk}/"
    assert data["cities"] == [{"name": "大同市", "value": 379850.0}]
    page.goto(data["zones"][0]["url"])
    expect(page.locator("h1")).to_contain_text(zone_a.name)


def test_the_lead_board_renders_the_stage_columns(page: Page, login, alice, zone_a, zone_b):
    chain = f.IndustryChainFactory(zone=zone_a, name="新材料产业链")
    f.LeadFactory(zone=zone_a, company="合肥晶澳光伏科技有限公司", stage="negotiation", likelihood="high", chain=chain)
    f.LeadFactory(zone=zone_a, company="贝利精密铸造有限公司", stage="visit")
    f.LeadFactory(zone=zone_a, company="希本复合材料有限公司", stage="clue", likelihood="low")
    f.LeadFactory(zone=zone_b, company="平鲁线索有限公司", stage="clue")
    login(page, alice)
    page.goto("/promotion/board/")
    expect(page.locator("h1")).to_contain_text("招商看板")
    board = page.locator("#lead-board")
    headers = board.locator(":scope > div > div > div.border-bottom")
    expect(headers).to_have_count(6)
    for header, label in zip(headers.all(), STAGES, strict=True):
        expect(header).to_have_text(re.compile(rf"^\s*{label}\s+\d+\s*$"))
    columns = board.locator(":scope > div")
    expect(columns.nth(3).locator(".lead-card")).to_have_text(
        [re.compile("合肥晶澳光伏科技有限公司.*新材料产业链.*高")]
    )
    expect(columns.nth(2).locator(".lead-card")).to_contain_text(["贝利精密铸造有限公司"])
    expect(columns.nth(0).locator(".lead-card")).to_contain_text(["希本复合材料有限公司"])
    expect(columns.nth(4)).to_contain_text("暂无")
    expect(board).not_to_contain_text("平鲁线索有限公司")
    columns.nth(3).locator(".lead-card").click()
    expect(page).to_have_url(re.compile(r"/leads/\d+/$"))
    expect(page.locator("h1")).to_contain_text("合肥晶澳光伏科技有限公司")
