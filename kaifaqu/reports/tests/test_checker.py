"""数据核验: a pasted text's figures found, highlighted and checked against the text itself and the user's ledgers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.core.models import ChangeRecord
from kaifaqu.projects.models import AnnualPlan, Project
from kaifaqu.reports import checker
from kaifaqu.reports.models import FigureCheck
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


def test_the_seeds_are_checked_from_their_own_figures_where_no_ledger_answers(province_user):
    jjj = checker.check(SEED_000, province_user)
    rate = verdict_of(jjj, "62.5%")
    assert rate.status == "internally_inconsistent" and "15/24" in rate.message
    assert verdict_of(jjj, "379.85亿元").status == "not_checkable"
    pinglu = verdict_of(checker.check(SEED_003, province_user), "94.2%")
    assert pinglu.status == "consistent" and "161/171" in pinglu.message and "未与台账核对" in pinglu.message


def test_seed_000_against_its_ledger_every_figure_holds_and_the_rate_only_with_the_terminated_one_left_out(alice):
    f.jingjinji(alice.zone, terminated=True)
    result = checker.check(SEED_000, alice)
    assert "按您所在的" in result["zone_note"] and result["zone"] == alice.zone
    for figure in ("25个", "379.85亿元", "15个", "94亿元"):
        v = verdict_of(result, figure)
        assert v.status == "consistent" and "与台账相符" in v.message and "“京津冀”签约项目" in v.message, figure
    rate = verdict_of(result, "62.5%")
    assert rate.status == "conditional" and rate.label == "有条件相符"
    assert "仅在剔除已终止的 1 个项目后相符：15/24 = 62.5%" in rate.message and "25 个计为 60.0%" in rate.message
    assert verdict_of(result, "343家").status == "not_checkable"


def test_a_figure_off_by_more_than_its_rounding_is_flagged_and_one_within_it_is_not(alice):
    f.jingjinji(alice.zone, terminated=True)
    text = "“京津冀”方面，共签约项目26个，总投资额380亿元，已开工项目15个，总投资额95亿元，开工率达62.50%。"
    result = checker.check(text, alice)
    signed = verdict_of(result, "26个")
    assert signed.status == "inconsistent" and "25个" in signed.message
    assert verdict_of(result, "380亿元").status == "consistent"  # 379.85 亿 rounds to 380
    started = verdict_of(result, "95亿元")
    assert started.status == "inconsistent" and "94.00亿元" in started.message
    assert verdict_of(result, "62.50%").status == "conditional"
    # Another region's projects are not counted with 京津冀's.
    other = f.SourceRegionFactory(name="长三角")
    f.LeadFactory(
        zone=alice.zone, source_region=other, project=f.ProjectFactory(zone=alice.zone, signed_on=D(2024, 5, 1))
    )
    assert verdict_of(checker.check(SEED_000, alice), "25个").status == "consistent"
    assert verdict_of(checker.check("共签约项目26个。", alice), "26个").status == "consistent"


def test_a_key_project_sentence_checks_its_counts_and_total_against_the_plan(alice, zone_a, ledger_2025):
    total = sum(p.total_investment for p in zone_a.projects.all()) / 10000
    text = f"截至2025年9月底，云冈经开区全年实施总投资{total}亿元的10项重点工程项目，已开复工9个，开复工率达到90.0%。"
    result = checker.check(text, alice)
    for figure in (f"{total}亿元", "10项", "9个", "90.0%"):
        assert verdict_of(result, figure).status == "consistent", figure
    late = checker.check("截至2025年9月底，云冈经开区实施10项重点工程项目，已开复工8个。", alice)
    assert verdict_of(late, "8个").status == "inconsistent" and "9个" in verdict_of(late, "8个").message


def test_each_sentence_is_checked_against_the_place_it_names(province_user, zone_a, zone_b, ledger_2025):
    for i in range(2):  # zone B: 2 new starts, 1 started by September (50.0%)
        p = f.ProjectFactory(zone=zone_b, signed_on=D(2025, 1, 6), started_on=D(2025, 7, 1) if i == 0 else None)
        AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal("100"))
    result = checker.check(
        f"{zone_a.name}2025年1~9月重点项目开复工率达到90.0%。{zone_b.name}2025年1~9月开复工率达到50.0%。"
        f"全省2025年1~9月重点项目开复工率达到83.3%（10/12）。"
        f"{zone_a.name}与{zone_b.name}2025年1~9月开复工率均达到90.0%。",
        province_user,
    )
    shown = [(v.claim.text, v.status) for v in result["verdicts"]]
    assert result["zone"] is None  # the text names two zones
    assert shown[:3] == [("90.0%", "consistent"), ("50.0%", "consistent"), ("83.3%", "consistent")]
    assert "全省 2025年1–9月" in result["verdicts"][2].message
    assert shown[3] == ("90.0%", "not_checkable") and "多个" in result["verdicts"][3].message


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
    r = c.post(reverse("figure_check"), {"text": "<script>alert(1)</script>" + SEED_000}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "<script>alert(1)" not in page and "&lt;script&gt;" in page
    # The zone's 9 signed projects all started: 100.0%, and the text's own 15/25 is not 62.5% either.
    assert '<mark class="check-inconsistent"' in page and "100.0%" in page and "15/24" in page
    assert '<mark class="check-not_checkable"' in page and 'id="check-table"' in page


def test_bad_input_gets_a_message_naming_the_field(client_for, alice):
    c = client_for(alice)
    r = c.post(reverse("figure_check"), {"text": ""})
    assert r.status_code == 400 and "待核验的文字" in r.content.decode()
    r = c.post(reverse("figure_check"), {"text": "字" * (checker.MAX_CHARS + 1)})
    assert r.status_code == 400 and str(checker.MAX_CHARS) in r.content.decode()
    r = c.post(reverse("figure_check"), {"text": "今年以来，开发区持续优化营商环境。"}, follow=True)
    assert r.status_code == 200 and 'id="no-figures"' in r.content.decode()
    assert FigureCheck.objects.count() == 1  # the refused ones were not kept


def test_a_check_is_kept_with_its_verdicts_as_given_that_day_and_seen_only_within_scope(
    client_for, alice, bob, charlie, city_user, province_user, enterprise_user, today
):
    f.jingjinji(alice.zone, terminated=True)
    c = client_for(alice)
    r = c.post(reverse("figure_check"), {"title": "云冈经开区承接京津冀产业转移情况", "text": SEED_000})
    record = FigureCheck.objects.get()
    assert r.status_code == 302 and r.url == reverse("figure_check_detail", args=[record.pk])
    assert record.created_by == alice and record.zone == alice.zone and record.city == alice.zone.city
    assert record.checked_zone == alice.zone and record.checked_on == today
    assert record.counts == {"consistent": 4, "conditional": 1, "not_checkable": 1}
    assert ChangeRecord.objects.filter(object_id=str(record.pk), action="create").exists()
    # The ledger changes afterwards: the kept check still shows what was found on the day.
    Project.objects.filter(zone=alice.zone).update(started_on=None)
    page = c.get(r.url).content.decode()
    assert '<mark class="check-conditional" title="有条件相符：' in page and "15/24 = 62.5%" in page
    assert "云冈经开区承接京津冀产业转移情况" in page and 'id="check-history"' in page
    for insider in (bob, city_user, province_user):
        assert client_for(insider).get(r.url).status_code == 200
    for outsider in (charlie, enterprise_user):
        assert client_for(outsider).get(r.url).status_code == 404
    assert client_for(enterprise_user).post(reverse("figure_check"), {"text": SEED_000}).status_code == 403
    assert FigureCheck.objects.count() == 1


def test_the_checker_is_on_the_menus_of_those_who_publish_figures(client_for, alice, province_user, enterprise_user):
    assert reverse("figure_check") in client_for(alice).get("/").content.decode()
    assert reverse("figure_check") in client_for(province_user).get("/dashboard/").content.decode()
    assert reverse("figure_check") not in client_for(enterprise_user).get("/").content.decode()


def test_a_report_can_be_uploaded_as_word_or_text_and_a_bad_file_is_refused(client_for, alice):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    f.jingjinji(alice.zone, terminated=True)
    doc = Document()
    doc.add_paragraph("云冈经开区承接京津冀产业转移情况")
    doc.add_paragraph(SEED_000)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "开复工率", "达到94.2%"
    buf = io.BytesIO()
    doc.save(buf)
    c = client_for(alice)
    r = c.post(reverse("figure_check"), {"document": SimpleUploadedFile("报告.docx", buf.getvalue())}, follow=True)
    assert r.status_code == 200
    kept = FigureCheck.objects.get()
    assert kept.title == "云冈经开区承接京津冀产业转移情况" and SEED_000 in kept.text
    assert kept.counts["conditional"] == 1 and "94.2%" in kept.text
    gbk = SimpleUploadedFile("通报.txt", "截至9月底，开复工率达到94.2%（161/171）。".encode("gb18030"))
    assert c.post(reverse("figure_check"), {"document": gbk}).status_code == 302
    for name, data, message in (
        ("报告.pdf", b"%PDF-1.4", "只支持 Word 文档和纯文本文件"),
        ("坏文件.docx", b"not a zip", "无法作为 Word 文档读取"),
    ):
        r = c.post(reverse("figure_check"), {"document": SimpleUploadedFile(name, data)})
        assert r.status_code == 400 and "或上传文件：" in r.content.decode() and message in r.content.decode()
    assert FigureCheck.objects.count() == 2
