"""Assessment runs from stored schemes: ranks and grades from the zones' figures, a scorecard that explains every
point, each zone reading its own detail, and publishing that freezes the results."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from kaifaqu.assessment.models import AssessmentRun, RunCase, SchemeItem, ZoneFigure
from kaifaqu.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def run(zone_a, zone_b):
    """Two industrial zones, one indicator: zone A 80, zone B 100 (亿元 of 规上工业总产值 in 2025)."""
    output = f.IndicatorFactory(code="industrial_output", name="规上工业总产值", unit="亿元", period_kind="yearly")
    scheme = f.AssessmentSchemeFactory(
        name="2026年工业类开发区考核方案",
        sub_group="",
        groups=[["发展质量", 100]],
        grading="thresholds",
        excellent=Decimal(95),
        good=Decimal(80),
        passing=Decimal(60),
        warn_bottom=1,
    )
    SchemeItem.objects.create(scheme=scheme, indicator=output, group="发展质量", weight=100, rule="share_of_best")
    for zone, value in ((zone_a, 80), (zone_b, 100)):
        ZoneFigure.objects.create(zone=zone, indicator=output, month=D(2025, 12, 1), value=Decimal(value))
    return f.AssessmentRunFactory(scheme=scheme, data_year=2025)


def test_the_ranking_and_a_zones_scorecard_explain_every_point(client_for, province_user, alice, zone_a, zone_b, run):
    c = client_for(province_user)
    page = c.get(f"/assessment-runs/{run.pk}/")
    results = page.context["results"]
    assert [(r["zone"], r["rank"], r["total"], r["grade"], r["warned"]) for r in results] == [
        (zone_b.name, 1, "100.00", "优秀", False),
        (zone_a.name, 2, "80.00", "良好", True),
    ]
    card = c.get(f"/assessment-runs/{run.pk}/zones/{zone_a.pk}/").content.decode()
    assert "80，最优100：80/100 × 100 = 80.00分" in card and "较最高失分" in card and "20.00" in card
    # A zone reads its own row and scorecard, not another zone's.
    mine = client_for(alice)
    assert [r["zone"] for r in mine.get(f"/assessment-runs/{run.pk}/").context["results"]] == [zone_a.name]
    assert mine.get(f"/assessment-runs/{run.pk}/zones/{zone_a.pk}/").status_code == 200
    assert mine.get(f"/assessment-runs/{run.pk}/zones/{zone_b.pk}/").status_code == 404
    assert mine.post(f"/assessment-runs/{run.pk}/publish/").status_code == 403
    export = c.get(f"/assessment-runs/{run.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_deductions_and_a_veto_count_in_the_run(client_for, province_user, zone_b, run):
    deduction = f.SchemeAdjustmentFactory(scheme=run.scheme, name="中央巡视发现问题", per_case=Decimal("0.3"))
    veto = f.SchemeAdjustmentFactory(scheme=run.scheme, kind="veto", name="重大安全事故", per_case=None)
    RunCase.objects.create(run=run, zone=zone_b, adjustment=deduction, cases=2)
    RunCase.objects.create(run=run, zone=zone_b, adjustment=veto)
    top = client_for(province_user).get(f"/assessment-runs/{run.pk}/").context["results"][0]
    assert (top["zone"], top["total"], top["grade"]) == (zone_b.name, "99.40", "良好")
    assert "重大安全事故" in top["grade_note"] and top["deductions"] == [
        {"name": "中央巡视发现问题", "cases": 2, "points": "0.60"}
    ]


def test_a_published_run_stays_frozen_and_lists_what_changed_since(client_for, province_user, zone_a, run):
    c = client_for(province_user)
    assert c.post(f"/assessment-runs/{run.pk}/publish/").status_code == 302
    run.refresh_from_db()
    assert run.status == "published" and run.results[1]["total"] == "80.00"
    ZoneFigure.objects.filter(zone=zone_a).update(value=Decimal(90))  # a correction after publishing
    page = c.get(f"/assessment-runs/{run.pk}/")
    assert page.context["results"][1]["total"] == "80.00"
    assert page.context["changed"] == [{"zone": zone_a.name, "published": "80.00", "now": "90.00"}]
    assert "发布时总分 80.00，按当前数据为 90.00" in page.content.decode()
    again = c.post(f"/assessment-runs/{run.pk}/publish/", follow=True)
    assert "不能重复发布" in again.content.decode()
    adjustment = f.SchemeAdjustmentFactory(scheme=run.scheme)
    r = c.post("/assessment-cases/add/", {"run": run.pk, "zone": zone_a.pk, "adjustment": adjustment.pk, "cases": 1})
    assert r.status_code == 400 and "已发布" in r.content.decode() and not RunCase.objects.exists()


def test_a_scheme_that_does_not_add_up_says_what_to_fix_and_cannot_be_run(client_for, province_user, run):
    run.scheme.groups = [["发展质量", 90]]
    run.scheme.save()
    c = client_for(province_user)
    scheme_page = c.get(f"/assessment-schemes/{run.scheme.pk}/").content.decode()
    assert (
        "各指标组权重之和应为100，现为90" in scheme_page
        and "“发展质量”组内各指标分值之和应为90，现为100" in scheme_page
    )
    run_page = c.get(f"/assessment-runs/{run.pk}/")
    assert run_page.context["results"] == [] and run_page.context["can_publish"] is False
    assert "方案尚不能计算" in run_page.content.decode()
    assert AssessmentRun.objects.get(pk=run.pk).results is None


def test_the_groups_are_typed_one_per_line_and_a_bad_line_is_named(client_for, province_user):
    c = client_for(province_user)
    data = {"year": 2026, "category": "industrial", "name": "2026年工业类考核方案", "grading": "thresholds"}
    data["warn_bottom"] = 5
    bad = c.post("/assessment-schemes/add/", {**data, "groups": "对外开放 30\n发展质量 三十"})
    assert bad.status_code == 400 and "“发展质量 三十”应为“组名 权重”" in bad.content.decode()
    good = c.post(
        "/assessment-schemes/add/",
        {**data, "groups": "对外开放 30\n发展质量 30\n科技创新 15\n绿色发展 15\n统筹协调 10"},
    )
    assert good.status_code == 302
    from kaifaqu.assessment.models import AssessmentScheme

    assert AssessmentScheme.objects.get(name="2026年工业类考核方案").groups[0] == ["对外开放", 30]


def test_ranks_in_the_city_and_the_sub_group_beside_the_category_rank(client_for, province_user, zone_a, zone_b, run):
    third = f.ZoneFactory(city=zone_a.city, category="industrial", assessment_group="县管工业类开发区")
    zone_a.assessment_group = "县管工业类开发区"
    zone_a.save()
    ZoneFigure.objects.create(
        zone=third, indicator=run.scheme.items.get().indicator, month=D(2025, 12, 1), value=Decimal(90)
    )
    results = {r["zone"]: r for r in client_for(province_user).get(f"/assessment-runs/{run.pk}/").context["results"]}
    assert (results[third.name]["rank"], results[third.name]["city_rank"], results[third.name]["city_ranked"]) == (
        2,
        1,
        2,
    )
    assert (results[zone_a.name]["rank"], results[zone_a.name]["city_rank"]) == (3, 2)
    assert (results[zone_a.name]["sub_group_rank"], results[zone_a.name]["sub_group_ranked"]) == (2, 2)
    assert results[zone_b.name]["sub_group_rank"] is None and results[zone_b.name]["city_rank"] == 1
    # A scheme for the sub-group assesses its zones only.
    run.scheme.sub_group = "县管工业类开发区"
    run.scheme.save()
    ranked = client_for(province_user).get(f"/assessment-runs/{run.pk}/").context["results"]
    assert [(r["zone"], r["rank"]) for r in ranked] == [(third.name, 1), (zone_a.name, 2)]


def test_a_bonus_with_its_limit_counts_in_the_ranking_and_the_scorecard(client_for, province_user, zone_a, run):
    bonus = f.SchemeAdjustmentFactory(
        scheme=run.scheme, kind="bonus", name="获评国家级示范园区", per_case=Decimal(15), max_points=Decimal(25)
    )
    RunCase.objects.create(run=run, zone=zone_a, adjustment=bonus, cases=2)
    c = client_for(province_user)
    first = c.get(f"/assessment-runs/{run.pk}/").context["results"][0]
    assert (first["zone"], first["total"], first["bonus"]) == (zone_a.name, "105.00", "25.00")  # 80 + min(30, 25)
    card = c.get(f"/assessment-runs/{run.pk}/zones/{zone_a.pk}/").content.decode()
    assert "获评国家级示范园区 2 次，加 25.00 分" in card


def test_what_if_tells_a_zone_the_points_and_places_an_improvement_earns(client_for, alice, zone_a, zone_b, run):
    mine = client_for(alice)
    url = f"/assessment-runs/{run.pk}/zones/{zone_a.pk}/"
    page = mine.get(url, {"indicator": "industrial_output", "value": "120"})
    result = page.context["what_if"]
    assert (result["points"], result["places"]) == (Decimal(20), 1)  # 80 → 100 points (the best is now 120)
    assert "总分 80.00 → 100.00，名次 第 2 名 → 第 1 名" in page.content.decode()
    assert "前进 1 名" in page.content.decode()
    bad = mine.get(url, {"indicator": "industrial_output", "value": "很多"})
    assert "“假设值”应为数字，现为“很多”" in bad.content.decode()


def test_a_published_run_answers_what_if_on_the_figures_it_froze(client_for, province_user, alice, zone_a, run):
    assert client_for(province_user).post(f"/assessment-runs/{run.pk}/publish/").status_code == 302
    ZoneFigure.objects.filter(zone=zone_a).update(value=Decimal(10))  # later corrections do not move the answer
    run.scheme.items.update(weight=50)  # nor does editing the scheme
    page = client_for(alice).get(
        f"/assessment-runs/{run.pk}/zones/{zone_a.pk}/", {"indicator": "industrial_output", "value": "90"}
    )
    assert page.context["what_if"]["before"]["total"] == "80.00"
    assert page.context["what_if"]["after"]["total"] == "90.00"
    assert "按发布时冻结的方案" in page.content.decode()


def test_a_quarterly_run_scores_the_quarters_cumulative_figures(client_for, province_user, zone_a, zone_b):
    investment = f.IndicatorFactory(code="industrial_investment", name="工业投资", unit="亿元", period_kind="monthly")
    scheme = f.AssessmentSchemeFactory(sub_group="", groups=[["发展质量", 100]], excellent=Decimal(90))
    SchemeItem.objects.create(scheme=scheme, indicator=investment, group="发展质量", weight=100, rule="share_of_best")
    for zone, value in ((zone_a, 30), (zone_b, 20)):  # 1–9月
        ZoneFigure.objects.create(zone=zone, indicator=investment, month=D(2025, 9, 1), value=Decimal(value))
    ZoneFigure.objects.create(zone=zone_b, indicator=investment, month=D(2025, 12, 1), value=Decimal(60))
    c = client_for(province_user)
    r = c.post("/assessment-runs/add/", {"scheme": scheme.pk, "data_year": 2025, "quarter": 3})
    assert r.status_code == 302, r.content.decode()
    run = AssessmentRun.objects.get(scheme=scheme, quarter=3)
    assert str(run) == f"{scheme.name}（2025年第三季度数据）"
    ranked = c.get(f"/assessment-runs/{run.pk}/").context["results"]
    assert [(x["zone"], x["total"]) for x in ranked] == [(zone_a.name, "100.00"), (zone_b.name, "66.67")]
    yearly = f.IndicatorFactory(code="new_jobs", name="城镇新增就业人数", period_kind="yearly")
    SchemeItem.objects.create(scheme=scheme, indicator=yearly, group="发展质量", weight=1, rule="rank_points")
    r = c.post("/assessment-runs/add/", {"scheme": scheme.pk, "data_year": 2025, "quarter": 4})
    assert r.status_code == 400 and "季度考核不能使用年度指标：城镇新增就业人数" in r.content.decode()


def test_a_period_that_has_not_ended_cannot_be_published(client_for, province_user, run):
    with time_machine.travel(datetime.datetime(2025, 12, 20, 10, tzinfo=datetime.UTC)):
        r = client_for(province_user).post(f"/assessment-runs/{run.pk}/publish/", follow=True)
    assert "2025年的数据期到2025年12月31日才结束，尚不能发布" in r.content.decode()
    assert AssessmentRun.objects.get(pk=run.pk).results is None


def test_a_template_cannot_be_run(client_for, province_user, run):
    template = f.AssessmentSchemeFactory(is_template=True, sub_group="", year=2021, name="国家级经开区考核模板")
    r = client_for(province_user).post("/assessment-runs/add/", {"scheme": template.pk, "data_year": 2025})
    assert r.status_code == 400 and "模板不能直接用于考核" in r.content.decode()


def test_the_etdz_template_is_stored_valid_and_copied_into_a_years_scheme(client_for, province_user, alice):
    from kaifaqu.assessment import catalogue
    from kaifaqu.assessment.models import AssessmentScheme
    from kaifaqu.lib.scoring import validate

    catalogue.load_defaults()
    assert catalogue.load_template() == 1 and catalogue.load_template() == 0
    template = AssessmentScheme.objects.get(is_template=True)
    assert template.groups == [["对外开放", 30], ["发展质量", 30], ["科技创新", 15], ["绿色发展", 15], ["统筹协调", 10]]
    from kaifaqu.assessment.runs import scheme_of

    assert validate(scheme_of(template)) == []
    c = client_for(province_user)
    assert "按此模板新建年度方案" in c.get(f"/assessment-schemes/{template.pk}/").content.decode()
    r = c.post(
        f"/assessment-schemes/{template.pk}/copy/",
        {"year": 2026, "category": "industrial", "sub_group": "", "name": "2026年工业类开发区考核方案"},
    )
    copy = AssessmentScheme.objects.get(name="2026年工业类开发区考核方案")
    assert r.status_code == 302 and r["Location"] == f"/assessment-schemes/{copy.pk}/"
    assert not copy.is_template and copy.items.count() == template.items.count() == 10
    assert copy.adjustments.count() == 6 and validate(scheme_of(copy)) == []
    again = c.post(
        f"/assessment-schemes/{template.pk}/copy/",
        {"year": 2026, "category": "industrial", "sub_group": "", "name": "另一个方案"},
    )
    assert again.status_code == 400 and "该年度该类别（分组）已有考核方案" in again.content.decode()
    assert AssessmentScheme.objects.count() == 2
    assert client_for(alice).get(f"/assessment-schemes/{template.pk}/copy/").status_code == 403


def test_ranks_across_years_with_movers_and_twice_warned(
    client_for, province_user, alice, enterprise_user, zone_a, zone_b
):
    """Three published years: zone A last in 2023 and 2025 (warned twice within three years), first in 2024."""
    indicator = f.IndicatorFactory(code="industrial_output", name="规上工业总产值", period_kind="yearly")
    for year, (a, b) in {2023: (50, 100), 2024: (100, 60), 2025: (40, 90)}.items():
        scheme = f.AssessmentSchemeFactory(
            year=year + 1, sub_group="", groups=[["发展质量", 100]], warn_bottom=1, name=f"{year + 1}年考核方案"
        )
        SchemeItem.objects.create(scheme=scheme, indicator=indicator, group="发展质量", weight=100)
        for zone, value in ((zone_a, a), (zone_b, b)):
            ZoneFigure.objects.create(zone=zone, indicator=indicator, month=D(year, 12, 1), value=Decimal(value))
        run = f.AssessmentRunFactory(scheme=scheme, data_year=year)
        assert client_for(province_user).post(f"/assessment-runs/{run.pk}/publish/").status_code == 302
    page = client_for(province_user).get("/assessment-runs/years/")
    assert page.context["years"] == [2023, 2024, 2025]
    rows = {r["zone"]: r for r in page.context["rows"]}
    assert [c["rank"] for c in rows[zone_a.name]["cells"]] == [2, 1, 2] and rows[zone_a.name]["moved"] == -1
    assert rows[zone_a.name]["twice"] and not rows[zone_b.name]["twice"]
    assert [r["zone"] for r in page.context["up"]] == [zone_b.name]
    html = page.content.decode()
    assert "三年内两次末位预警" in html and "↑1" in html and "↓1" in html
    mine = client_for(alice).get("/assessment-runs/years/")
    assert [r["zone"] for r in mine.context["rows"]] == [zone_a.name] and zone_b.name not in mine.content.decode()
    assert client_for(enterprise_user).get("/assessment-runs/years/").status_code == 403


def _docx_text(response):
    import io

    from docx import Document

    doc = Document(io.BytesIO(response.content))
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]
    return doc, [p.text for p in doc.paragraphs], tables


@time_machine.travel(D(2026, 3, 2), tick=False)
def test_the_ranking_as_a_tongbao_in_the_bulletins_official_layout(client_for, province_user, alice, zone_b, run):
    deduction = f.SchemeAdjustmentFactory(scheme=run.scheme, name="中央巡视发现问题", per_case=Decimal("0.3"))
    RunCase.objects.create(run=run, zone=zone_b, adjustment=deduction, cases=2)
    c = client_for(province_user)
    assert c.post(f"/assessment-runs/{run.pk}/publish/").status_code == 302
    response = c.get(f"/assessment-runs/{run.pk}/tongbao/")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    assert (
        "filename*=UTF-8''" in response["Content-Disposition"]
        and 'filename="export.docx"' in response["Content-Disposition"]
    )
    doc, paragraphs, tables = _docx_text(response)
    section = doc.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin)] == [37, 35, 28]
    assert paragraphs[0] == "山西省开发区建设工作领导小组办公室"  # the red 版头, as on the monthly bulletin
    assert "关于2025年度全省工业类开发区考核结果的通报" in paragraphs
    text = "\n".join(paragraphs)
    assert "对全省2个工业类开发区2025年的工作进行了考核。经综合评定，优秀1个、良好1个。" in text
    assert f"{zone_b.name}：中央巡视发现问题扣0.60分。" in text
    assert "排名末位，予以预警" in text and "2026年3月2日" in text
    ranking = tables[0]
    run.refresh_from_db()
    assert ranking[0][:2] == ["名次", "开发区"] and [row[1] for row in ranking[1:]] == [r["zone"] for r in run.results]
    assert ranking[0] == ["名次", "开发区", "所属地市", "得分", "扣分", "总分", "等次"]  # no 加分 column: none given
    assert [row[5] for row in ranking[1:]] == ["99.40", "80.00"] and ranking[1][4] == "−0.60"
    # A zone's 通报 holds its own row only; the counts still speak of the whole category.
    mine = client_for(alice).get(f"/assessment-runs/{run.pk}/tongbao/")
    _doc, lines, rows = _docx_text(mine)
    assert [row[1] for row in rows[0][1:]] == [alice.zone.name]
    assert zone_b.name not in "\n".join(lines) and "对全省2个工业类开发区" in "\n".join(lines)


def test_a_draft_tongbao_says_it_is_a_draft(client_for, province_user, run):
    _doc, paragraphs, _tables = _docx_text(client_for(province_user).get(f"/assessment-runs/{run.pk}/tongbao/"))
    assert "关于2025年度全省工业类开发区考核结果的通报（草稿，按当前数据计算）" in paragraphs


def test_schemes_come_and_go_through_excel_with_their_groups_and_weights(client_for, province_user, run):
    import io

    from openpyxl import Workbook, load_workbook

    from kaifaqu.assessment.models import AssessmentScheme

    c = client_for(province_user)
    run.scheme.groups = [["对外开放", 30], ["发展质量", 70]]
    run.scheme.save()
    exported = load_workbook(io.BytesIO(c.get("/assessment-schemes/?export=xlsx").content)).active
    headers = [cell.value for cell in exported[1]]
    row = [cell.value for cell in exported[2]]
    assert row[headers.index("指标组及权重")] == "对外开放 30\n发展质量 70"

    def upload(groups: str):
        wb = Workbook()
        ws = wb.active
        ws.append(["年度", "开发区类别", "分组", "方案名称", "指标组及权重", "等次评定方式", "末位预警个数"])
        ws.append([2027, "工业类", "县管工业类开发区", "2027年县管工业类开发区考核方案", groups, "按分数线", 3])
        buf = io.BytesIO()
        wb.save(buf)
        buf.seek(0)
        buf.name = "方案.xlsx"
        return c.post("/assessment-schemes/import/", {"file": buf}, follow=True).content.decode()

    refused = upload("对外开放 三十；发展质量 70")
    assert "指标组及权重" in refused and "应为“组名 权重”" in refused
    assert not AssessmentScheme.objects.filter(year=2027).exists()
    upload("对外开放 30；发展质量 70")
    scheme = AssessmentScheme.objects.get(year=2027, sub_group="县管工业类开发区")
    assert scheme.groups == [["对外开放", 30], ["发展质量", 70]]
