"""数据核验: a pasted text's figures found, highlighted and checked against the text itself and the user's ledgers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.reports import checker
from kaifaqu.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db
SEED_000 = (
    "在承接“京津冀”产业转移方面，共考察对接企业343家，目前共签约项目25个，总投资额379.85亿元，"
    "已开工项目15个，总投资额94亿元，开工率达62.5%。"
)
SEED_003 = "截至今年9月底，平鲁区全年实施总投资264.2亿元的171项重点工程项目，已开复工161个，开复工率达到94.2%。"


@pytest.fixture
def ledger_2025(zone_a):
    """云冈's 2025 plan: 10 new starts, 8 started by August, 9 by September (80.0% for 1–8月, 90.0% for 1–9月)."""
    for i in range(10):
        started = D(2025, 8, 10) if i < 8 else D(2025, 9, 5) if i == 8 else None
        p = f.ProjectFactory(zone=zone_a, name=f"核验项目{i}", signed_on=D(2025, 1, 6) if started else None)
        p.started_on = started
        p.save()
        AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal("100"))


def verdict_of(result, text):
    return next(v for v in result["verdicts"] if v.claim.text == text)


def test_a_rate_the_ledger_gives_is_consistent_and_one_it_gave_a_month_earlier_is_named(alice, zone_a, ledger_2025):
    right = checker.check("云冈经开区2025年1~9月重点项目开复工率达到90.0%。", alice)
    assert right["zone"] == zone_a
    assert verdict_of(right, "90.0%").status == "consistent"
    late = checker.check("云冈经济技术开发区2025年1~9月重点项目开复工率达到80.0%。", alice)
    v = verdict_of(late, "80.0%")
    assert v.status == "inconsistent" and "90.0%" in v.message
    assert "与 2025年1–8月 的数字相符，而不是 2025年1–9月" in v.message


def test_the_seeds_are_checked_from_their_own_figures_where_no_ledger_answers(alice):
    jjj = checker.check(SEED_000, alice)
    rate = verdict_of(jjj, "62.5%")
    assert rate.status == "internally_inconsistent" and "15/24" in rate.message
    assert verdict_of(jjj, "379.85亿元").status == "not_checkable"
    pinglu = verdict_of(checker.check(SEED_003, alice), "94.2%")
    assert pinglu.status == "consistent" and "161/171" in pinglu.message and "未与台账核对" in pinglu.message


def test_a_zone_outside_the_users_scope_is_not_looked_up(alice, zone_b, ledger_2025):
    f.ProjectFactory(zone=zone_b)
    result = checker.check(f"{zone_b.name}2025年1~9月重点项目开复工率达到90.0%。", alice)
    assert result["zone"] is None
    v = verdict_of(result, "90.0%")
    assert v.status == "not_checkable" and "管辖范围" in v.message


def test_a_rate_without_a_period_or_in_the_future_is_not_checkable_and_says_why(alice, zone_a, ledger_2025):
    v = verdict_of(checker.check("云冈经开区重点项目开复工率达到90.0%。", alice), "90.0%")
    assert v.status == "not_checkable" and "统计期" in v.message
    v = verdict_of(checker.check("云冈经开区2999年1~9月重点项目开复工率达到90.0%。", alice), "90.0%")
    assert v.status == "not_checkable" and "未来" in v.message


def test_the_page_highlights_each_figure_with_its_verdict_and_escapes_the_text(client_for, alice, ledger_2025):
    c = client_for(alice)
    assert c.get(reverse("figure_check")).status_code == 200
    r = c.post(reverse("figure_check"), {"text": "<script>alert(1)</script>" + SEED_000})
    page = r.content.decode()
    assert r.status_code == 200 and "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert '<mark class="check-internally_inconsistent"' in page and "15/24" in page
    assert '<mark class="check-not_checkable"' in page and 'id="check-table"' in page


def test_bad_input_gets_a_message_naming_the_field(client_for, alice):
    c = client_for(alice)
    r = c.post(reverse("figure_check"), {"text": ""})
    assert r.status_code == 400 and "待核验的文字" in r.content.decode()
    r = c.post(reverse("figure_check"), {"text": "字" * (checker.MAX_CHARS + 1)})
    assert r.status_code == 400 and str(checker.MAX_CHARS) in r.content.decode()
    r = c.post(reverse("figure_check"), {"text": "今年以来，开发区持续优化营商环境。"})
    assert r.status_code == 200 and 'id="no-figures"' in r.content.decode()


def test_the_checker_is_on_the_menus_of_those_who_publish_figures(client_for, alice, province_user, enterprise_user):
    assert reverse("figure_check") in client_for(alice).get("/").content.decode()
    assert reverse("figure_check") in client_for(province_user).get("/dashboard/").content.decode()
    assert reverse("figure_check") not in client_for(enterprise_user).get("/").content.decode()
