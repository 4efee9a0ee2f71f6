"""Figures published by officials, reproduced from entered ledgers."""

import datetime
from decimal import Decimal

import pytest

from kaifaqu.projects.models import AnnualPlan, Project
from kaifaqu.projects.rates import Period, cohort, compute, drill_down
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def pinglu(city_b):
    return f.ZoneFactory(name="平鲁经济技术开发区", city=city_b)


def plan(zone, i, kind, *, started=None, resumed=None, terminated=None, investment="100", year=2022):
    p = f.ProjectFactory(
        zone=zone,
        name=f"项目{i}",
        started_on=started,
        signed_on=started,
        terminated_on=terminated,
        termination_reason="企业撤资" if terminated else "",
    )
    return AnnualPlan.objects.create(
        project=p, year=year, kind=kind, planned_investment=Decimal(investment), resumed_on=resumed
    )


def test_seed_003_pinglu_171_key_projects_161_started_or_resumed_is_94_2_percent(pinglu):
    # 平鲁区: 171 项重点工程项目,已开复工 161 个,开复工率 94.2%(截至 2022 年 9 月底)
    for i in range(60):
        plan(pinglu, i, "new_start", started=D(2022, 4, 1) if i < 54 else None)
    for i in range(60, 171):
        plan(pinglu, i, "continuing", resumed=D(2022, 3, 1) if i < 167 else None)
    total, _units = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 9))
    assert total.new_planned + total.cont_planned == 171
    assert total.new_started + total.cont_resumed == 161
    assert total.start_resume_rate == Decimal("94.2")
    assert total.start_rate == Decimal("90.0") and total.resume_rate == Decimal("96.4")
    behind = drill_down(Project.objects.all(), Period(2022, 9), "not_started")
    assert behind.count() == 10


def test_terminated_projects_leave_the_denominator_and_are_counted_beside(pinglu):
    plan(pinglu, 1, "new_start", started=D(2022, 4, 1))
    plan(pinglu, 2, "new_start", terminated=D(2022, 5, 1))
    plan(pinglu, 3, "new_start")
    total, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 9))
    assert (total.new_started, total.new_planned, total.terminated) == (1, 2, 1)
    assert total.start_rate == Decimal("50.0")
    # Before the termination date the project still counts.
    early, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 4))
    assert early.new_planned == 3 and early.terminated == 0


def test_empty_denominator_is_none_not_zero(pinglu):
    total, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 9))
    assert total.start_resume_rate is None and total.completion_rate is None and total.gap is None


def test_nine_month_completion_97_2_percent_is_22_2_points_ahead_of_schedule(pinglu):
    # "1–9月完成投资占年计划 97.2%,超序时进度 22.2 个百分点" (97.2 − 75.0)
    p1 = plan(pinglu, 1, "continuing", resumed=D(2022, 2, 20), investment="6000")
    p2 = plan(pinglu, 2, "continuing", resumed=D(2022, 3, 1), investment="4000")
    f.MonthlyReportFactory(
        project=p1.project, month=D(2022, 9, 1), this_month="600", year_to_date="5800", since_start="9000"
    )
    f.MonthlyReportFactory(
        project=p2.project, month=D(2022, 8, 1), this_month="500", year_to_date="3920", since_start="3920"
    )  # no September report: its latest (August) figure counts
    f.MonthlyReportFactory(
        project=p2.project, month=D(2021, 12, 1), this_month="1", year_to_date="99", since_start="99"
    )  # last year's does not
    total, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 9))
    assert total.completed == Decimal("9720") and total.planned_investment == Decimal("10000")
    assert total.completion_rate == Decimal("97.2")
    assert total.schedule == Decimal("75.0") and total.gap == Decimal("22.2")
    # 双过半 is the end-of-June test, not September's: without June reports June's completion was 0%.
    assert total.double_half is False and total.double_half_rate == Decimal("0.0")


def test_double_half_at_the_end_of_june(pinglu):
    p = plan(pinglu, 1, "continuing", resumed=D(2022, 2, 20), investment="1000")
    f.MonthlyReportFactory(
        project=p.project, month=D(2022, 6, 1), this_month="100", year_to_date="499", since_start="499"
    )
    june, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 6))
    may, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 5))
    # 双过半 belongs to the year: a past year's periods all show its June result (49.9%).
    assert june.double_half is False and may.double_half is False and may.double_half_rate == Decimal("49.9")


def test_capacity_rate(pinglu):
    f.ProjectFactory(zone=pinglu, planned_capacity_on=D(2022, 5, 1), **f.reached("capacity", D(2022, 6, 1)))
    f.ProjectFactory(zone=pinglu, planned_capacity_on=D(2022, 7, 1), **f.reached("producing", D(2022, 3, 1)))
    f.ProjectFactory(zone=pinglu, planned_capacity_on=D(2023, 7, 1))
    total, _ = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 12))
    assert (total.capacity_reached, total.capacity_due) == (1, 2) and total.capacity_rate == Decimal("50.0")


def test_rates_group_by_unit_and_add_up(pinglu, zone_a):
    plan(pinglu, 1, "new_start", started=D(2022, 4, 1))
    plan(zone_a, 2, "new_start")
    total, units = compute(AnnualPlan.objects.all(), Project.objects.all(), Period(2022, 9), group_by="project__zone")
    by_zone = {u.key: u for u in units}
    assert by_zone[pinglu.pk].start_rate == Decimal("100.0") and by_zone[zone_a.pk].start_rate == Decimal("0.0")
    assert total.start_rate == Decimal("50.0")


def test_campaign_round_68_signed_40_started_is_58_8_percent(pinglu):
    signed = [f.ProjectFactory(zone=pinglu, signed_on=D(2023, 2, 22)) for _ in range(68)]
    for p in signed[:40]:
        p.started_on = D(2023, 5, 29)
        p.save()
    c = cohort(Project.objects.filter(pk__in=[p.pk for p in signed]), D(2023, 12, 31))
    assert (c.started, c.live) == (40, 68) and c.start_rate == Decimal("58.8")


def test_seed_000_start_rate_60_0_or_62_5_with_one_terminated(zone_a):
    # 云冈: 签约项目 25 个,已开工 15 个。15/25 = 60.0%; the article's 62.5% = 15/24 (one terminated).
    signed = [f.ProjectFactory(zone=zone_a, signed_on=D(2024, 3, 1)) for _ in range(25)]
    for p in signed[:15]:
        p.started_on = D(2024, 6, 1)
        p.save()
    as_of = D(2024, 8, 7)
    assert cohort(Project.objects.all(), as_of).start_rate == Decimal("60.0")
    last = signed[-1]
    last.terminated_on, last.termination_reason = D(2024, 7, 1), "企业战略调整"
    last.save()
    c = cohort(Project.objects.all(), as_of)
    assert (c.started, c.live, c.terminated) == (15, 24, 1) and c.start_rate == Decimal("62.5")
