"""The registries as a zone user sees them in a real browser: scoping, forms, history, phone layout."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from kaifaqu.enterprises.models import Enterprise
from kaifaqu.lib import creditcode
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e

NOT_FOUND = "未找到该页面或记录"
NO_ROWS = "没有符合条件的记录"
SCREENSHOT = "/tmp/kfq_e2e_list.png"


def results_count(page: Page, n: int) -> None:
    expect(page.locator("#results")).to_contain_text(f"共 {n} 条")


def history_row(page: Page, action: str, obj: str):
    """The rows of the 变更记录 table with this 操作 (4th column) and 对象 (5th column)."""
    rows = page.locator("#history tbody tr")
    rows = rows.filter(has=page.locator("td:nth-child(4)", has_text=re.compile(rf"^\s*{re.escape(action)}\s*$")))
    return rows.filter(has=page.locator("td:nth-child(5)", has_text=re.compile(rf"^\s*{re.escape(obj)}\s*$")))


@pytest.mark.e2e
def test_zone_user_sees_only_her_zone(page, login, alice, zone_a, zone_b):
    login(page, alice)

    page.goto("/zones/")
    expect(page.locator("h1")).to_have_text("开发区")
    results_count(page, 1)
    zone_link = page.locator("#results").get_by_role("link", name=zone_a.name, exact=True)
    expect(zone_link).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(zone_b.name)
    page.screenshot(path=SCREENSHOT, full_page=True)

    zone_link.click()
    expect(page).to_have_url(re.compile(rf"/zones/{zone_a.pk}/$"))
    expect(page.locator("h1")).to_have_text(zone_a.name)
    expect(page.locator("#fields")).to_contain_text(zone_a.city.name)
    expect(page.locator("body")).not_to_contain_text(zone_b.name)

    response = page.goto(f"/zones/{zone_b.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text(NOT_FOUND)
    expect(page.locator("body")).not_to_contain_text(zone_b.name)


@pytest.mark.e2e
def test_enterprise_create_and_edit_with_history(page, login, alice, zone_a):
    name = "大同云冈新材料科技有限公司"
    code = creditcode.complete("91140200" + "123456789")
    login(page, alice)

    page.goto("/enterprises/")
    page.locator("#add-object").click()
    expect(page).to_have_url(re.compile(r"/enterprises/add/$"))
    expect(page.locator("h1")).to_have_text("新建企业")
    zones = page.locator("#id_zones")
    expect(zones).to_have_values([str(zone_a.pk)])  # preselected for a zone user
    expect(zones.locator("option")).to_have_count(1)  # and nothing outside her scope offered
    page.locator("#id_name").fill(name)
    page.locator("#id_credit_code").fill(code)
    page.locator("#id_industry").fill("新材料")
    page.locator("#save").click()

    expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#fields")).to_contain_text(code)
    expect(page.locator("main")).to_contain_text(zone_a.name)
    created = history_row(page, "新建", name)
    expect(created).to_have_count(1)
    expect(created.locator("td").nth(1)).to_have_text(alice.username)  # 操作人
    expect(created.locator("td").nth(2)).to_have_text("网页")  # 来源
    expect(created.locator("td").nth(5)).to_contain_text("新材料")
    expect(history_row(page, "新建", f"{name} @ {zone_a.name}")).to_have_count(1)  # its zone link

    enterprise = Enterprise.objects.get(name=name)
    assert enterprise.credit_code == code
    assert list(enterprise.zones.all()) == [zone_a]

    page.locator("#edit-object").click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{enterprise.pk}/edit/$"))
    expect(page.locator("#id_industry")).to_have_value("新材料")
    expect(page.locator("#id_zones")).to_have_values([str(zone_a.pk)])
    page.locator("#id_industry").fill("高端装备制造")
    page.locator("#save").click()

    expect(page).to_have_url(re.compile(rf"/enterprises/{enterprise.pk}/$"))
    expect(page.locator("#fields")).to_contain_text("高端装备制造")
    updated = history_row(page, "修改", name)
    expect(updated).to_have_count(1)
    expect(updated.locator("td").nth(1)).to_have_text(alice.username)
    expect(updated.locator("td").nth(2)).to_have_text("网页")
    change = updated.locator("div").filter(has_text="所属行业")
    expect(change.locator(".old")).to_have_text("新材料")
    expect(change.locator(".new")).to_have_text("高端装备制造")

    enterprise.refresh_from_db()
    assert enterprise.industry == "高端装备制造"


@pytest.mark.e2e
def test_bad_credit_code_is_refused_with_the_rule(page, login, alice, zone_a):
    bad = "91140200123456789X"
    assert creditcode.problem(bad) == "check"  # a wrong check character, nothing else
    before = Enterprise.objects.count()
    login(page, alice)

    page.goto("/enterprises/add/")
    page.locator("#id_name").fill("校验位错误测试有限公司")
    page.locator("#id_credit_code").fill(bad)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("#save").click()
    assert posted.value.status == 400

    error = page.locator(".invalid-feedback")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("统一社会信用代码")
    expect(error).to_contain_text("校验位")
    expect(page.locator("#id_credit_code")).to_have_value(bad)
    expect(page).to_have_url(re.compile(r"/enterprises/add/$"))
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(name="校验位错误测试有限公司").exists()


@pytest.mark.e2e
def test_enterprise_of_another_zone_is_invisible(page, login, alice, zone_a, zone_b):
    own = f.EnterpriseFactory(name="山西华阳碳材科技有限公司", zones=[zone_a])
    hidden = f.EnterpriseFactory(name="平鲁秘密煤电有限公司", zones=[zone_b])
    login(page, alice)

    page.goto("/enterprises/")
    results_count(page, 1)
    expect(page.locator("#results")).to_contain_text(own.name)
    expect(page.locator("body")).not_to_contain_text(hidden.name)
    expect(page.locator("body")).not_to_contain_text(zone_b.name)  # not even among the filter choices

    # The search box refreshes #results through htmx on keyup (400 ms debounce) and pushes the URL.
    q = page.locator("form#filters input[name=q]")
    q.press_sequentially(own.credit_code)  # real key presses: the positive control
    expect(page).to_have_url(re.compile(rf"[?&]q={own.credit_code}"))
    results_count(page, 1)
    expect(page.locator("#results")).to_contain_text(own.name)

    # Playwright enters CJK text as one insertText (an input event, no keyup, like a paste), so a
    # key press follows it, as the IME's commit key would.
    q.fill(hidden.name)
    q.press("End")
    expect(page).to_have_url(re.compile(re.escape(f"q={quote(hidden.name)}")))
    results_count(page, 0)
    expect(page.locator("#results")).to_contain_text(NO_ROWS)
    expect(page.locator("#results")).not_to_contain_text(own.name)

    q.fill("")
    q.press_sequentially(hidden.credit_code)
    expect(page).to_have_url(re.compile(rf"[?&]q={hidden.credit_code}"))
    results_count(page, 0)
    expect(page.locator("#results")).to_contain_text(NO_ROWS)

    # The same search as a plain form submission: a full page load.
    q.fill(hidden.name)
    with page.expect_response(
        lambda r: r.request.resource_type == "document" and "q=" in r.url and r.request.method == "GET"
    ) as loaded:
        page.locator("form#filters button[type=submit]").click()
    assert loaded.value.status == 200
    expect(page).to_have_url(re.compile(re.escape(f"q={quote(hidden.name)}")))
    expect(q).to_have_value(hidden.name)
    results_count(page, 0)
    expect(page.locator("#results")).to_contain_text(NO_ROWS)
    expect(page.locator("#results")).not_to_contain_text(hidden.name)

    response = page.goto(f"/enterprises/{hidden.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text(NOT_FOUND)
    expect(page.locator("body")).not_to_contain_text(hidden.name)

    response = page.goto(f"/enterprises/{hidden.pk}/edit/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text(NOT_FOUND)


@pytest.mark.e2e
def test_phone_layout_has_working_menu(new_page, login, alice):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(page, alice)

    page.goto("/enterprises/")
    expect(page.locator("h1")).to_have_text("企业")
    expect(page.locator("#results")).to_be_visible()
    toggler = page.locator("button.navbar-toggler")
    expect(toggler).to_be_visible()
    section = page.locator("#mainnav").get_by_role("button", name="登记", exact=True)
    menu_link = page.locator("#mainnav").get_by_role("link", name="企业", exact=True)
    expect(section).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(section).to_be_visible()
    expect(section).to_have_class(re.compile(r"\bactive\b"))  # the section of the current page
    section.click()
    expect(menu_link).to_be_visible()
    expect(menu_link).to_have_class(re.compile(r"\bactive\b"))
    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
