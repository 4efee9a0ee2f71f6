"""A home for each role: the province and the cities open on their dashboard, a zone on its to-do list, an agent
on their own procedures, an enterprise on its projects; menus offer only what the role can use."""

import datetime

import pytest
from django.urls import reverse

from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Procedure, ProcedureType
from kaifaqu.projects.models import ProblemStatus
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
DAY = D(2026, 12, 10)  # the reports due are November's
FIRE = "消防设计审查"  # 15 working days


@pytest.fixture
def world(_frozen_clock, zone_a, zone_b, agent, enterprise_a, alice):
    _frozen_clock.move_to(clock.frozen_moment(DAY))
    clock.seed_calendar(DAY)
    load_defaults()
    fire = ProcedureType.objects.get(name=FIRE)
    w = {}
    w["unreported"] = f.ProjectFactory(zone=zone_a, name="碳纤维一期", **f.reached("started", D(2026, 3, 1)))
    w["reported"] = f.ProjectFactory(zone=zone_a, name="储能电站", **f.reached("started", D(2026, 3, 1)))
    w["unstarted"] = f.ProjectFactory(zone=zone_a, name="氢能装备产业园")
    w["theirs"] = f.ProjectFactory(zone=zone_b, name="别区项目", **f.reached("started", D(2026, 3, 1)))
    w["mine"] = f.ProjectFactory(
        zone=zone_a, name="华阳碳材新材料", enterprise=enterprise_a, **f.reached("started", D(2026, 4, 1))
    )
    for p in (w["unreported"], w["reported"], w["unstarted"], w["theirs"], w["mine"]):
        f.AnnualPlanFactory(project=p, year=2026)
    f.MonthlyReportFactory(
        project=w["reported"], month=D(2026, 11, 1), this_month=100, year_to_date=900, since_start=900
    )
    f.MonthlyReportFactory(
        project=w["reported"], month=D(2026, 10, 1), this_month=100, year_to_date=800, since_start=800
    )
    f.ProblemFactory(project=w["unreported"], raised_on=D(2026, 10, 1), deadline=D(2026, 11, 30))  # overdue
    f.ProblemFactory(project=w["mine"], raised_on=D(2026, 11, 1), deadline=D(2026, 12, 31), description="供电线路迁改")
    f.ProblemFactory(
        project=w["reported"],
        status=ProblemStatus.CLOSED,
        closed_on=D(2026, 11, 2),
        resolution="已解决",
        closed_by=alice,
    )
    # Accepted on 2026-11-20: 15 working days are due on 2026-12-11, due soon on DAY.
    w["assigned"] = Procedure.objects.create(project=w["mine"], type=fire, accepted_on=D(2026, 11, 20), agent=agent)
    w["other"] = Procedure.objects.create(project=w["reported"], type=fire, accepted_on=D(2026, 12, 8))
    f.LeadFactory(zone=zone_a, company="北京久未联系科技有限公司", stage="contact", first_contact_on=D(2026, 1, 5))
    f.LeadFactory(zone=zone_a, company="上海新近联系有限公司", stage="contact", first_contact_on=D(2026, 12, 1))
    return w


def panels(client) -> dict:
    r = client.get(reverse("home"))
    assert r.status_code == 200
    return {p.key: p for p in r.context["panels"]}


def texts(panel) -> list[str]:
    return [row.text for row in panel.rows]


def test_a_zone_opens_on_its_to_do_list(world, client_for, alice):
    found = panels(client_for(alice))
    assert list(found) == ["procedures_due", "reports_due", "reports_to_review", "problems", "stale_leads"]
    assert found["reports_due"].title == "待填报的月报（2026年11月）"
    # Started, in this year's plan, no November report; the unstarted, the reported and zone B's are not due.
    assert sorted(texts(found["reports_due"])) == ["华阳碳材新材料", "碳纤维一期"]
    assert found["reports_to_review"].count == 2  # the two reports entered, not reviewed yet
    assert texts(found["problems"]) == ["碳纤维一期：土地", "华阳碳材新材料：土地"]  # by deadline; closed ones left out
    assert "逾期" in found["problems"].rows[0].badge and not found["problems"].rows[1].badge
    assert texts(found["procedures_due"]) == [FIRE] and "剩 1 个工作日" in found["procedures_due"].rows[0].badge
    assert texts(found["stale_leads"]) == ["北京久未联系科技有限公司"]


def test_each_panel_links_to_exactly_its_records(world, client_for, alice):
    c = client_for(alice)
    found = panels(c)
    due = c.get(found["reports_due"].url).context["page"].object_list
    assert sorted(p.name for p in due) == sorted(texts(found["reports_due"]))
    unclosed = c.get(found["problems"].url).context["page"].object_list
    assert len(unclosed) == found["problems"].count == 2
    # A due report's row opens the report form for that project.
    form = c.get(found["reports_due"].rows[0].url)
    assert form.status_code == 200 and form.context["form"].initial.get("project")


def test_an_agent_opens_on_their_own_procedures_with_the_clocks(world, client_for, agent):
    found = panels(client_for(agent))
    assert list(found) == ["my_procedures"]
    assert texts(found["my_procedures"]) == [FIRE] and found["my_procedures"].rows[0].detail == "华阳碳材新材料"
    assert "剩 1 个工作日" in found["my_procedures"].rows[0].badge


def test_an_enterprise_opens_on_its_projects_procedures_problems_and_reports(world, client_for, enterprise_user):
    found = panels(client_for(enterprise_user))
    assert list(found) == ["projects", "my_procedures", "reports_due", "problems"]
    assert texts(found["projects"]) == ["华阳碳材新材料"]
    assert texts(found["reports_due"]) == ["华阳碳材新材料"]
    assert texts(found["problems"]) == ["华阳碳材新材料：土地"]
    assert texts(found["my_procedures"]) == [FIRE]


@pytest.mark.parametrize("who", ["province_user", "city_user"])
def test_the_province_and_a_city_open_on_their_dashboard_with_their_reminders(world, client_for, who, request):
    r = client_for(request.getfixturevalue(who)).get(reverse("home"))
    assert r.status_code == 200 and "reports/dashboard.html" in [t.name for t in r.templates]
    labels = [label for label, _n, _url in r.context["reminders"]]
    assert "问题清单逾期未销号" in labels
    # The dashboard's own form, sent from the home page, still answers there.
    assert client_for(request.getfixturevalue(who)).get(reverse("home"), {"year": 2026, "month": 6}).status_code == 200


def menu(client) -> dict[str, str]:
    r = client.get(reverse("records"))
    return {e["label"]: e["url"] for s in r.context["nav_sections"] for e in s["entries"]}


def test_menus_offer_only_what_the_role_can_use(world, client_for, province_user, alice, agent, enterprise_user):
    seen = {}
    for who, user in [("province", province_user), ("zone", alice), ("agent", agent), ("enterprise", enterprise_user)]:
        c = client_for(user)
        seen[who] = menu(c)
        for label, url in seen[who].items():
            assert c.get(url).status_code == 200, f"{who}: {label} {url}"
    assert {"工作看板", "月通报", "重复招商", "台账总览"} <= set(seen["province"])
    assert "重复招商" not in seen["zone"] and "工作看板" in seen["zone"]
    assert "审批手续" in seen["agent"], sorted(seen["agent"])
    assert not {"招商线索", "重复招商", "招商看板", "三率统计"} & set(seen["agent"]), sorted(seen["agent"])
    assert len(seen["agent"]) < len(seen["zone"]) < len(seen["province"])
    assert set(seen["enterprise"]) == {"我的审批进度", "项目", "月度投资", "问题清单"}


def test_the_records_overview_keeps_the_counts(world, client_for, alice):
    r = client_for(alice).get(reverse("records"))
    counts = {card["title"]: card["count"] for _label, cards in r.context["groups"] for card in cards}
    assert counts["项目"] == 4  # zone A's
