"""The problem ledger (close-out, overdue), project status colours, 三个一批 rounds and dispatch meetings."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.projects.models import DispatchMeeting, Problem, ProblemStatus, Project, StatusRule
from kaifaqu.projects.status import annotate_status
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date


def days_ago(n: int) -> datetime.date:
    return clock.days_from_today(-n)


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def open_problem(project, *, deadline, **extra):
    return f.ProblemFactory(project=project, raised_on=min(days_ago(60), deadline), deadline=deadline, **extra)


# -- close-out (销号) -------------------------------------------------------------------------------
@pytest.fixture
def problem(zone_a, enterprise_a):
    project = f.StartedProjectFactory(zone=zone_a, enterprise=enterprise_a, name="华阳碳材项目")
    return open_problem(project, deadline=clock.days_from_today(30), description="施工用电未接入")


def close(client, problem):
    return client.post(reverse("problem_close", args=[problem.pk]), follow=True)


def test_a_problem_without_a_resolution_is_not_closed(problem, client_for, alice):
    r = close(client_for(alice), problem)
    assert "请先填写解决情况，再销号" in r.content.decode()
    problem.refresh_from_db()
    assert (problem.status, problem.closed_by, problem.closed_on) == (ProblemStatus.OPEN, None, None)


def test_the_zone_closes_a_resolved_problem_and_is_recorded_as_confirming_it(problem, client_for, alice):
    problem.resolution = "供电公司已完成专线接入"
    problem.save()
    r = close(client_for(alice), problem)
    assert "已销号" in r.content.decode()
    problem.refresh_from_db()
    assert (problem.status, problem.closed_by, problem.closed_on) == (ProblemStatus.CLOSED, alice, clock.today())
    assert problem.resolved_on == clock.today()


@pytest.mark.parametrize("who", ["enterprise_user", "agent"])
def test_only_the_zone_may_close_a_problem(who, problem, client_for, request):
    problem.resolution = "企业自述已解决"
    problem.save()
    user = request.getfixturevalue(who)
    r = close(client_for(user), problem)
    assert "问题销号须由开发区确认" in r.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN and problem.closed_by is None


def test_an_outsider_cannot_close_a_problem(problem, client_for, charlie):
    problem.resolution = "已解决"
    problem.save()
    assert client_for(charlie).post(reverse("problem_close", args=[problem.pk])).status_code == 404
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_closing_is_a_post(problem, client_for, alice):
    assert client_for(alice).get(reverse("problem_close", args=[problem.pk])).status_code == 405


def test_overdue_problems_are_listed_under_overdue(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    late = open_problem(project, deadline=days_ago(5), description="用地指标未落实")
    on_time = open_problem(project, deadline=clock.days_from_today(5), description="环评批复待办")
    closed_late = open_problem(
        project,
        deadline=days_ago(10),
        description="道路未通",
        status=ProblemStatus.CLOSED,
        resolution="道路已通车",
        closed_by=alice,
        closed_on=days_ago(1),
    )
    c = client_for(alice)
    assert listed(c.get(reverse("problem_list"), {"overdue": "true"})) == [late]
    assert set(listed(c.get(reverse("problem_list"), {"overdue": "false"}))) == {on_time, closed_late}
    assert late.is_overdue and not on_time.is_overdue and not closed_late.is_overdue
    page = c.get(reverse("problem_detail", args=[late.pk])).content.decode()
    assert 'id="overdue"' in page


# -- status colours --------------------------------------------------------------------------------
@pytest.fixture
def coloured(zone_a):
    """A late project (planned start 40 days ago, not started), one with an overdue problem, a plain one."""
    late = f.ProjectFactory(zone=zone_a, name="开工滞后项目", planned_start_on=days_ago(40))
    troubled = f.StartedProjectFactory(zone=zone_a, name="问题逾期项目")
    open_problem(troubled, deadline=days_ago(3))
    plain = f.StartedProjectFactory(zone=zone_a, name="正常推进项目")
    stopped = f.StartedProjectFactory(
        zone=zone_a, name="已终止项目", terminated_on=D(2025, 1, 1), termination_reason="企业撤资"
    )
    return {"red": late, "yellow": troubled, "green": plain, "none": stopped}


def colours() -> dict[str, str]:
    return dict(annotate_status(Project.objects.all()).values_list("name", "colour"))


def test_the_default_rule_colours_late_red_overdue_problem_yellow_and_plain_green(coloured):
    assert colours() == {p.name: colour for colour, p in coloured.items()}


@pytest.mark.parametrize("colour", ["red", "yellow", "green", "none"])
def test_the_list_filter_by_colour_agrees(colour, coloured, client_for, alice):
    assert listed(client_for(alice).get(reverse("project_list"), {"colour": colour})) == [coloured[colour]]


def test_a_milestone_late_by_less_than_the_threshold_is_not_red(zone_a):
    f.ProjectFactory(zone=zone_a, name="稍晚项目", planned_start_on=days_ago(20))
    assert colours() == {"稍晚项目": "green"}


def test_a_more_lenient_rule_changes_the_colours(coloured, client_for, alice):
    StatusRule.objects.create(red_milestone_days=60, yellow_on_overdue_problem=False)
    assert colours()[coloured["red"].name] == "green"
    assert colours()[coloured["yellow"].name] == "green"
    c = client_for(alice)
    assert listed(c.get(reverse("project_list"), {"colour": "red"})) == []
    assert set(listed(c.get(reverse("project_list"), {"colour": "green"}))) == {
        coloured["red"],
        coloured["yellow"],
        coloured["green"],
    }


def test_a_stricter_rule_changes_the_colours(zone_a):
    f.ProjectFactory(zone=zone_a, name="稍晚项目", planned_start_on=days_ago(20))
    StatusRule.objects.create(red_milestone_days=10)
    assert colours() == {"稍晚项目": "red"}


# On 2026-11-23 the latest due report is October's: 序时进度 10/12 = 83.3%.
AS_OF = D(2026, 11, 23)


def behind_schedule(zone, ytd):
    """A project with 1,200 万元 planned for 2026 that had completed ``ytd`` by October."""
    p = f.StartedProjectFactory(zone=zone, name=f"完成{ytd}万元项目")
    f.AnnualPlanFactory(project=p, year=2026, kind="continuing", planned_investment=1200)
    f.MonthlyReportFactory(project=p, month=D(2026, 10, 1), this_month=100, year_to_date=ytd, since_start=3000)
    return p


@pytest.mark.parametrize(
    "ytd, default, rule, custom",
    [
        (900, "green", {"yellow_gap_points": 5}, "yellow"),  # 75.0%: 8.3 points behind
        (800, "yellow", {"red_gap_points": 15}, "red"),  # 66.7%: 16.7 points behind
        (800, "yellow", {"yellow_gap_points": 20}, "green"),
        (600, "red", {"red_gap_points": 40}, "yellow"),  # 50.0%: 33.3 points behind
    ],
)
def test_investment_behind_schedule_by_the_rules_gap_points(ytd, default, rule, custom, zone_a):
    behind_schedule(zone_a, ytd)
    qs = Project.objects.all()
    assert annotate_status(qs, today=AS_OF).get().colour == default
    assert annotate_status(qs, today=AS_OF, rule=StatusRule(**rule)).get().colour == custom


def test_a_project_ahead_of_schedule_is_green(zone_a):
    behind_schedule(zone_a, 1100)
    assert annotate_status(Project.objects.all(), today=AS_OF).get().colour == "green"


# -- 三个一批 rounds -------------------------------------------------------------------------------
@pytest.fixture
def campaign(zone_a, zone_b):
    """A province round: zone A signed 3 live projects (2 started since) and 1 later terminated;
    started 2 (1 producing since). Zone B's entry is not zone A's business."""
    round_ = f.CampaignFactory(name="2023年第一批", held_on=D(2023, 2, 22))
    signed = [
        f.ProjectFactory(zone=zone_a, name="签约甲", total_investment=20000, signed_on=D(2023, 2, 22)),
        f.ProjectFactory(zone=zone_a, name="签约乙", total_investment=30000, signed_on=D(2023, 2, 22)),
        f.ProjectFactory(zone=zone_a, name="签约丙", total_investment=50000, signed_on=D(2023, 2, 22)),
        f.ProjectFactory(
            zone=zone_a,
            name="签约丁",
            total_investment=10000,
            signed_on=D(2023, 2, 22),
            terminated_on=D(2023, 9, 1),
            termination_reason="市场变化，企业战略调整",
        ),
    ]
    for p in signed[:2]:
        p.started_on = D(2023, 5, 29)
        p.save()
    started = [
        f.ProjectFactory(zone=zone_a, name="开工甲", total_investment=15000, **f.reached("started", D(2023, 2, 22))),
        f.ProjectFactory(zone=zone_a, name="开工乙", total_investment=5000, **f.reached("started", D(2023, 2, 22))),
    ]
    started[0].producing_on = D(2024, 3, 1)
    started[0].save()
    for p in signed:
        f.CampaignEntryFactory(campaign=round_, project=p, kind="signed")
    for p in started:
        f.CampaignEntryFactory(campaign=round_, project=p, kind="started")
    elsewhere = f.ProjectFactory(zone=zone_b, name="平鲁签约", total_investment=90000, signed_on=D(2023, 2, 22))
    f.CampaignEntryFactory(campaign=round_, project=elsewhere, kind="signed")
    return round_


def test_the_campaign_page_shows_totals_and_the_signed_cohorts_start_rate(campaign, client_for, alice):
    r = client_for(alice).get(reverse("campaign_detail", args=[campaign.pk]))
    assert r.status_code == 200
    kinds = {k["kind"]: k["cohort"] for k in r.context["kinds"]}
    signed = kinds["signed"]
    assert (signed.total, signed.terminated, signed.started) == (4, 1, 2)
    assert signed.investment_yi == Decimal("11.00")  # 2 + 3 + 5 + 1 亿元
    assert signed.start_rate == Decimal("66.7")  # 2 / 3: the terminated project leaves the denominator
    started = kinds["started"]
    assert (started.total, started.investment_yi, started.production_rate) == (2, Decimal("2.00"), Decimal("50.0"))
    assert kinds["producing"].total == 0
    table = r.content.decode().split('id="campaign-summary"')[1]
    assert "11.00" in table and "66.7%" in table and "50.0%" in table


def test_another_zone_sees_only_its_own_entries_of_the_round(campaign, client_for, charlie):
    r = client_for(charlie).get(reverse("campaign_detail", args=[campaign.pk]))
    signed = {k["kind"]: k["cohort"] for k in r.context["kinds"]}["signed"]
    assert (signed.total, signed.investment_yi, signed.start_rate) == (1, Decimal("9.00"), Decimal("0.0"))


def test_a_round_with_no_signed_project_shows_a_dash_not_zero(client_for, alice):
    empty = f.CampaignFactory()
    r = client_for(alice).get(reverse("campaign_detail", args=[empty.pk]))
    signed = {k["kind"]: k["cohort"] for k in r.context["kinds"]}["signed"]
    assert signed.total == 0 and signed.start_rate is None
    assert "0.0%" not in r.content.decode().split('id="campaign-summary"')[1]


# -- dispatch meetings -----------------------------------------------------------------------------
def meeting_data(zone, projects):
    return {
        "zone": zone.pk,
        "held_on": "2025-06-27",
        "title": "省级重点工程项目调度会",
        "chair": "崔俊林",
        "projects": [p.pk for p in projects],
        "decisions": "限期解决用电问题",
    }


def test_the_dispatch_meeting_form_refuses_a_project_of_another_zone(client_for, province_user, zone_a, zone_b):
    ours = f.ProjectFactory(zone=zone_a, name="云冈项目")
    theirs = f.ProjectFactory(zone=zone_b, name="平鲁项目")
    r = client_for(province_user).post(reverse("dispatchmeeting_add"), meeting_data(zone_a, [ours, theirs]))
    assert r.status_code == 400
    assert r.context["form"].errors["projects"] == ["调度项目“平鲁项目”不属于该开发区"]
    assert not DispatchMeeting.objects.exists()


def test_a_zone_user_cannot_even_choose_a_project_of_another_zone(client_for, alice, zone_a, zone_b):
    theirs = f.ProjectFactory(zone=zone_b, name="平鲁项目")
    r = client_for(alice).post(reverse("dispatchmeeting_add"), meeting_data(zone_a, [theirs]))
    assert r.status_code == 400 and "projects" in r.context["form"].errors
    assert "调度项目：" in r.content.decode()
    assert not DispatchMeeting.objects.exists()


def test_a_meeting_of_the_zones_own_projects_is_saved(client_for, alice, zone_a):
    ours = [f.ProjectFactory(zone=zone_a, name=f"云冈项目{i}") for i in range(2)]
    assert client_for(alice).post(reverse("dispatchmeeting_add"), meeting_data(zone_a, ours)).status_code == 302
    assert set(DispatchMeeting.objects.get().projects.all()) == set(ours)


def test_the_meetings_api_refuses_a_project_of_another_zone(client_for, province_user, zone_a, zone_b):
    theirs = f.ProjectFactory(zone=zone_b, name="平鲁项目")
    data = meeting_data(zone_a, [theirs])
    r = client_for(province_user).post("/api/meetings/", data, content_type="application/json")
    assert r.status_code == 400 and "projects" in r.json()
    assert not DispatchMeeting.objects.exists()


def test_the_overdue_list_shows_only_the_zones_own_problems(client_for, alice, zone_a, zone_b):
    ours = open_problem(f.ProjectFactory(zone=zone_a), deadline=days_ago(1))
    open_problem(f.ProjectFactory(zone=zone_b), deadline=days_ago(1))
    assert listed(client_for(alice).get(reverse("problem_list"), {"overdue": "true"})) == [ours]
    assert Problem.objects.count() == 2


def test_the_api_gives_the_rounds_cohort_rates_as_the_page_does_and_on_a_past_day(campaign, client_for, alice):
    c = client_for(alice)
    r = c.get(f"/api/campaigns/{campaign.pk}/cohorts/")
    assert r.status_code == 200
    kinds = {k["kind"]: k for k in r.json()["kinds"]}
    assert (kinds["signed"]["total"], kinds["signed"]["terminated"], kinds["signed"]["started"]) == (4, 1, 2)
    assert kinds["signed"]["start_rate"] == "66.7" and kinds["signed"]["investment"] == "110000.00"
    assert kinds["started"]["production_rate"] == "50.0" and kinds["producing"]["start_rate"] is None
    # A past day is answered from the change history: these entries were written today, so on the round's own day
    # the platform held none of them (test_as_of.py follows a round recorded on its day).
    on_the_day = {
        k["kind"]: k for k in c.get(f"/api/campaigns/{campaign.pk}/cohorts/?as_of=2023-02-22").json()["kinds"]
    }
    assert (on_the_day["signed"]["total"], on_the_day["signed"]["start_rate"]) == (0, None)
    assert c.get(f"/api/campaigns/{campaign.pk}/cohorts/?as_of=2999-01-01").status_code == 400
    assert "as_of" in c.get(f"/api/campaigns/{campaign.pk}/cohorts/?as_of=昨天").json()


def test_the_api_cohorts_keep_to_the_users_scope(campaign, client_for, charlie):
    kinds = {k["kind"]: k for k in client_for(charlie).get(f"/api/campaigns/{campaign.pk}/cohorts/").json()["kinds"]}
    assert (kinds["signed"]["total"], kinds["signed"]["investment"]) == (1, "90000.00")
