"""Every role, on a desktop and on a 390 px phone: signing in opens the role's own home, the menu opens (behind its
button on the phone) and every page it offers loads in Chinese — no error page, no refusal, no None, no ISO
timestamp, no English word — and the home fits the phone's width."""

import re

import pytest
from playwright.sync_api import expect

from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
SIZES = {
    "desktop": {},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# What each role's home opens on: the dashboard's figures for the province and a city, the to-do panels otherwise.
HOME_MARKER = {"province": "#kpis", "city": "#kpis", "zone": "#panels", "agent": "#panels", "enterprise": "#panels"}
ROLES = {
    "province": "province_user",
    "city": "city_user",
    "zone": "alice",
    "agent": "agent",
    "enterprise": "enterprise_user",
}
# Words that are names in Chinese text too (file formats and the API's own name).
ALLOWED = {"Excel", "Word", "PDF", "API", "xlsx", "docx", "pdf", "csv", "CSV", "Chrome", "GW", "MW", "MWh"}
ENGLISH = re.compile(r"\b[A-Za-z]{3,}\b")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _words_problems(text: str) -> list[str]:
    found = [w for w in ENGLISH.findall(text) if w not in ALLOWED]
    found += ["None"] if re.search(r"\bNone\b", text) else []
    found += ISO_MOMENT.findall(text)
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_walks_its_home_and_every_page_of_its_menu(request, new_page, login, role, size, zone_a):
    user = request.getfixturevalue(ROLES[role])
    f.ProjectFactory(zone=zone_a, name="年产1万吨高性能碳纤维项目", enterprise=getattr(user, "enterprise", None))
    page = new_page(**SIZES[size])
    login(page, user)
    expect(page.locator(HOME_MARKER[role]).first).to_be_visible()
    if size == "phone":
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 392, f"{role}'s home is {width} px wide on a 390 px phone"
        expect(page.locator("#mainnav")).to_be_hidden()
        page.locator(".navbar-toggler").click()
        expect(page.locator("#mainnav")).to_be_visible()
    links = page.locator("#mainnav .dropdown-menu a.dropdown-item")
    entries = [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert entries, f"{role} has no menu"
    if size == "phone":  # the first section unfolds on a tap and shows its entries
        page.locator("#mainnav .dropdown-toggle").first.click()
        expect(page.locator("#mainnav .dropdown-menu a.dropdown-item").first).to_be_visible()
    problems = {}
    for label, href in entries:
        response = page.goto(href)
        assert response.status == 200, f"{role}: menu entry {label} ({href}) answers {response.status}"
        text = page.locator("main").inner_text()
        assert "无权限" not in text, f"{role}: menu entry {label} ({href}) is refused"
        # The API documentation shows code (HTTP methods, paths, field names): its prose is checked by test_i18n.
        found = [] if href.startswith("/api/") else _words_problems(text)
        if found:
            problems[href] = found[:5]
    assert not problems, f"{role} ({size}): {problems}"
