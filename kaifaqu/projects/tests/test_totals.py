"""Totals for any filtered set of projects: the figures zones quote ("共签约项目25个，总投资额379.85亿元，已开工项目
15个"), on the project list and in the API, from the same aggregate."""

import datetime
from decimal import Decimal

import pytest

from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Project
from kaifaqu.projects.rates import Period, totals
from kaifaqu.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def test_seed_000_jingjinji_figures_are_the_totals_of_the_filtered_list(client_for, alice, zone_a, zone_b):
    f.jingjinji(zone_a)
    f.ProjectFactory(zone=zone_b, total_investment=99999)  # another zone's: neither in scope nor in the sums
    c = client_for(alice)
    r = c.get(f"/projects/?zone={zone_a.pk}&year=2024&month=12")
    assert r.status_code == 200
    shown = dict(r.context["totals"].shown)
    assert shown["项目"] == "25 个" and shown["总投资"] == "379.85 亿元"
    started = client_for(alice).get(f"/projects/?zone={zone_a.pk}&stage=started&year=2024&month=12")
    assert dict(started.context["totals"].shown)["项目"] == "15 个"
    assert dict(started.context["totals"].shown)["总投资"] == "94.00 亿元"
    page = started.content.decode()
    assert 'id="list-totals"' in page and "94.00 亿元" in page

    api = c.get(f"/api/projects/?zone={zone_a.pk}&stage=started&year=2024&month=12").json()
    assert api["count"] == 15 and len(api["results"]) == 15
    assert api["totals"]["count"] == 15 and api["totals"]["total_investment"] == "940000.00"


def test_completed_since_start_year_to_date_and_plan_are_summed_as_of_the_period(zone_a):
    a = f.StartedProjectFactory(zone=zone_a, total_investment=Decimal("10000"))
    b = f.StartedProjectFactory(zone=zone_a, total_investment=Decimal("5000"))
    for month, ytd, since in ((D(2025, 11, 1), 1200, 3000), (D(2026, 3, 1), 1500, 4500), (D(2026, 7, 1), 3000, 6000)):
        f.MonthlyReportFactory(project=a, month=month, this_month=100, year_to_date=ytd, since_start=since)
    AnnualPlan.objects.create(project=a, year=2026, kind="continuing", planned_investment=Decimal("4000"))
    AnnualPlan.objects.create(project=b, year=2026, kind="new_start", planned_investment=Decimal("2000"))
    AnnualPlan.objects.create(project=b, year=2025, kind="new_start", planned_investment=Decimal("777"))
    t = totals(Project.objects.all(), Period(2026, 6))
    assert (t.count, t.total_investment, t.since_start, t.year_to_date, t.planned) == (
        2,
        Decimal("15000.00"),
        Decimal("4500.00"),  # a's latest report up to June; b has none
        Decimal("1500.00"),
        Decimal("6000.00"),  # the 2026 plans only
    )
    assert t.since_start_share == Decimal("30.0") and t.completion_rate == Decimal("25.0")
    # A report later than the period does not count; a year without reports has no year-to-date.
    assert totals(Project.objects.all(), Period(2025, 12)).year_to_date == Decimal("1200.00")
    assert totals(Project.objects.all(), Period(2025, 10)).since_start == Decimal("0.00")


def test_sums_are_decimals_rounded_as_shown_and_an_empty_set_is_zero(client_for, alice, zone_a):
    for amount in ("0.01", "0.02", "1234.57"):
        f.ProjectFactory(zone=zone_a, total_investment=Decimal(amount))
    api = client_for(alice).get("/api/projects/?year=2026&month=6").json()["totals"]
    assert api["total_investment"] == "1234.60" and api["since_start_share"] == "0.0"
    empty = client_for(alice).get("/api/projects/?q=没有这个项目&year=2026&month=6").json()["totals"]
    assert empty["count"] == 0 and empty["total_investment"] == "0.00" and empty["completion_rate"] is None
    assert MonthlyReport.objects.count() == 0


def test_a_bad_filter_gives_its_error_and_no_totals(client_for, alice, zone_a):
    f.ProjectFactory(zone=zone_a)
    r = client_for(alice).get("/projects/?stage=nonsense")
    assert r.status_code == 400 and r.context["totals"] is None


def test_the_rates_narrow_to_transformation_level_and_nature_and_their_drill_down_keeps_it(client_for, alice, zone_a):
    def planned(started, **kind):
        on = D(2026, 3, 1) if started else None
        p = f.ProjectFactory(zone=zone_a, started_on=on, signed_on=D(2026, 1, 5), **kind)
        AnnualPlan.objects.create(project=p, year=2026, kind="new_start", planned_investment=Decimal("100"))
        return p

    turn = [planned(True, is_transformation=True, key_level="provincial", nature="renovation") for _ in range(3)]
    planned(False, is_transformation=True, key_level="city", nature="new")
    for _ in range(4):
        planned(False, is_transformation=False, key_level="provincial", nature="renovation")
    c = client_for(alice)

    def rates(query):
        return c.get(f"/api/rates/?year=2026&month=6&{query}").json()["total"]

    assert (rates("")["new_planned"], rates("")["new_started"]) == (8, 3)
    turned = rates("is_transformation=true")
    assert (turned["new_planned"], turned["start_rate"]) == (4, "75.0")
    assert rates("is_transformation=false")["new_planned"] == 4
    assert rates("key_level=provincial")["new_planned"] == 7 and rates("key_level=city")["new_started"] == 0
    assert rates("nature=renovation&is_transformation=true")["new_planned"] == 3
    link = rates("is_transformation=true")["projects"]["new_started"]
    assert "is_transformation=true" in link
    listed = c.get(link)
    assert {p.pk for p in listed.context["page"].object_list} == {p.pk for p in turn}
    page = c.get("/projects/rates/?year=2026&month=6&nature=renovation")
    assert page.status_code == 200 and page.context["total"].new_planned == 7
    assert c.get("/api/rates/?year=2026&month=6&nature=nonsense").status_code == 400


def test_the_rates_give_what_their_planned_projects_add_up_to(client_for, alice, zone_a):
    f.jingjinji(zone_a)
    for p in Project.objects.all():
        AnnualPlan.objects.create(project=p, year=2026, kind="new_start", planned_investment=Decimal("10"))
    f.ProjectFactory(zone=zone_a, total_investment=123)  # not in the year's plan: not in the rates either
    c = client_for(alice)
    api = c.get("/api/rates/?year=2026&month=6").json()
    assert api["totals"]["count"] == 25 and api["totals"]["total_investment"] == "3798500.00"
    page = c.get("/projects/rates/?year=2026&month=6")
    assert dict(page.context["list_totals"].shown)["总投资"] == "379.85 亿元"
    assert 'id="list-totals"' in page.content.decode()


def test_the_rates_give_the_commitment_share_of_projects_filed_in_the_period(client_for, alice, zone_a, zone_b):
    may = f.ProcedureTypeFactory(allows_commitment=True)
    a, b, c = (f.StartedProjectFactory(zone=zone_a) for _ in range(3))
    f.ProcedureFactory(project=a, type=may, mode="commitment", accepted_on=D(2026, 3, 2))
    f.ProcedureFactory(project=a, accepted_on=D(2026, 4, 1))  # one project however many procedures
    f.ProcedureFactory(project=b, accepted_on=D(2026, 5, 6))
    f.ProcedureFactory(project=c, type=may, mode="commitment", accepted_on=D(2025, 12, 30))  # filed the year before
    f.ProcedureFactory(project=c, accepted_on=D(2026, 7, 1))  # after the period
    f.ProcedureFactory(
        project=f.StartedProjectFactory(zone=zone_b), type=may, mode="commitment", accepted_on=D(2026, 3, 2)
    )
    c_ = client_for(alice)
    body = c_.get("/api/rates/?year=2026&month=6").json()["commitment"]
    assert body == {"filed_projects": 2, "commitment_projects": 1, "commitment_share": "50.0"}
    assert c_.get("/api/rates/?year=2026&month=2").json()["commitment"]["commitment_share"] is None
    page = c_.get("/projects/rates/?year=2026&month=6")
    assert dict(page.context["list_totals"].shown)["承诺制项目占比"] == "50.0%（1/2 个报建项目）"
