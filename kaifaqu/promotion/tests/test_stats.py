"""Seed 000 (云冈) rebuilt from entered records: 25 leads signed through the agreement page, each landing in
the key-projects register; 15 of the projects started; 签约项目开工率 = started / signed with terminated
projects out of the denominator — 60.0% before, 62.5% after one signed-but-not-started project is
terminated (counted beside the rate). The same figures from stats.funnel, the funnel page and the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.projects.models import Project
from kaifaqu.promotion import services, stats
from kaifaqu.promotion.models import Agreement, Lead, LeadStage
from kaifaqu.testing import factories as f

D = datetime.date
PERIOD = {"start": "2024-01-01", "end": "2024-12-31"}
# 379.85 亿元 signed in all (seed 000): 24 × 15 亿 + 19.85 亿, in 万元.
YEAR_START, YEAR_END, AUTUMN = D(2024, 1, 1), D(2024, 12, 31), D(2024, 11, 1)
AMOUNTS = [Decimal("150000")] * 24 + [Decimal("198500")]


def funnel_of(leads, start=YEAR_START, end=YEAR_END, group="zone"):
    return stats.funnel(leads, start, end, group)


@pytest.fixture
def chain(zone_a):
    return f.IndustryChainFactory(zone=zone_a, name="新材料产业链")


@pytest.fixture
def leads(zone_a, chain):
    return [
        f.LeadFactory(
            zone=zone_a,
            company=f"北京京津冀转移{i:02d}科技有限公司",
            project_name=f"京津冀转移项目{i:02d}" if i % 2 else "",
            chain=chain,
            stage=LeadStage.NEGOTIATION,
            first_contact_on=D(2024, 1, 10),
        )
        for i in range(25)
    ]


@pytest.fixture
def signed(leads, alice, client_for):
    """The 25 leads signed one by one through the agreement page, as a zone user enters them."""
    c = client_for(alice)
    for i, (lead, amount) in enumerate(zip(leads, AMOUNTS, strict=True)):
        r = c.post(
            reverse("agreement_add"),
            {
                "lead": lead.pk,
                "kind": "formal",
                "signed_on": D(2024, 3, 1) + datetime.timedelta(days=i),
                "amount": amount,
            },
        )
        assert r.status_code == 302, r.context["form"].errors if r.context else r
    return [Lead.objects.select_related("project").get(pk=lead.pk) for lead in leads]


@pytest.fixture
def started(signed):
    """15 of the 25 projects started (开工) in the autumn."""
    out = []
    for lead in signed[:15]:
        project = lead.project
        project.started_on = D(2024, 9, 1)
        project.full_clean()
        project.save()
        out.append(project)
    return out


def terminate(project, on=AUTUMN, reason="企业投资计划调整，项目终止"):
    project.terminated_on = on
    project.termination_reason = reason
    project.full_clean()
    project.save()


# -- signing lands each lead in the key-projects register --------------------------------------------------
def test_each_signed_lead_creates_its_project_linked_both_ways(signed, zone_a, chain, alice, client_for):
    assert Agreement.objects.count() == 25
    assert Project.objects.filter(zone=zone_a).count() == 25
    for lead, amount in zip(signed, AMOUNTS, strict=True):
        project = lead.project
        assert project is not None, lead
        assert project.zone == zone_a
        assert project.name == (lead.project_name or f"{lead.company}项目")
        assert project.total_investment == amount
        assert project.chain == chain
        assert project.signed_on == lead.agreements.get().signed_on
        assert Project.objects.get(pk=project.pk).lead == lead  # the reverse link
        assert lead.stage == LeadStage.SIGNED
    # The key-projects register (its list page) shows them to the zone.
    r = client_for(alice).get(reverse("project_list"))
    assert r.status_code == 200 and r.context["paginator"].count == 25


def test_a_second_agreement_does_not_create_a_second_project(signed, alice, client_for):
    lead = signed[0]
    r = client_for(alice).post(
        reverse("agreement_add"), {"lead": lead.pk, "kind": "supplement", "signed_on": "2024-04-01", "amount": "800"}
    )
    assert r.status_code == 302
    assert Project.objects.count() == 25
    assert Lead.objects.get(pk=lead.pk).project == lead.project


def test_signing_through_the_service_fills_the_project_from_the_lead(zone_a, chain):
    lead = f.LeadFactory(
        zone=zone_a,
        company="大同吉邦建筑新材料股份有限公司",
        chain=chain,
        land_need=Decimal("120"),
        liaison_leader="王建卫",
    )
    services.sign(Agreement(lead=lead, kind="framework", signed_on=D(2024, 5, 1), amount=Decimal("68200")))
    lead.refresh_from_db()
    p = lead.project
    assert (p.name, p.zone, p.total_investment, p.signed_on) == (
        "大同吉邦建筑新材料股份有限公司项目",
        zone_a,
        Decimal("68200"),
        D(2024, 5, 1),
    )
    assert (p.land_area, p.liaison_leader, p.lead) == (Decimal("120"), "王建卫", lead)


# -- the funnel: 签约项目开工率 ---------------------------------------------------------------------------
def test_seed_000_start_rate_from_the_entered_records(started, signed, zone_a):
    total, rows = funnel_of(Lead.objects.filter(zone=zone_a))
    assert (total.signed, total.started, total.terminated) == (25, 15, 0)
    assert total.start_rate == Decimal("60.0")
    assert total.signed_amount == Decimal("3798500") and total.signed_yi == Decimal("379.85")
    assert [r.key for r in rows] == [zone_a.pk]

    # One signed-but-not-started project is terminated: it leaves the denominator, 15 / 24 = 62.5%.
    terminate(signed[20].project)
    total, _rows = funnel_of(Lead.objects.filter(zone=zone_a))
    assert (total.signed, total.started, total.terminated) == (25, 15, 1)
    assert total.start_rate == Decimal("62.5")


def test_the_funnel_page_and_api_show_62_5_with_the_terminated_beside(started, signed, alice, client_for):
    terminate(signed[24].project)
    c = client_for(alice)
    r = c.get(reverse("promotion_funnel"), PERIOD)
    assert r.status_code == 200
    total = r.context["total"]
    assert (total.signed, total.started, total.terminated, total.start_rate) == (25, 15, 1, Decimal("62.5"))
    html = r.content.decode()
    assert "62.5%" in html
    body = c.get("/api/promotion/funnel/", PERIOD).json()
    assert body["total"]["start_rate"] == "62.5"
    assert (body["total"]["signed"], body["total"]["started"], body["total"]["terminated"]) == (25, 15, 1)
    assert Decimal(body["total"]["signed_amount"]) == Decimal("3798500")


def test_before_termination_the_page_and_api_show_60(started, alice, client_for):
    c = client_for(alice)
    assert c.get(reverse("promotion_funnel"), PERIOD).context["total"].start_rate == Decimal("60.0")
    assert c.get("/api/promotion/funnel/", PERIOD).json()["total"]["start_rate"] == "60.0"


def test_terminating_a_started_project_takes_it_out_of_both_counts(started, signed, zone_a):
    terminate(started[0], on=D(2024, 10, 1))
    total, _ = funnel_of(Lead.objects.filter(zone=zone_a))
    assert (total.started, total.terminated, total.start_rate) == (14, 1, Decimal("58.3"))  # 14 / 24


def test_the_period_decides_what_is_counted(started, zone_a):
    leads = Lead.objects.filter(zone=zone_a)
    # By the end of June nothing had started yet: 0 of 25.
    total, _ = funnel_of(leads, end=D(2024, 6, 30))
    assert (total.signed, total.started, total.start_rate) == (25, 0, Decimal("0.0"))
    # Nothing signed in 2025: an empty denominator is "—" (None), never 0% or 100%.
    total, _ = funnel_of(leads, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert (total.signed, total.start_rate) == (0, None)


def test_an_empty_denominator_shows_a_dash_on_the_page_and_null_in_the_api(started, alice, client_for):
    c = client_for(alice)
    r = c.get(reverse("promotion_funnel"), {"start": "2025-01-01", "end": "2025-12-31"})
    assert r.status_code == 200 and r.context["total"].start_rate is None
    assert "—" in r.content.decode()
    assert (
        c.get("/api/promotion/funnel/", {"start": "2025-01-01", "end": "2025-12-31"}).json()["total"]["start_rate"]
        is None
    )


def test_the_funnel_reaches_every_stage_and_counts_contacts_and_trips(zone_a, chain):
    stages = ["clue", "contact", "visit", "negotiation"]
    for i, stage in enumerate(stages):
        lead = f.LeadFactory(zone=zone_a, chain=chain, stage=stage, first_contact_on=D(2024, 1, 10))
        for d in range(i + 1):
            f.FollowUpFactory(lead=lead, date=D(2024, 2, 1 + d))
    f.TripFactory(zone=zone_a, start_on=D(2024, 3, 1), end_on=D(2024, 3, 3))
    f.TripFactory(zone=zone_a, start_on=D(2023, 3, 1), end_on=D(2023, 3, 3))  # outside the period
    total, _ = funnel_of(Lead.objects.filter(zone=zone_a))
    assert total.leads == 4
    assert total.reached == {"clue": 4, "contact": 3, "visit": 2, "negotiation": 1, "signed": 0, "landed": 0}
    assert (total.contacts, total.trips) == (10, 1)


def test_grouped_by_chain_the_rows_add_up_to_the_total(started, signed, zone_a, chain):
    other = f.IndustryChainFactory(zone=zone_a, name="装备制造产业链")
    Lead.objects.filter(pk__in=[lead.pk for lead in signed[:5]]).update(chain=other)
    total, rows = funnel_of(Lead.objects.filter(zone=zone_a), group="chain")
    assert sum(r.signed for r in rows) == total.signed == 25
    assert sum(r.started for r in rows) == total.started == 15
    by_key = {r.key: r for r in rows}
    assert (by_key[other.pk].signed, by_key[other.pk].started) == (5, 5)
    assert by_key[chain.pk].start_rate == Decimal("50.0")  # 10 of 20


def test_a_zone_user_funnel_counts_only_its_zone(started, zone_b, alice, charlie, province_user, client_for):
    lead_b = f.LeadFactory(zone=zone_b, company="平鲁线索有限公司", first_contact_on=D(2024, 1, 10))
    services.sign(Agreement(lead=lead_b, kind="formal", signed_on=D(2024, 5, 1), amount=Decimal("1000")))
    total_a = client_for(alice).get(reverse("promotion_funnel"), PERIOD).context["total"]
    assert (total_a.leads, total_a.signed, total_a.started) == (25, 25, 15)
    total_b = client_for(charlie).get(reverse("promotion_funnel"), PERIOD).context["total"]
    assert (total_b.leads, total_b.signed, total_b.started, total_b.start_rate) == (1, 1, 0, Decimal("0.0"))
    body = client_for(province_user).get("/api/promotion/funnel/", PERIOD).json()
    assert (body["total"]["leads"], body["total"]["signed"]) == (26, 26)
    assert len(body["rows"]) == 2


def test_the_funnel_page_refuses_a_reversed_period(alice, client_for):
    r = client_for(alice).get(reverse("promotion_funnel"), {"start": "2024-12-31", "end": "2024-01-01"})
    assert r.status_code == 400
    assert "起始日期不能晚于截止日期" in str(r.context["form"].non_field_errors())
    api = client_for(alice).get("/api/promotion/funnel/", {"start": "2024-12-31", "end": "2024-01-01"})
    assert api.status_code == 400
