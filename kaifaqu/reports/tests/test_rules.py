"""The bulletin and the dashboard say what the registers' rules say: overdue as of the month's last day, red
projects judged on the bulletin's own month, counts never capped, 双过半 as the year's end-of-June result, and
the status colours the project list filters by."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from kaifaqu.projects.models import AnnualPlan, Problem, ProblemStatus
from kaifaqu.reports import exporters
from kaifaqu.reports.bulletin import build
from kaifaqu.reports.models import Bulletin
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def bulletin(db):
    return Bulletin.objects.create(month=D(2025, 9, 1), level="province")


def planned_project(zone):
    """A project in the 2025 plan (a bulletin without plans or signings has nothing to say)."""
    project = f.StartedProjectFactory(zone=zone)
    AnnualPlan.objects.create(project=project, year=2025, kind="continuing", planned_investment=Decimal("1000"))
    return project


def test_a_problem_is_overdue_at_the_months_end_when_its_deadline_was_before_the_last_day(
    bulletin, zone_a, province_user
):
    project = planned_project(zone_a)
    closed = {"status": ProblemStatus.CLOSED, "resolution": "已解决", "closed_by": province_user}
    f.ProblemFactory(project=project, deadline=D(2025, 9, 30), description="最后一天到期")  # still in time
    f.ProblemFactory(project=project, deadline=D(2025, 9, 29), description="前一天到期")
    f.ProblemFactory(
        project=project, deadline=D(2025, 9, 1), closed_on=D(2025, 10, 3), description="月后销号", **closed
    )
    f.ProblemFactory(
        project=project, deadline=D(2025, 9, 1), closed_on=D(2025, 9, 20), description="月内销号", **closed
    )
    c = build(bulletin)
    assert [p["description"] for p in c["overdue_problems"]] == ["月后销号", "前一天到期"]
    assert c["counts"]["overdue_problems"] == 2 and "逾期未销号问题2个" in c["summary"]


def test_counts_are_never_capped_and_a_cut_list_says_how_many_more(bulletin, zone_a, client_for, province_user):
    project = planned_project(zone_a)
    Problem.objects.bulk_create(
        Problem(
            project=project,
            category="land",
            description=f"用地问题{i:03d}",
            owner_unit="自然资源局",
            owner_person="王科长",
            raised_on=D(2025, 3, 1),
            deadline=D(2025, 4, 1),
        )
        for i in range(101)
    )
    c = build(bulletin)
    assert c["counts"]["overdue_problems"] == 101 and len(c["overdue_problems"]) == 100
    assert "逾期未销号问题101个" in c["summary"] and c["more"]["overdue_problems"] == "及其他 1 项"
    page = client_for(province_user).get(reverse("bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "逾期未销号问题（101）" in page and "及其他 1 项" in page
    doc = Document(io.BytesIO(exporters.to_docx(c)))
    assert "及其他 1 项" in "\n".join(p.text for p in doc.paragraphs)


def test_red_projects_are_judged_on_the_bulletins_own_month(bulletin, zone_a):
    """September 2025: 600 of 1,200 万元 done (50.0%) against 序时进度 75.0%: 25 points behind, red."""
    p = f.StartedProjectFactory(zone=zone_a, name="滞后项目")
    AnnualPlan.objects.create(project=p, year=2025, kind="continuing", planned_investment=Decimal("1200"))
    f.MonthlyReportFactory(project=p, month=D(2025, 9, 1), this_month=100, year_to_date=600, since_start=3000)
    c = build(bulletin)
    assert [r["name"] for r in c["red_projects"]] == ["滞后项目"] and c["counts"]["red_projects"] == 1


# -- 双过半 ---------------------------------------------------------------------------------------------------
def half_year(zone, year, june_ytd, later_ytd=None):
    p = f.StartedProjectFactory(zone=zone, name=f"{year}年续建项目")
    AnnualPlan.objects.create(
        project=p, year=year, kind="continuing", planned_investment=Decimal("1000"), resumed_on=D(year, 2, 20)
    )
    f.MonthlyReportFactory(project=p, month=D(year, 6, 1), this_month=50, year_to_date=june_ytd, since_start=3000)
    if later_ytd is not None:
        f.MonthlyReportFactory(project=p, month=D(year, 10, 1), this_month=50, year_to_date=later_ytd, since_start=4000)
    return p


def test_the_november_dashboard_shows_junes_result_not_octobers(client_for, alice, zone_a):
    half_year(zone_a, 2025, june_ytd=250, later_ytd=522)
    r = client_for(alice).get(reverse("dashboard"), {"year": 2025, "month": 10})
    rates = r.context["data"]["rates"]
    assert rates.completion_rate == Decimal("52.2")
    assert rates.double_half is False and rates.double_half_rate == Decimal("25.0")
    kpi = r.content.decode().split('id="kpi-double-half"')[1][:200]
    assert "否" in kpi and "2025年6月末完成 25.0%" in kpi


def test_this_years_double_half_is_unknown_before_july_and_junes_result_after(_frozen_clock, client_for, alice, zone_a):
    half_year(zone_a, 2026, june_ytd=600)
    _frozen_clock.move_to(clock.frozen_moment(D(2026, 6, 30)))
    r = client_for(alice).get(reverse("dashboard"), {"year": 2026, "month": 6})
    assert r.context["data"]["rates"].completion_rate == Decimal("60.0")
    assert r.context["data"]["rates"].double_half is None
    _frozen_clock.move_to(clock.frozen_moment(D(2026, 7, 1)))
    r = client_for(alice).get(reverse("dashboard"), {"year": 2026, "month": 6})
    assert r.context["data"]["rates"].double_half is True and r.context["data"]["rates"].double_half_rate == 60


# -- status colours on the dashboard -------------------------------------------------------------------------
def test_the_dashboards_colour_counts_link_to_the_projects_of_that_colour(client_for, alice, zone_a):
    late = f.ProjectFactory(zone=zone_a, name="开工滞后项目", planned_start_on=clock.days_from_today(-40))
    f.StartedProjectFactory(zone=zone_a, name="正常推进项目")
    c = client_for(alice)
    colours = {x["colour"]: x for x in c.get(reverse("dashboard")).context["data"]["colours"]}
    assert (colours["red"]["count"], colours["yellow"]["count"], colours["green"]["count"]) == (1, 0, 1)
    assert list(c.get(colours["red"]["url"]).context["page"].object_list) == [late]
