"""Every project URL and API endpoint is scoped (the insider reads, the outsider gets 404); the rates
page and API show only the user's scope, and each figure's drill-down lists exactly the projects counted;
the 挂图作战 board shows a zone's key projects."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.projects.services import next_month
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def city_b_user(city_b):
    return f.UserFactory(username="shuozhou", role="city", city=city_b)


def started(zone, **kw):
    return f.StartedProjectFactory(zone=zone, **kw)


# slug: (API path, maker(zone, city) -> record, insider fixture, outsider fixture)
RECORDS = {
    "project": ("projects", lambda zone, city: started(zone, name="云冈重点项目"), "alice", "charlie"),
    "suspension": ("suspensions", lambda zone, city: f.SuspensionFactory(project=started(zone)), "alice", "charlie"),
    "annualplan": ("plans", lambda zone, city: f.AnnualPlanFactory(project=started(zone)), "alice", "charlie"),
    "monthlyreport": ("reports", lambda zone, city: f.MonthlyReportFactory(project=started(zone)), "alice", "charlie"),
    "problem": ("problems", lambda zone, city: f.ProblemFactory(project=started(zone)), "alice", "charlie"),
    "campaign": (
        "campaigns",
        lambda zone, city: f.CampaignFactory(level="city", city=city, name="大同市三个一批"),
        "city_user",
        "city_b_user",
    ),
    "campaignentry": (
        "campaign-entries",
        lambda zone, city: f.CampaignEntryFactory(project=started(zone)),
        "alice",
        "charlie",
    ),
    "dispatchmeeting": (
        "meetings",
        lambda zone, city: f.DispatchMeetingFactory(zone=zone),
        "alice",
        "charlie",
    ),
}


@pytest.mark.parametrize("slug", RECORDS)
class TestScoping:
    def make(self, slug, zone_a, city_a):
        return RECORDS[slug][1](zone_a, city_a)

    def test_the_insider_reads_the_list_detail_forms_export_and_api(self, slug, zone_a, city_a, client_for, request):
        api, _make, insider, _outsider = RECORDS[slug]
        obj = self.make(slug, zone_a, city_a)
        c = client_for(request.getfixturevalue(insider))
        r = c.get(reverse(f"{slug}_list"))
        assert r.status_code == 200 and [o.pk for o in r.context["page"].object_list] == [obj.pk]
        for name in ("detail", "edit", "delete"):
            assert c.get(reverse(f"{slug}_{name}", args=[obj.pk])).status_code == 200, name
        export = c.get(reverse(f"{slug}_list") + "?export=xlsx")
        assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
        assert c.get(f"/api/{api}/{obj.pk}/").status_code == 200
        assert [row["id"] for row in c.get(f"/api/{api}/").json()["results"]] == [obj.pk]

    def test_the_outsider_gets_404_everywhere(self, slug, zone_a, city_a, client_for, request):
        api, _make, _insider, outsider = RECORDS[slug]
        obj = self.make(slug, zone_a, city_a)
        model = type(obj)
        c = client_for(request.getfixturevalue(outsider))
        r = c.get(reverse(f"{slug}_list"))
        assert r.status_code == 200 and list(r.context["page"].object_list) == []
        for name in ("detail", "edit", "delete"):
            assert c.get(reverse(f"{slug}_{name}", args=[obj.pk])).status_code == 404, name
        assert c.post(reverse(f"{slug}_edit", args=[obj.pk]), {}).status_code == 404
        assert c.post(reverse(f"{slug}_delete", args=[obj.pk])).status_code == 404
        assert c.get(f"/api/{api}/{obj.pk}/").status_code == 404
        assert c.patch(f"/api/{api}/{obj.pk}/", {}, content_type="application/json").status_code == 404
        assert c.delete(f"/api/{api}/{obj.pk}/").status_code == 404
        assert c.get(f"/api/{api}/").json()["results"] == []
        assert c.get(reverse(f"{slug}_autocomplete") + "?q=").json() == {"results": []}
        export = c.get(reverse(f"{slug}_list") + "?export=xlsx")
        assert export.status_code == 200 and str(obj) not in export.content.decode("latin-1")
        assert model.objects.filter(pk=obj.pk).exists()


def test_the_outsider_cannot_review_correct_or_close_the_insiders_records(client_for, charlie, zone_a):
    report = f.MonthlyReportFactory(project=started(zone_a))
    problem = f.ProblemFactory(project=report.project, resolution="已解决")
    c = client_for(charlie)
    assert c.post(reverse("monthlyreport_review", args=[report.pk])).status_code == 404
    assert c.get(reverse("monthlyreport_correct", args=[report.pk])).status_code == 404
    r = c.post(
        reverse("monthlyreport_correct", args=[report.pk]),
        {"this_month": "1", "year_to_date": "1", "since_start": "1", "reason": "x"},
    )
    assert r.status_code == 404
    assert c.post(reverse("problem_close", args=[problem.pk])).status_code == 404
    report.refresh_from_db()
    problem.refresh_from_db()
    assert (report.status, report.this_month, problem.status) == ("submitted", 100, "open")


def test_a_zone_user_sees_province_rounds_but_not_another_citys(client_for, alice, city_b):
    province = f.CampaignFactory(name="全省第一批")
    f.CampaignFactory(name="朔州市第一批", level="city", city=city_b)
    r = client_for(alice).get(reverse("campaign_list"))
    assert list(r.context["page"].object_list) == [province]


def test_anonymous_is_sent_to_login_and_the_api_refuses(client, zone_a):
    project = started(zone_a)
    for url in (reverse("project_list"), reverse("project_detail", args=[project.pk]), reverse("project_rates")):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get(f"/api/projects/{project.pk}/").status_code in (401, 403)
    assert client.get("/api/rates/").status_code in (401, 403)


# -- rates -----------------------------------------------------------------------------------------
@pytest.fixture
def plans_2025(zone_a, zone_b):
    """Zone A: 3 new starts planned for 2025, 2 started by September. Zone B: 5, all started."""
    ours = [
        f.ProjectFactory(zone=zone_a, name="云冈新开工甲", **f.reached("started", D(2025, 4, 1))),
        f.ProjectFactory(zone=zone_a, name="云冈新开工乙", **f.reached("started", D(2025, 6, 1))),
        f.ProjectFactory(zone=zone_a, name="云冈新开工丙"),
    ]
    theirs = [f.ProjectFactory(zone=zone_b, **f.reached("started", D(2025, 5, 1))) for _ in range(5)]
    for p in ours + theirs:
        f.AnnualPlanFactory(project=p, year=2025, kind="new_start")
    return ours


def test_the_rates_page_of_a_zone_user_counts_only_its_zone(plans_2025, client_for, alice):
    r = client_for(alice).get(reverse("project_rates"), {"year": 2025, "month": 9})
    assert r.status_code == 200
    total = r.context["total"]
    assert (total.new_planned, total.new_started, total.start_rate) == (3, 2, Decimal("66.7"))
    assert "66.7" in r.content.decode()


@pytest.mark.parametrize(
    "figure, expected",
    [("new_started", {"云冈新开工甲", "云冈新开工乙"}), ("not_started", {"云冈新开工丙"}), ("new_planned", None)],
)
def test_each_figure_links_to_exactly_the_projects_it_counts(figure, expected, plans_2025, client_for, alice):
    c = client_for(alice)
    rates = c.get(reverse("project_rates"), {"year": 2025, "month": 9}).context
    link = rates["rows"][-1]["links"][figure]
    assert f"figure={figure}" in link and "year=2025" in link and "month=9" in link
    listed = {p.name for p in c.get(link).context["page"].object_list}
    if expected is None:
        expected = {p.name for p in plans_2025}
    assert listed == expected
    total = rates["total"]
    counted = {
        "new_started": total.new_started,
        "new_planned": total.new_planned,
        "not_started": total.new_planned + total.cont_planned - total.new_started - total.cont_resumed,
    }[figure]
    assert len(listed) == counted


def test_a_zone_users_rates_break_down_by_park_and_each_parks_link_lists_its_own(client_for, alice, zone_a):
    east, west = f.ParkFactory(zone=zone_a, name="东区园"), f.ParkFactory(zone=zone_a, name="西区园")
    for i, park in enumerate([east, east, west]):
        p = f.ProjectFactory(zone=zone_a, park=park, name=f"园区项目{i}", **f.reached("started", D(2025, 4, 1)))
        f.AnnualPlanFactory(project=p, year=2025, kind="new_start")
    c = client_for(alice)
    ctx = c.get(reverse("project_rates"), {"year": 2025, "month": 9}).context
    rows = {row["rates"].label: row for row in ctx["rows"]}
    assert (rows["东区园"]["rates"].new_planned, rows["西区园"]["rates"].new_planned) == (2, 1)
    listed = {p.name for p in c.get(rows["东区园"]["links"]["new_started"]).context["page"].object_list}
    assert listed == {"园区项目0", "园区项目1"}


def test_a_drill_down_for_an_earlier_month_counts_the_start_as_of_then(plans_2025, client_for, alice):
    # By May only 甲 (started 2025-04-01) had started.
    c = client_for(alice)
    r = c.get(reverse("project_list"), {"figure": "new_started", "year": 2025, "month": 5})
    assert {p.name for p in r.context["page"].object_list} == {"云冈新开工甲"}


def test_a_future_month_is_refused_with_a_message(client_for, alice):
    future = next_month(clock.this_month())
    c = client_for(alice)
    r = c.get(reverse("project_rates"), {"year": future.year, "month": future.month})
    assert r.status_code == 400 and "不能查询未来月份" in r.content.decode()
    r = c.get("/api/rates/", {"year": future.year, "month": future.month})
    assert r.status_code == 400 and "不能查询未来月份" in str(r.json())


def test_a_bad_month_is_refused_with_a_message(client_for, alice):
    r = client_for(alice).get(reverse("project_rates"), {"year": 2025, "month": 13})
    assert r.status_code == 400 and "截至月份" in r.content.decode()


def seed_003(zone):
    """平鲁区: 171 key projects in the 2022 plan, 161 started or resumed by the end of September."""
    for i in range(171):
        kind = "new_start" if i < 60 else "continuing"
        started_on = D(2022, 4, 1) if kind == "new_start" and i < 54 else None
        resumed_on = D(2022, 3, 1) if kind == "continuing" and i < 167 else None
        p = f.ProjectFactory(zone=zone, name=f"平鲁项目{i}", signed_on=started_on, started_on=started_on)
        AnnualPlan.objects.create(project=p, year=2022, kind=kind, planned_investment=100, resumed_on=resumed_on)


def test_the_rates_api_gives_pinglus_94_2_percent(client_for, charlie, zone_b):
    seed_003(zone_b)
    r = client_for(charlie).get("/api/rates/", {"year": 2022, "month": 9})
    assert r.status_code == 200
    total = r.json()["total"]
    assert total["new_planned"] + total["cont_planned"] == 171
    assert total["new_started"] + total["cont_resumed"] == 161
    assert str(total["start_resume_rate"]) == "94.2"
    assert r.json()["period"] == {"year": 2022, "month": 9}
    behind = client_for(charlie).get(total["projects"]["started_or_resumed"]).context["paginator"].count
    assert behind == 161


def test_the_rates_api_gives_exact_decimals_as_strings_like_the_rest_of_the_api(client_for, charlie, zone_b):
    seed_003(zone_b)
    total = client_for(charlie).get("/api/rates/", {"year": 2022, "month": 9}).json()["total"]
    assert total["start_resume_rate"] == "94.2"
    assert isinstance(total["planned_investment"], str) and Decimal(total["planned_investment"]) == 17100


def test_an_outsiders_rates_api_shows_no_rates(client_for, alice, zone_b):
    seed_003(zone_b)
    r = client_for(alice).get("/api/rates/", {"year": 2022, "month": 9})
    assert r.status_code == 200
    total = r.json()["total"]
    assert total["terminated"] == 0
    assert total["start_rate"] is None and total["resume_rate"] is None and total["start_resume_rate"] is None
    assert r.json()["units"] == []


def test_an_outsiders_rates_api_shows_zero_plans(client_for, alice, zone_b):
    seed_003(zone_b)
    total = client_for(alice).get("/api/rates/", {"year": 2022, "month": 9}).json()["total"]
    assert (total["new_planned"], total["cont_planned"], total["new_started"], total["cont_resumed"]) == (0, 0, 0, 0)


def test_an_outsider_cannot_narrow_the_rates_to_another_zone(client_for, alice, zone_b):
    seed_003(zone_b)
    r = client_for(alice).get("/api/rates/", {"year": 2022, "month": 9, "zone": zone_b.pk})
    assert r.status_code == 404  # a zone outside the scope is not found, as on the dashboard
    assert client_for(alice).get(reverse("project_rates"), {"zone": zone_b.pk}).status_code == 404


# -- the board (挂图作战) -------------------------------------------------------------------------------
def test_the_board_shows_the_zones_key_projects(client_for, alice, zone_a, zone_b):
    f.ProjectFactory(zone=zone_a, name="省级重点项目甲", key_level="provincial", planned_start_on=D(2025, 3, 1))
    f.ProjectFactory(
        zone=zone_a,
        name="市级重点项目乙",
        key_level="city",
        planned_start_on=D(2025, 4, 1),
        **f.reached("started", D(2025, 5, 1)),
    )
    f.ProjectFactory(zone=zone_a, name="一般项目丙")
    f.ProjectFactory(
        zone=zone_a, name="终止重点项目丁", key_level="city", terminated_on=D(2025, 1, 1), termination_reason="撤资"
    )
    f.ProjectFactory(zone=zone_b, name="平鲁重点项目", key_level="provincial")
    r = client_for(alice).get(reverse("project_board"))
    assert r.status_code == 200 and r.context["zone"] == zone_a
    assert [row["name"] for row in r.context["rows"]] == ["省级重点项目甲", "市级重点项目乙"]
    page = r.content.decode()
    assert "省级重点项目甲" in page and "一般项目丙" not in page and "平鲁重点项目" not in page
    assert [z.pk for z in r.context["zones"]] == [zone_a.pk]


def test_the_board_of_another_zone_is_404(client_for, alice, zone_a, zone_b):
    assert client_for(alice).get(reverse("project_board"), {"zone": zone_b.pk}).status_code == 404
    assert client_for(alice).get(reverse("project_board"), {"zone": zone_a.pk}).status_code == 200


def test_the_province_chooses_any_zones_board(client_for, province_user, zone_a, zone_b):
    f.ProjectFactory(zone=zone_b, name="平鲁重点项目", key_level="provincial")
    r = client_for(province_user).get(reverse("project_board"), {"zone": zone_b.pk})
    assert r.status_code == 200 and [row["name"] for row in r.context["rows"]] == ["平鲁重点项目"]
