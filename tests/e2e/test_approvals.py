"""The public approval-progress query on a phone: no login, the project code and the query code the
zone hands out, procedure cards with their clock status, and no sideways scrolling."""

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Procedure, ProcedureType, ProgressAccess
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
D = datetime.date
CODE = "2024-140200-28-03-000001"
PHONE = "13903521234"
NOTE = "内部备注：勿对外"
SCREENSHOT = "/tmp/kfq_e2e_progress.png"


@pytest.fixture
def access(zone_a, enterprise_a):
    cache.clear()
    clock.seed_calendar()
    load_defaults()
    agent = f.UserFactory(username="daiban", role="agent", zone=zone_a, full_name="张代办", phone=PHONE)
    project = f.ProjectFactory(zone=zone_a, enterprise=enterprise_a, name="高性能碳纤维项目", code=CODE)
    kinds = ProcedureType.objects.in_bulk(field_name="name")
    rows = [
        ("企业投资项目备案", dict(mode="commitment", accepted_on=D(2025, 9, 1), completed_on=D(2025, 9, 2))),
        ("建设工程规划许可证", dict(accepted_on=D(2025, 9, 30), completed_on=D(2025, 10, 20))),
        ("消防设计审查", dict(accepted_on=D(2025, 9, 30))),  # long overdue
        ("环境影响评价审批（报告书）", dict(accepted_on=D(2025, 8, 2), completed_on=D(2025, 10, 9))),
        ("建筑工程施工许可证", dict()),  # not accepted yet
    ]
    for name, kw in rows:
        Procedure.objects.create(project=project, type=kinds[name], agent=agent, notes=NOTE, **kw)
    yield ProgressAccess.objects.create(project=project, query_code="K7MP3QXA")
    cache.clear()


def test_the_public_progress_page_on_a_phone(new_page, access):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/progress/")
    expect(page.locator("h1")).to_contain_text("项目审批进度查询")
    page.get_by_label("项目代码").fill(CODE)
    page.get_by_label("查询码").fill("k7mp3qxa")
    page.locator("#query").click()
    cards = page.locator(".procedure-card")
    expect(cards).to_have_count(5)
    expect(page.locator("#query-error")).to_have_count(0)
    expect(cards.filter(has_text="消防设计审查")).to_contain_text("已超期")
    expect(cards.filter(has_text="企业投资项目备案")).to_contain_text("按时办结")
    expect(cards.filter(has_text="企业投资项目备案")).to_contain_text("承诺制")
    expect(cards.filter(has_text="建筑工程施工许可证")).to_contain_text("未受理")
    expect(cards.filter(has_text="环境影响评价审批")).to_contain_text("2025-10-09")
    body = page.locator("body")
    expect(body).not_to_contain_text(PHONE)
    expect(body).not_to_contain_text(NOTE)
    expect(body).not_to_contain_text("张代办")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_a_wrong_query_code_on_a_phone_says_so(new_page, access):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/progress/")
    page.get_by_label("项目代码").fill(CODE)
    page.get_by_label("查询码").fill("WRONG234")
    page.locator("#query").click()
    expect(page.locator("#query-error")).to_contain_text("项目代码或查询码不正确")
    expect(page.locator(".procedure-card")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
