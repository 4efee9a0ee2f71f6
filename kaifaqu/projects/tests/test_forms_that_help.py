"""Forms that help (issue 14 item 5): months are picked and shown as months, a new report starts at the month
due with its cumulative figures, the one who entered a report or raised a problem does not also review or close
it out (双人复核, per zone), dates follow each other, and a new record's form offers no edit-only fields."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kaifaqu.projects.models import MonthlyReport, Problem, ProblemStatus, ReportStatus
from kaifaqu.projects.services import month_due
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.xlsx import post_import

from .test_reports import HEADERS

D = datetime.date
pytestmark = pytest.mark.django_db
REPORT_HEADERS = HEADERS[: HEADERS.index("形象进度") + 1]  # the report sheet's columns up to 形象进度


@pytest.fixture
def project(zone_a):
    """Started 2024-02-01, with April 2025 reported (YTD 400, since start 1,400)."""
    p = f.StartedProjectFactory(zone=zone_a, name="碳纤维一期", code="2024-140200-36-03-000001", total_investment=10000)
    f.MonthlyReportFactory(project=p, month=D(2025, 4, 1), this_month=100, year_to_date=400, since_start=1400)
    return p


def errors_of(response) -> dict:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


def page(client, url) -> str:
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    return r.content.decode()


# -- 1. months -------------------------------------------------------------------------------------
def test_the_report_and_bulletin_forms_pick_a_month(client_for, alice, province_user, project):
    assert 'type="month"' in page(client_for(alice), reverse("monthlyreport_add") + f"?project={project.pk}")
    assert 'type="month"' in page(client_for(province_user), reverse("bulletin_add"))


def test_a_month_is_entered_as_yyyy_mm_on_the_page_the_api_and_the_import(client_for, alice, project):
    c = client_for(alice)
    r = c.post(
        reverse("monthlyreport_add"),
        {"project": project.pk, "month": "2025-05", "this_month": "100", "year_to_date": "500", "since_start": "1500"},
    )
    assert r.status_code == 302, errors_of(r)
    r = c.post(
        "/api/reports/",
        {"project": project.pk, "month": "2025-06", "this_month": "100", "year_to_date": "600", "since_start": "1600"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["month"] == "2025-06-01"  # the API writes a month as before: its first day
    wb = Workbook()
    ws = wb.active
    ws.append(REPORT_HEADERS)
    ws.append([project.code, "2025-07", 100, 700, 1700, "设备安装"])
    buf = io.BytesIO()
    wb.save(buf)
    status, errors = post_import(c, "monthlyreport", buf.getvalue(), api=False)
    assert status == 200, errors
    months = list(MonthlyReport.objects.filter(project=project).order_by("month").values_list("month", flat=True))
    assert months == [D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1), D(2025, 7, 1)]


def test_pages_show_a_month_as_year_and_month(client_for, alice, project):
    report = project.reports.get()
    c = client_for(alice)
    for url in (
        reverse("monthlyreport_detail", args=[report.pk]),
        reverse("monthlyreport_list"),
        reverse("project_detail", args=[project.pk]),
    ):
        text = page(c, url)
        assert "2025年4月" in text, url
        assert "2025-04-01" not in text and ">2025-04<" not in text, url


def test_a_month_that_is_not_one_is_refused_naming_the_format(client_for, alice, project):
    r = client_for(alice).post(
        reverse("monthlyreport_add"),
        {"project": project.pk, "month": "2025-13", "this_month": "100", "year_to_date": "500", "since_start": "1500"},
    )
    assert r.status_code == 400
    assert any("YYYY-MM" in m for m in errors_of(r)["month"])


# -- 2. the month due and its cumulative figures ------------------------------------------------------
def test_a_new_report_starts_at_the_month_due_and_shows_the_month_before(client_for, alice, project):
    r = client_for(alice).get(reverse("monthlyreport_add"), {"project": project.pk})
    form = r.context["form"]
    assert form["month"].value() == D(2025, 5, 1)
    text = r.content.decode()
    assert 'value="2025-05"' in text
    assert "上月（2025年4月）为 400.00 万元" in text and "上月（2025年4月）为 1400.00 万元" in text
    assert 'data-cumulative-base="400.00"' in text and 'data-cumulative-base="1400.00"' in text


def test_the_month_due_is_the_start_month_then_the_one_after_the_latest_report(zone_a, project):
    fresh = f.StartedProjectFactory(zone=zone_a, code="2024-140200-36-03-000002", started_on=D(2025, 3, 20))
    assert month_due(fresh) == D(2025, 3, 1)
    assert month_due(project) == D(2025, 5, 1)
    assert month_due(f.ProjectFactory(zone=zone_a, code="2024-140200-36-03-000003")) is None  # not started
    current = f.StartedProjectFactory(zone=zone_a, code="2024-140200-36-03-000004", started_on=D(2024, 2, 1))
    f.MonthlyReportFactory(project=current, month=clock.this_month(), this_month=1, year_to_date=1, since_start=1)
    assert month_due(current) is None  # reported up to this month: nothing is due yet


def test_left_empty_the_month_and_the_cumulative_figures_are_filled_in(client_for, alice, project):
    r = client_for(alice).post(reverse("monthlyreport_add"), {"project": project.pk, "this_month": "120.50"})
    assert r.status_code == 302, errors_of(r)
    report = MonthlyReport.objects.get(project=project, month=D(2025, 5, 1))
    assert (report.year_to_date, report.since_start) == (Decimal("520.50"), Decimal("1520.50"))


def test_in_january_the_year_to_date_figure_is_the_month_alone(client_for, alice, zone_a):
    p = f.StartedProjectFactory(zone=zone_a, code="2024-140200-36-03-000005", total_investment=10000)
    f.MonthlyReportFactory(project=p, month=D(2024, 12, 1), this_month=100, year_to_date=1100, since_start=1100)
    c = client_for(alice)
    assert 'data-cumulative-base="0"' in page(c, reverse("monthlyreport_add") + f"?project={p.pk}")
    r = c.post(reverse("monthlyreport_add"), {"project": p.pk, "this_month": "80"})
    assert r.status_code == 302, errors_of(r)
    report = MonthlyReport.objects.get(project=p, month=D(2025, 1, 1))
    assert (report.year_to_date, report.since_start) == (Decimal("80"), Decimal("1180"))


def test_a_cumulative_figure_with_nothing_to_add_up_from_must_be_typed(client_for, alice, zone_a):
    p = f.StartedProjectFactory(zone=zone_a, code="2024-140200-36-03-000006", started_on=D(2025, 3, 1))
    r = client_for(alice).post(reverse("monthlyreport_add"), {"project": p.pk, "month": "2025-03", "this_month": "9"})
    assert r.status_code == 400
    assert any("开工至报告期累计" in m and "请填写" in m for m in errors_of(r)["since_start"])
    assert not MonthlyReport.objects.filter(project=p).exists()


def test_a_typed_cumulative_figure_is_still_checked_against_the_month_before(client_for, alice, project):
    r = client_for(alice).post(
        reverse("monthlyreport_add"), {"project": project.pk, "this_month": "100", "since_start": "1450"}
    )
    assert r.status_code == 400
    assert any("应等于2025年4月累计 1400.00 加2025年5月当月 100" in m for m in errors_of(r)["since_start"])


# -- 3. four eyes (双人复核) ------------------------------------------------------------------------
def _entered_by_alice(client_for, alice, project) -> MonthlyReport:
    r = client_for(alice).post(reverse("monthlyreport_add"), {"project": project.pk, "this_month": "100"})
    assert r.status_code == 302, errors_of(r)
    report = MonthlyReport.objects.get(project=project, month=D(2025, 5, 1))
    assert report.entered_by == alice
    return report


def test_who_entered_a_report_does_not_review_it_on_the_page_or_by_the_api(client_for, alice, bob, project):
    report = _entered_by_alice(client_for, alice, project)
    c = client_for(alice)
    text = page(c, reverse("monthlyreport_detail", args=[report.pk]))
    assert 'id="review"' not in text and "须由其他用户审核" in text
    r = c.post(reverse("monthlyreport_review", args=[report.pk]), follow=True)
    assert "双人复核：月度报表须由填报人以外的用户审核" in r.content.decode()
    r = c.post(f"/api/reports/{report.pk}/review/")
    assert r.status_code == 400
    assert r.json()["non_field_errors"] == ["双人复核：月度报表须由填报人以外的用户审核，您是该报表的填报人"]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    c = client_for(bob)
    assert 'id="review"' in page(c, reverse("monthlyreport_detail", args=[report.pk]))
    r = c.post(f"/api/reports/{report.pk}/review/")
    assert r.status_code == 200, r.json()
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.entered_by) == (ReportStatus.REVIEWED, bob, alice)


def test_a_report_imported_by_a_user_is_not_reviewed_by_them(client_for, alice, project):
    wb = Workbook()
    ws = wb.active
    ws.append(REPORT_HEADERS)
    ws.append([project.code, "2025-05", 100, 500, 1500, "主体施工"])
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for(alice)
    status, errors = post_import(c, "monthlyreport", buf.getvalue(), api=True)
    assert status == 200, errors
    report = MonthlyReport.objects.get(project=project, month=D(2025, 5, 1))
    assert report.entered_by == alice
    assert c.post(f"/api/reports/{report.pk}/review/").status_code == 400


def test_a_zone_without_four_eyes_lets_the_one_who_entered_review(client_for, alice, project, zone_a):
    zone_a.four_eyes = False
    zone_a.save()
    report = _entered_by_alice(client_for, alice, project)
    r = client_for(alice).post(f"/api/reports/{report.pk}/review/")
    assert r.status_code == 200, r.json()


def _raised_by_alice(client_for, alice, project) -> Problem:
    r = client_for(alice).post(
        reverse("problem_add"),
        {
            "project": project.pk,
            "category": "land",
            "description": "用地指标未落实",
            "owner_unit": "自然资源局",
            "owner_person": "王科长",
            "raised_on": "2025-03-01",
            "deadline": "2025-04-01",
            "resolution": "指标已调剂",
        },
    )
    assert r.status_code == 302, errors_of(r)
    problem = Problem.objects.get(project=project)
    assert problem.raised_by == alice
    return problem


def test_who_raised_a_problem_does_not_close_it_out_on_the_page_or_by_the_api(client_for, alice, bob, project):
    problem = _raised_by_alice(client_for, alice, project)
    c = client_for(alice)
    text = page(c, reverse("problem_detail", args=[problem.pk]))
    assert 'id="close-problem"' not in text and "销号须由其他用户确认" in text
    r = c.post(reverse("problem_close", args=[problem.pk]), follow=True)
    assert "双人复核：问题销号须由提出人以外的用户确认" in r.content.decode()
    r = c.post(f"/api/problems/{problem.pk}/close/", {}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["non_field_errors"] == ["双人复核：问题销号须由提出人以外的用户确认，您是该问题的提出人"]
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    c = client_for(bob)
    assert 'id="close-problem"' in page(c, reverse("problem_detail", args=[problem.pk]))
    r = c.post(f"/api/problems/{problem.pk}/close/", {}, content_type="application/json")
    assert r.status_code == 200, r.json()
    problem.refresh_from_db()
    assert (problem.status, problem.closed_by, problem.raised_by) == (ProblemStatus.CLOSED, bob, alice)


def test_an_edit_keeps_who_raised_the_problem(client_for, alice, bob, project):
    problem = _raised_by_alice(client_for, alice, project)
    r = client_for(bob).patch(
        f"/api/problems/{problem.pk}/", {"progress_notes": "已协调"}, content_type="application/json"
    )
    assert r.status_code == 200, r.json()
    problem.refresh_from_db()
    assert problem.raised_by == alice


def test_a_zone_without_four_eyes_lets_the_one_who_raised_close_out(client_for, alice, project, zone_a):
    zone_a.four_eyes = False
    zone_a.save()
    problem = _raised_by_alice(client_for, alice, project)
    r = client_for(alice).post(f"/api/problems/{problem.pk}/close/", {}, content_type="application/json")
    assert r.status_code == 200, r.json()


# -- 4. dates in order (the form/API/import triple is in core/tests/test_one_write_path.py) -----------------
def test_a_new_problem_resolved_before_it_was_raised_is_refused(client_for, alice, project):
    body = {
        "project": project.pk,
        "category": "land",
        "description": "用地指标未落实",
        "owner_unit": "自然资源局",
        "owner_person": "王科长",
        "raised_on": "2025-03-01",
        "deadline": "2025-04-01",
        "resolved_on": "2025-02-01",
    }
    c = client_for(alice)
    r = c.post(reverse("problem_add"), body)
    assert r.status_code == 400
    assert errors_of(r)["resolved_on"] == ["解决日期不能早于提出日期"]
    r = c.post("/api/problems/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["resolved_on"] == ["解决日期不能早于提出日期"]
    assert not Problem.objects.exists()


# -- 5. no edit-only fields on a new record's form --------------------------------------------------
def test_the_new_project_form_offers_no_termination_or_change_reason(client_for, alice, zone_a):
    c = client_for(alice)
    form = c.get(reverse("project_add")).context["form"]
    assert not {"terminated_on", "termination_reason", "change_reason"} & set(form.fields)
    project = f.ProjectFactory(zone=zone_a, code="2024-140200-36-03-000007")
    form = c.get(reverse("project_edit", args=[project.pk])).context["form"]
    assert {"terminated_on", "termination_reason", "change_reason"} <= set(form.fields)


def test_the_new_lead_form_offers_no_reason_for_moving_back(client_for, alice, zone_a):
    c = client_for(alice)
    assert "stage_reason" not in c.get(reverse("lead_add")).context["form"].fields
    lead = f.LeadFactory(zone=zone_a, company="北京中科新材料有限公司")
    assert "stage_reason" in c.get(reverse("lead_edit", args=[lead.pk])).context["form"].fields


# -- the period of the rates and the dashboard: one month picker ---------------------------------------
@pytest.mark.parametrize("name", ["project_rates", "dashboard"])
def test_the_rates_and_dashboard_pick_their_month_with_one_month_picker(name, client_for, alice):
    c = client_for(alice)
    text = page(c, reverse(name) + "?year=2025&month=6")  # links name the year and month
    assert 'type="month"' in text and 'name="period"' in text and 'value="2025-06"' in text
    r = c.get(reverse(name), {"period": "2025-03", "year": "2025", "month": "6"})  # the pick wins
    assert r.status_code == 200
    assert (r.context["period"].year, r.context["period"].month) == (2025, 3)
    r = c.get(reverse(name), {"period": "2099-01"})
    assert r.status_code == 400 and "未来月份" in r.content.decode()


def test_the_rates_api_takes_the_month_as_yyyy_mm_too(client_for, alice):
    r = client_for(alice).get("/api/rates/", {"period": "2025-03"})
    assert r.status_code == 200, r.json()
    assert r.json()["period"] == {"year": 2025, "month": 3}
