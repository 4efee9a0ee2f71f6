"""数据核验 in a real browser: a seed text pasted on desktop and phone, its figures highlighted with their verdicts."""

import pytest
from playwright.sync_api import expect

from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
SEED_000 = (
    "在承接“京津冀”产业转移方面，共考察对接企业343家，目前共签约项目25个，总投资额379.85亿元，"
    "已开工项目15个，总投资额94亿元，开工率达62.5%。"
)
SEED_003 = "截至今年9月底，平鲁区全年实施总投资264.2亿元的171项重点工程项目，已开复工161个，开复工率达到94.2%。"


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_paste_a_seed_text_and_see_each_figure_with_its_verdict(new_page, login, alice, viewport, tmp_path):
    f.jingjinji(alice.zone, terminated=True)  # the ledger behind seed 000: 25 signed, 15 started, 1 terminated
    page = new_page(viewport=viewport)
    login(page, alice)
    page.goto("/checks/")
    page.locator("#id_text").fill(SEED_000 + "\n" + SEED_003)
    page.locator("#run-check").click()
    text = page.locator("#checked-text")
    expect(text.locator("mark.check-conditional")).to_have_text("62.5%")
    expect(text.locator("mark.check-consistent")).to_have_text(["25个", "379.85亿元", "15个", "94亿元", "94.2%"])
    expect(text.locator("mark.check-not_checkable").first).to_be_visible()
    expect(page.locator("#check-table")).to_contain_text("15/24")
    title = text.locator("mark.check-conditional").get_attribute("title")
    assert title.startswith("有条件相符：") and "仅在剔除已终止的 1 个项目后相符" in title
    # The check is kept: it is listed, and reopening it shows the same verdicts.
    page.locator("#check-history a").first.click()
    expect(page.locator("#checked-text mark.check-conditional")).to_have_text("62.5%")
    page.screenshot(path=str(tmp_path / f"checker-{viewport['width']}.png"), full_page=True)
