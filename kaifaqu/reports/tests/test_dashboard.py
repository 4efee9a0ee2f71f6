"""The dashboard: scoped figures that agree with the registers, drill-down links, export, bad periods."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.promotion.models import Lead
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def ledgers(zone_a, zone_b):
    started = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    waiting = f.ProjectFactory(zone=zone_a, name="乙项目")
    other = f.ProjectFactory(zone=zone_b, name="丙项目", **f.reached("started", D(2025, 3, 1)))
    for p, kind in ((started, "new_start"), (waiting, "new_start"), (other, "new_start")):
        AnnualPlan.objects.create(project=p, year=2025, kind=kind, planned_investment=Decimal("1000"))
    f.MonthlyReportFactory(project=started, month=D(2025, 9, 1), this_month=100, year_to_date=600, since_start=600)
    f.LeadFactory(zone=zone_a, company="北京甲科技有限公司", stage="visit")
    f.ProblemFactory(project=started, deadline=D(2025, 4, 1))
    return started, waiting, other


def test_zone_dashboard_counts_only_its_zone_and_links_to_the_records(client_for, alice, ledgers):
    r = client_for(alice).get(reverse("dashboard"), {"year": 2025, "month": 9})
    assert r.status_code == 200
    data = r.context["data"]
    assert data["rates"].start_resume_rate == Decimal("50.0")  # 1 of zone A's 2 new starts
    assert data["rates"].completion_rate == Decimal("30.0")  # 600 of 2,000
    stages = {s["stage"]: s for s in data["stages"]}
    assert stages["started"]["count"] == 1 and stages["reserve"]["count"] == 1
    assert data["problems"]["overdue"] == 1
    # The funnel is cumulative: the lead being visited was also a clue and was contacted.
    funnel = {s["stage"]: s for s in data["promotion"]["stages"]}
    assert [s["count"] for s in funnel.values()] == [1, 1, 1, 0, 0, 0]
    listed = client_for(alice).get(funnel["contact"]["url"]).context["page"].object_list
    assert [lead.company for lead in listed] == ["北京甲科技有限公司"]
    assert not client_for(alice).get(funnel["negotiation"]["url"]).context["page"].object_list
    # The drill-down of the start-and-resumption rate lists exactly the project counted.
    listed = client_for(alice).get(r.context["drill"]["started_or_resumed"]).context["page"].object_list
    assert [p.name for p in listed] == ["甲项目"]
    listed = client_for(alice).get(stages["reserve"]["url"]).context["page"].object_list
    assert [p.name for p in listed] == ["乙项目"]


def test_province_dashboard_breaks_down_by_city(client_for, province_user, ledgers, city_a, city_b):
    r = client_for(province_user).get(reverse("dashboard"), {"year": 2025, "month": 9})
    units = {u.label: u for u in r.context["data"]["units"]}
    assert set(units) == {str(city_a), str(city_b)}
    assert units[str(city_b)].start_resume_rate == Decimal("100.0")
    r = client_for(province_user).get(reverse("dashboard"), {"year": 2025, "month": 9, "city": city_b.pk})
    assert r.context["data"]["rates"].new_planned == 1


def test_dashboard_funnel_and_promotion_statistics_count_the_same_way(client_for, alice, zone_a):
    from kaifaqu.promotion.stats import funnel

    for stage in ("clue", "visit", "visit", "signed"):
        f.LeadFactory(zone=zone_a, stage=stage, first_contact_on=datetime.date(2025, 2, 1))
    r = client_for(alice).get(reverse("dashboard"), {"year": 2025, "month": 9})
    shown = {s["stage"]: s["count"] for s in r.context["data"]["promotion"]["stages"]}
    total, _ = funnel(Lead.objects.filter(zone=zone_a), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert shown == total.reached
    assert shown == {"clue": 4, "contact": 3, "visit": 3, "negotiation": 1, "signed": 1, "landed": 0}


def test_dashboard_table_exports_to_excel(client_for, province_user, ledgers):
    r = client_for(province_user).get(reverse("dashboard"), {"year": 2025, "month": 9, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[-1][0] == "合计" and rows[-1][1] == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [({"year": 2099, "month": 1}, "不能查看未来月份"), ({"year": 2025, "month": 13}, "小于或等于12")],
)
def test_bad_periods_are_refused_with_a_message(client_for, alice, params, message):
    r = client_for(alice).get(reverse("dashboard"), params)
    assert r.status_code == 400 and message in r.content.decode()


def test_an_outsiders_zone_cannot_be_chosen(client_for, charlie, zone_a, ledgers):
    r = client_for(charlie).get(reverse("dashboard"), {"year": 2025, "month": 9, "zone": zone_a.pk})
    assert r.status_code == 404
    r = client_for(charlie).get(reverse("dashboard"), {"year": 2025, "month": 9, "city": zone_a.city_id})
    assert r.status_code == 404
    r = client_for(charlie).get(reverse("dashboard"), {"year": 2025, "month": 9})
    assert r.context["data"]["rates"].new_planned == 1  # only zone B's project


def test_rates_and_funnel_tables_export_to_excel(client_for, province_user, ledgers):
    r = client_for(province_user).get(reverse("project_rates"), {"year": 2025, "month": 9, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[-1][0] == "合计" and rows[-1][1] == 3  # three new starts planned
    r = client_for(province_user).get(
        reverse("promotion_funnel"), {"start": "2020-01-01", "end": "2025-12-31", "export": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][1] == "线索" and rows[-1][0] == "合计" and rows[-1][1] == 1


@pytest.mark.parametrize("name", ["approvals_agents", "approvals_stats", "approvals_reminders", "promotion_reserve"])
def test_every_summary_table_exports_to_excel(client_for, province_user, name):
    r = client_for(province_user).get(reverse(name), {"export": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert load_workbook(io.BytesIO(r.content)).worksheets[0].max_row >= 1
