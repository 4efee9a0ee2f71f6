"""Correcting a locked month that has later months (issue 10, part 4): the later months' cumulative
figures follow in the same recorded correction — year to date within that year, since start for every
later month — so consecutive months still add up; in one transaction; with the reason in the change
history; listed beside a bulletin already published."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kaifaqu.core.models import ChangeRecord
from kaifaqu.projects import services
from kaifaqu.projects.models import AnnualPlan, MonthlyReport, ReportCorrection
from kaifaqu.reports.bulletin import build
from kaifaqu.reports.models import Bulletin
from kaifaqu.testing import factories as f

D = datetime.date
REASON = "统计口径调整：3月设备款补录"


@pytest.fixture
def project(zone_a):
    """Started January 2024, 100 万元 every month from January to June 2024, 50 万元 in January 2025."""
    p = f.ProjectFactory(
        zone=zone_a, name="更正项目", signed_on=D(2024, 1, 1), started_on=D(2024, 1, 1), total_investment=10000
    )
    for m in range(1, 7):
        f.MonthlyReportFactory(
            project=p, month=D(2024, m, 1), this_month=100, year_to_date=100 * m, since_start=100 * m
        )
    f.MonthlyReportFactory(project=p, month=D(2025, 1, 1), this_month=50, year_to_date=50, since_start=650)
    AnnualPlan.objects.create(project=p, year=2024, kind="new_start", planned_investment=Decimal(2000))
    return p


def figures(project):
    return {
        r.month: (r.this_month, r.year_to_date, r.since_start)
        for r in MonthlyReport.objects.filter(project=project).order_by("month")
    }


def report(project, month) -> MonthlyReport:
    return MonthlyReport.objects.get(project=project, month=month)


def correct_march(client, project, **overrides):
    data = {"this_month": "150", "year_to_date": "350", "since_start": "350", "reason": REASON, **overrides}
    return client.post(reverse("monthlyreport_correct", args=[report(project, D(2024, 3, 1)).pk]), data)


def test_correcting_march_moves_the_cumulative_figures_of_april_to_june_and_later(project, client_for, alice):
    r = correct_march(client_for(alice), project)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    assert figures(project) == {
        D(2024, 1, 1): (100, 100, 100),
        D(2024, 2, 1): (100, 200, 200),
        D(2024, 3, 1): (150, 350, 350),
        D(2024, 4, 1): (100, 450, 450),
        D(2024, 5, 1): (100, 550, 550),
        D(2024, 6, 1): (100, 650, 650),
        D(2025, 1, 1): (50, 50, 700),  # a new year: its year to date starts again; since start follows
    }
    assert ledger_holds(project)


def test_the_correction_is_recorded_month_by_month_with_its_reason(project, client_for, alice):
    correct_march(client_for(alice), project)
    recorded = {
        (c.report.month, c.field): (c.old_value, c.new_value, c.reason, c.corrected_by)
        for c in ReportCorrection.objects.select_related("report")
    }
    assert recorded[(D(2024, 3, 1), "this_month")] == (100, 150, REASON, alice)
    assert recorded[(D(2024, 5, 1), "year_to_date")] == (500, 550, REASON, alice)
    assert recorded[(D(2024, 6, 1), "since_start")] == (600, 650, REASON, alice)
    assert recorded[(D(2025, 1, 1), "since_start")] == (650, 700, REASON, alice)
    assert (D(2025, 1, 1), "year_to_date") not in recorded and (D(2024, 4, 1), "this_month") not in recorded
    assert len(recorded) == 3 + 3 * 2 + 1
    # The change history of every month moved says why, who, and that it was one action.
    changes = ChangeRecord.objects.filter(content_type__model="monthlyreport", action="update")
    assert changes.count() == 5
    assert {c.reason for c in changes} == {REASON} and {c.user for c in changes} == {alice}
    assert len({c.request_id for c in changes}) == 1
    june = report(project, D(2024, 6, 1))
    page = client_for(alice).get(reverse("monthlyreport_detail", args=[june.pk])).content.decode()
    assert REASON in page[page.index('id="corrections"') :]


def test_a_correction_that_would_break_a_later_month_writes_nothing_and_names_that_month(project, client_for, alice):
    project.total_investment = 680  # January 2025 would reach 700
    project.save()
    before = figures(project)
    r = correct_march(client_for(alice), project)
    assert r.status_code == 400
    assert "更正后 2025年1月 的开工至报告期累计（700.00 万元）将超过项目总投资" in r.content.decode()
    assert figures(project) == before
    assert not ReportCorrection.objects.exists()
    assert not ChangeRecord.objects.filter(content_type__model="monthlyreport", action="update").exists()


def test_the_corrected_month_still_has_to_add_up_with_the_month_before(project, client_for, alice):
    r = correct_march(client_for(alice), project, year_to_date="400", since_start="400")  # Feb. 200 + March 150 = 350
    assert r.status_code == 400 and "应等于2024年2月累计 200.00 加2024年3月当月 150" in r.content.decode(), r.context[
        "form"
    ].errors
    assert not ReportCorrection.objects.exists()


def test_a_correction_of_june_alone_moves_only_the_next_year(project, alice):
    june = report(project, D(2024, 6, 1))
    services.correct_report(
        june, user=alice, values={"this_month": 80, "year_to_date": 580, "since_start": 580}, reason="核减"
    )
    assert figures(project)[D(2024, 6, 1)] == (80, 580, 580)
    assert figures(project)[D(2025, 1, 1)] == (50, 50, 630)
    assert ledger_holds(project)


def test_the_carried_corrections_are_listed_beside_a_published_bulletin(project, client_for, alice, province_user):
    bulletin = Bulletin.objects.create(month=D(2024, 5, 1), level="province")
    bulletin.content = build(bulletin)
    bulletin.status, bulletin.published_at = "published", timezone.now()
    bulletin.save()
    assert correct_march(client_for(alice), project).status_code == 302
    page = client_for(province_user).get(reverse("bulletin_detail", args=[bulletin.pk]))
    listed = page.context["since"]["corrections"]
    assert {(c.report.month, c.field) for c in listed} == {
        (D(2024, 3, 1), "this_month"),
        (D(2024, 3, 1), "year_to_date"),
        (D(2024, 3, 1), "since_start"),
        (D(2024, 4, 1), "year_to_date"),
        (D(2024, 4, 1), "since_start"),
        (D(2024, 5, 1), "year_to_date"),
        (D(2024, 5, 1), "since_start"),
    }  # June and 2025 are after the bulletin's month
    assert REASON in page.content.decode()


def ledger_holds(project) -> bool:
    reports = list(MonthlyReport.objects.filter(project=project).order_by("month"))
    for i, r in enumerate(reports):
        prev = reports[i - 1] if i else None
        nxt = reports[i + 1] if i + 1 < len(reports) else None
        assert services.report_errors(r, r.project, prev, nxt) == {}, r
    return True
