"""预测预警: the year-end 投资完成率 and the chance of 双过半 from the seasonal pattern of earlier years, and the
projects likely to miss their planned 开工 or 投产 date. Every date is given, none is read from the clock."""

import datetime
from decimal import Decimal

import pytest

from kaifaqu.projects import forecast, rates
from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Project
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db
# Two shapes of a year: slow (a quarter of the year by June) and even (half by June), in shares of the year's work.
SLOW = [1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19, 22]  # × 1/22 of the year's investment at each month's end
EVEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # × 1/12


def report_year(project, year, shape, total: Decimal, months=12):
    before = Decimal(0)
    for m in range(1, months + 1):
        ytd = (total * shape[m - 1] / shape[-1]).quantize(Decimal("0.01"))
        MonthlyReport.objects.create(
            project=project, month=D(year, m, 1), this_month=ytd - before, year_to_date=ytd, since_start=ytd
        )
        before = ytd


@pytest.fixture
def history(zone_a):
    """One project of zone A planned 1,200 万元 a year: 2023 slow, 2024 even; 2025 so far: 300 by March."""
    p = f.StartedProjectFactory(zone=zone_a, total_investment=100000)
    for year in (2023, 2024, 2025):
        AnnualPlan.objects.create(
            project=p, year=year, kind="continuing", planned_investment=1200, resumed_on=D(2023, 1, 5)
        )
    report_year(p, 2023, SLOW, Decimal(1100))
    report_year(p, 2024, EVEN, Decimal(1200))
    MonthlyReport.objects.create(project=p, month=D(2025, 3, 1), this_month=0, year_to_date=300, since_start=300)
    return p


def current(period, today):
    total, _units = rates.compute(AnnualPlan.objects.all(), Project.objects.all(), period, today=today)
    return total


def test_the_year_end_is_projected_from_each_earlier_years_pattern_and_the_median_given(history):
    period = rates.Period(2025, 3)
    pats = forecast.patterns(AnnualPlan.objects.all(), 2025)[None]
    assert [p.year for p in pats] == [2023, 2024]
    assert pats[0].at(3) == Decimal(3) / 22 and pats[1].at(6) == Decimal(6) / 12
    f_ = forecast.year_end(current(period, D(2025, 4, 10)), pats)
    # 300 by March is 3/22 of a slow year (2,200 → 183.3%) or 3/12 of an even one (1,200 → 100.0%).
    assert (f_.low, f_.high, f_.rate) == (Decimal("100.0"), Decimal("183.3"), Decimal("141.7"))
    # June: 300 × (9/22)/(3/22) = 900 (75%) the slow way, 300 × 6/3 = 600 (50%) the even one: both reach half.
    assert f_.chance == (2, 2) and f_.june_rate == Decimal("62.5") and not f_.warning
    assert "2/2" in f_.chance_label and f_.reason == ""


def test_a_slow_start_warns_that_double_half_is_unlikely(history):
    MonthlyReport.objects.filter(month=D(2025, 3, 1)).update(year_to_date=150)
    f_ = forecast.year_end(
        current(rates.Period(2025, 3), D(2025, 4, 10)), forecast.patterns(AnnualPlan.objects.all(), 2025)[None]
    )
    # June: 450 (37.5%) slow, 300 (25%) even: neither reaches half the plan.
    assert f_.chance == (0, 2) and f_.warning
    assert f_.high == Decimal("91.7")  # the best pattern still ends below the plan


def test_too_little_history_says_so_instead_of_a_number(history):
    MonthlyReport.objects.filter(month__year=2023).delete()  # 2023 now has no pattern; 2024 is the only year
    f_ = forecast.year_end(
        current(rates.Period(2025, 3), D(2025, 4, 10)), forecast.patterns(AnnualPlan.objects.all(), 2025)[None]
    )
    assert f_.rate == Decimal("100.0") and f_.chance is None and "至少 2 个完整年度" in f_.reason
    MonthlyReport.objects.filter(month__year=2024, month__month=7).delete()  # a year with a month missing: no pattern
    f_ = forecast.year_end(
        current(rates.Period(2025, 3), D(2025, 4, 10)), forecast.patterns(AnnualPlan.objects.all(), 2025).get(None, [])
    )
    assert f_.rate is None and f_.chance is None and "历史数据不足" in f_.reason


def test_from_july_the_june_result_is_known_and_no_chance_is_given(history):
    MonthlyReport.objects.create(project=history, month=D(2025, 6, 1), this_month=0, year_to_date=660, since_start=660)
    f_ = forecast.year_end(
        current(rates.Period(2025, 6), D(2025, 7, 10)), forecast.patterns(AnnualPlan.objects.all(), 2025)[None]
    )
    assert f_.double_half is True and f_.chance is None and f_.june_rate is None


def test_projects_likely_to_miss_their_planned_start_or_production(zone_a):
    clock.seed_calendar()
    today = D(2025, 9, 30)
    late_permit = f.ProjectFactory(zone=zone_a, signed_on=D(2025, 6, 1), planned_start_on=D(2025, 10, 20))
    f.ProcedureFactory(project=late_permit, type=f.ProcedureTypeFactory(name="施工许可"), accepted_on=D(2025, 9, 30))
    not_applied = f.ProjectFactory(zone=zone_a, signed_on=D(2025, 6, 1), planned_start_on=D(2025, 11, 5))
    f.ProcedureFactory(project=not_applied, type=f.ProcedureTypeFactory(name="环评批复"), accepted_on=None)
    on_time = f.ProjectFactory(zone=zone_a, signed_on=D(2025, 6, 1), planned_start_on=D(2025, 12, 20))
    f.ProcedureFactory(project=on_time, accepted_on=D(2025, 9, 30))  # due in November, before the start
    slow = f.StartedProjectFactory(zone=zone_a, total_investment=10000, planned_production_on=D(2026, 3, 1))
    fast = f.StartedProjectFactory(zone=zone_a, total_investment=10000, planned_production_on=D(2026, 3, 1))
    for i, m in enumerate(range(4, 10)):
        MonthlyReport.objects.create(
            project=slow, month=D(2025, m, 1), this_month=100, year_to_date=100 * (i + 1), since_start=2400 + 100 * i
        )
        MonthlyReport.objects.create(
            project=fast, month=D(2025, m, 1), this_month=1200, year_to_date=1200 * (i + 1), since_start=2000 + 1200 * i
        )
    risks = forecast.at_risk(Project.objects.all(), today)
    found = {(r.project, r.milestone): r for r in risks}
    assert set(found) == {(late_permit, "start"), (not_applied, "start"), (slow, "production")}
    assert "施工许可法定办结期限为2025年11月" in found[late_permit, "start"].reasons[0]
    assert found[not_applied, "start"].reasons == ["环评批复尚未申报"]
    reason = found[slow, "production"].reasons[0]
    assert "月均完成100.00万元" in reason and "剩余投资7100.00万元约需71个月" in reason and "2031年8月" in reason
    assert [r.project for r in risks][:1] == [late_permit]  # the nearest planned date first
    slow.terminated_on, slow.termination_reason = D(2025, 9, 1), "企业退出"
    slow.save()
    assert (slow, "production") not in {
        (r.project, r.milestone) for r in forecast.at_risk(Project.objects.all(), today)
    }


def test_the_dashboard_loads_its_warning_panel_with_the_forecast_the_risks_and_the_method(
    client_for, alice, zone_a, zone_b, history, _frozen_clock
):
    _frozen_clock.move_to(clock.frozen_moment(D(2025, 4, 10)))  # in April, the June result is still ahead
    c = client_for(alice)
    page = c.get("/dashboard/?year=2025&month=3").content.decode()
    assert 'id="forecast"' in page and 'hx-get="/dashboard/warning/?year=2025&amp;month=3"' in page
    r = c.get("/dashboard/warning/?year=2025&month=3")
    panel = r.content.decode()
    assert r.status_code == 200
    assert "预计2025年底投资完成率 141.7%（区间 100.0%～183.3%）" in panel
    assert "预计6月底投资完成率 62.5%" in panel and "2/2" in panel
    assert 'id="forecast-table"' in panel and zone_a.name in panel
    assert "方法：按此前各年的季节规律推算" in panel and "None" not in panel
    assert c.get(f"/dashboard/warning/?year=2025&month=3&zone={zone_b.pk}").status_code == 404
    bad = c.get("/dashboard/warning/?year=2025&month=9")
    assert bad.status_code == 400 and "不能查看未来月份" in bad.content.decode()


def test_the_bulletin_states_the_forecast_the_projects_at_risk_and_the_method(client_for, city_user, zone_a, history):
    from kaifaqu.reports import bulletin as service
    from kaifaqu.reports import exporters, gongwen

    b = f.BulletinFactory(month=D(2025, 3, 1), city=zone_a.city)
    late = f.ProjectFactory(
        zone=zone_a, name="云冈新材料产业园项目", signed_on=D(2025, 1, 6), planned_start_on=D(2025, 4, 20)
    )
    f.ProcedureFactory(project=late, type=f.ProcedureTypeFactory(name="施工许可"), accepted_on=None)
    content = service.build(b)
    outlook = content["forecast"]
    assert outlook["total"]["rate"] == "141.7" and outlook["total"]["years"] == 2
    assert outlook["risks"] == [
        {
            "name": "云冈新材料产业园项目",
            "zone": zone_a.name,
            "milestone": "开工",
            "planned_on": "2025-04-20",
            "reason": "施工许可尚未申报",
        }
    ]
    assert outlook["text"].startswith("按此前2年的季节规律测算，预计全年投资完成率141.7%（区间100.0%～183.3%）")
    assert "可能延误开工、投产的项目1个" in outlook["text"]
    blocks = [blk.text for blk in gongwen.document(content).blocks if blk.kind in ("h1", "p")]
    assert any(t.endswith("、预测预警") for t in blocks) and any(t.startswith("测算方法：按此前各年") for t in blocks)
    assert exporters.to_docx(content)  # the document (with its table of projects at risk) is written
    page = client_for(city_user).get(f"/bulletins/{b.pk}/").content.decode()
    assert 'id="bulletin-forecast"' in page and "计划2025年4月20日开工" in page
