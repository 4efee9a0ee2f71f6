"""Figures as of a past day, rebuilt from the change history: records changed, corrected, deleted or back-dated
after the day leave the figures of that day as they were."""

import datetime
from decimal import Decimal

import pytest

from kaifaqu.core.asof import Snapshot
from kaifaqu.projects import rates
from kaifaqu.projects.models import AnnualPlan, Campaign, CampaignEntry, MonthlyReport, Project
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
pytestmark = pytest.mark.django_db


def at(traveller, day: datetime.date):
    traveller.move_to(clock.frozen_moment(day))


@pytest.fixture
def september(zone_a, _frozen_clock):
    """Zone A at the end of September 2025: four new starts planned (400 万元 each), two started, 300 done."""
    at(_frozen_clock, D(2025, 9, 30))
    projects = []
    for i in range(4):
        p = f.ProjectFactory(zone=zone_a, name=f"追溯项目{i}", signed_on=D(2025, 1, 6))
        if i < 2:
            p.started_on = D(2025, 3, 1)
            p.save()
        AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal(400))
        projects.append(p)
    for p, ytd in zip(projects[:2], (100, 200), strict=True):
        MonthlyReport.objects.create(project=p, month=D(2025, 9, 1), this_month=50, year_to_date=ytd, since_start=ytd)
    return projects


def figures(r: rates.Rates) -> tuple:
    return r.new_planned, r.new_started, r.terminated, r.planned_investment, r.completed, r.start_rate


def test_the_rates_as_of_a_day_stay_what_they_were_whatever_changed_afterwards(september, zone_a, _frozen_clock):
    period = rates.Period(2025, 9)
    live, _units = rates.compute(AnnualPlan.objects.all(), Project.objects.all(), period)
    that_day = figures(live)
    assert that_day == (4, 2, 0, Decimal(1600), Decimal(300), Decimal("50.0"))

    at(_frozen_clock, D(2025, 10, 15))  # later: a back-dated start, a termination, a correction, a deletion
    late, terminated, _third, dropped = september
    late.started_on = D(2025, 9, 20)
    late.save()
    terminated.terminated_on, terminated.termination_reason = D(2025, 9, 10), "企业战略调整"
    terminated.save()
    MonthlyReport.objects.filter(project=late).update(
        year_to_date=999, since_start=999
    )  # a bulk write the history does not see
    report = MonthlyReport.objects.get(project=september[1])
    report.year_to_date = report.since_start = 250
    report.save()
    AnnualPlan.objects.get(project=dropped).delete()
    f.ProjectFactory(zone=zone_a, name="十月新增项目")  # created after the day: not there on it

    now, _units = rates.compute(AnnualPlan.objects.all(), Project.objects.all(), period)
    assert figures(now) != that_day
    assert figures(rates.rebuilt(Snapshot(D(2025, 9, 30)), period)) == that_day
    # The day after the changes, the rebuilt figures are today's.
    assert figures(rates.rebuilt(Snapshot(D(2025, 10, 15)), period))[:3] == figures(now)[:3]


def test_the_rates_page_and_api_give_the_figures_as_of_a_day(client_for, alice, september, _frozen_clock):
    at(_frozen_clock, D(2025, 10, 15))
    september[2].started_on = D(2025, 9, 1)  # entered in October, dated in September
    september[2].save()
    c = client_for(alice)
    api = c.get("/api/rates/?year=2025&month=9").json()
    assert api["as_of"] is None and api["total"]["new_started"] == 3
    then = c.get("/api/rates/?year=2025&month=9&as_of=2025-09-30").json()
    assert then["as_of"] == "2025-09-30" and then["total"]["new_started"] == 2 and then["total"]["start_rate"] == "50.0"
    assert "totals" not in then and then["total"]["projects"] == {}
    page = c.get("/projects/rates/?year=2025&month=9&as_of=2025-09-30").content.decode()
    assert 'id="as-of-note"' in page and "2025年9月30日" in page and "平台最早于" not in page
    before = c.get("/projects/rates/?year=2025&month=9&as_of=2025-09-01").content.decode()
    assert "平台最早于 2025年9月30日 录入年度计划" in before
    bad = c.get("/api/rates/?year=2025&month=9&as_of=2099-01-01")
    assert bad.status_code == 400 and "不能查询未来日期" in bad.content.decode()


def test_a_rounds_cohorts_on_its_own_date_are_as_they_were_that_day(client_for, alice, zone_a, _frozen_clock):
    at(_frozen_clock, D(2025, 6, 30))
    campaign = Campaign.objects.create(name="2025年第二批“三个一批”", level="province", held_on=D(2025, 6, 30))
    projects = [f.ProjectFactory(zone=zone_a, signed_on=D(2025, 5, 10), total_investment=1000) for _ in range(4)]
    for p in projects[:2]:
        p.started_on = D(2025, 6, 30)
        p.save()
    for p in projects:
        CampaignEntry.objects.create(campaign=campaign, project=p, kind="signed")

    at(_frozen_clock, D(2025, 8, 1))
    projects[2].started_on = D(2025, 6, 1)  # back-dated: entered in August
    projects[2].save()
    projects[3].terminated_on, projects[3].termination_reason = D(2025, 6, 15), "项目取消"
    projects[3].save()
    live = rates.cohort(Project.objects.filter(pk__in=[p.pk for p in projects]), D(2025, 6, 30))
    assert (live.started, live.terminated, live.start_rate) == (3, 1, Decimal("100.0"))

    c = client_for(alice)
    r = c.get(f"/api/campaigns/{campaign.pk}/cohorts/?as_of=2025-06-30").json()
    signed = next(k for k in r["kinds"] if k["kind"] == "signed")
    assert r["as_of"] == "2025-06-30"
    assert (signed["total"], signed["started"], signed["terminated"], signed["start_rate"]) == (4, 2, 0, "50.0")
    assert signed["investment"] == "4000.00" and signed["started_investment"] == "2000.00"


def test_a_snapshot_holds_what_existed_that_day(zone_a, _frozen_clock):
    at(_frozen_clock, D(2025, 5, 1))
    kept = f.ProjectFactory(zone=zone_a, name="当日已有项目")
    gone = f.ProjectFactory(zone=zone_a, name="后来删除的项目")
    at(_frozen_clock, D(2025, 5, 2))
    kept.name = "改名后的项目"
    kept.save()
    gone.delete()
    f.ProjectFactory(zone=zone_a, name="后来新建的项目")
    day = {p.name for p in Snapshot(D(2025, 5, 1)).rows(Project).values()}
    assert day == {"当日已有项目", "后来删除的项目"}
    assert {p.name for p in Snapshot(D(2025, 5, 2)).rows(Project).values()} == {"改名后的项目", "后来新建的项目"}
    only = Snapshot(D(2025, 5, 1)).rows(Project, [kept.pk])
    assert list(only) == [kept.pk] and only[kept.pk].name == "当日已有项目"


def test_any_record_of_the_api_as_of_a_day_a_problems_status_then(client_for, alice, charlie, zone_a, _frozen_clock):
    at(_frozen_clock, D(2025, 9, 1))
    problem = f.ProblemFactory(project=f.ProjectFactory(zone=zone_a), raised_on=D(2025, 9, 1), deadline=D(2025, 9, 20))
    at(_frozen_clock, D(2025, 10, 8))
    c = client_for(alice)
    closed = c.post(f"/api/problems/{problem.pk}/close/", {"resolution": "已协调解决"})
    assert closed.status_code in (200, 201), closed.content
    now = c.get(f"/api/problems/{problem.pk}/").json()
    then = c.get(f"/api/problems/{problem.pk}/?as_of=2025-09-30").json()
    assert now["status"] != "open" and then["status"] == "open" and then["as_of"] == "2025-09-30"
    assert c.get(f"/api/problems/{problem.pk}/?as_of=2025-08-01").status_code == 404  # not raised yet
    assert c.get(f"/api/problems/{problem.pk}/?as_of=2099-01-01").status_code == 400
    assert c.get(f"/api/problems/{problem.pk}/?as_of=昨天").status_code == 400
    assert client_for(charlie).get(f"/api/problems/{problem.pk}/?as_of=2025-09-30").status_code == 404


def test_a_draft_bulletin_read_as_recorded_at_its_months_end(client_for, city_user, september, zone_a, _frozen_clock):
    problem = f.ProblemFactory(project=september[0], raised_on=D(2025, 9, 1), deadline=D(2025, 9, 10))
    at(_frozen_clock, D(2025, 10, 20))
    september[2].started_on = D(2025, 9, 15)  # entered in October, dated in September
    september[2].save()
    problem.status, problem.closed_on, problem.resolution = "closed", D(2025, 9, 25), "补录：9月已解决"
    problem.closed_by = city_user
    problem.save()
    b = f.BulletinFactory(month=D(2025, 9, 1), city=zone_a.city)
    c = client_for(city_user)
    now = c.get(f"/bulletins/{b.pk}/").context["c"]
    then = c.get(f"/bulletins/{b.pk}/?recorded=1")
    recorded = then.context["c"]
    assert now["totals"]["started"] == 3 and recorded["totals"]["started"] == 2
    assert now["counts"]["overdue_problems"] == 0 and recorded["counts"]["overdue_problems"] == 1
    assert 'id="draft-current"' in then.content.decode()


def test_the_funnel_as_recorded_at_a_periods_end(client_for, alice, zone_a, _frozen_clock):
    from kaifaqu.promotion.models import Lead

    at(_frozen_clock, D(2025, 6, 30))
    leads = [
        f.LeadFactory(zone=zone_a, stage=stage, first_contact_on=D(2025, 3, 1))
        for stage in ("contact", "visit", "negotiation")
    ]
    f.FollowUpFactory(lead=leads[0], date=D(2025, 6, 1))

    def funnel(extra=""):
        r = client_for(alice).get(f"/api/promotion/funnel/?start=2025-01-01&end=2025-06-30{extra}")
        assert r.status_code == 200, r.content
        return r.json()["total"]

    on_the_day = funnel()
    at(_frozen_clock, D(2025, 8, 1))  # later: one goes back to 接触, one is deleted, one is added, back-dated
    Lead.objects.filter(pk=leads[2].pk).update(stage="contact")  # a bulk write: in no history
    leads[1].stage, leads[1].stage_reason = "contact", "企业暂停投资计划"
    leads[1].save()
    leads[0].delete()
    f.LeadFactory(zone=zone_a, stage="negotiation", first_contact_on=D(2025, 5, 1))
    assert funnel() != on_the_day
    recorded = funnel("&recorded=true")
    assert (recorded["leads"], recorded["reached"], recorded["contacts"]) == (
        on_the_day["leads"],
        on_the_day["reached"],
        on_the_day["contacts"],
    )


def test_the_approval_clocks_as_they_stood_on_a_day(client_for, alice, charlie, zone_a, zone_b, _frozen_clock):
    from kaifaqu.approvals.models import Procedure

    clock.seed_calendar()
    at(_frozen_clock, D(2025, 9, 1))
    project = f.ProjectFactory(zone=zone_a)
    kind = f.ProcedureTypeFactory(limit_days=5)
    late = f.ProcedureFactory(project=project, type=kind, accepted_on=D(2025, 9, 1))  # due early September
    waiting = f.ProcedureFactory(project=project, type=f.ProcedureTypeFactory(), accepted_on=None)
    f.ProcedureFactory(project=f.ProjectFactory(zone=zone_b), type=kind, accepted_on=D(2025, 9, 1))  # not alice's

    def counts(extra=""):
        r = client_for(alice).get(f"/api/approvals/clocks/?zone={zone_a.pk}{extra}")
        assert r.status_code == 200, r.content
        return {k: v for k, v in r.json()["counts"].items() if v}

    at(_frozen_clock, D(2025, 9, 30))
    on_the_day = counts()
    assert on_the_day == {"overdue": 1, "waiting": 1}
    at(_frozen_clock, D(2025, 10, 20))  # later: the late one completed back-dated, the waiting one accepted
    late.completed_on = D(2025, 9, 5)
    late.save()
    waiting.accepted_on = D(2025, 9, 10)
    waiting.save()
    assert counts("&as_of=2025-09-30") == on_the_day
    assert Procedure.objects.filter(project=project, completed_on__isnull=False).count() == 1
    c = client_for(alice)
    assert c.get(f"/api/approvals/clocks/?zone={zone_b.pk}").status_code == 404
    assert c.get("/api/approvals/clocks/?as_of=2099-01-01").status_code == 400
    assert client_for(charlie).get("/api/approvals/clocks/").json()["counts"]["overdue"] == 1
