"""The agency centre's reach: every procedure URL and API endpoint is scoped (insider 200, outsider
404); a plain agent (代办员) sees only the procedures assigned to them, a lead agent (领办员) the whole
zone; the roster shows workloads and the statistics only the user's zones; the enterprise follows its
own projects without internal notes or agents' phone numbers; anyone holding a project code and its
query code follows the approvals without logging in, and guessing is throttled."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from kaifaqu.approvals import calendar as holiday_calendar
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Procedure, ProcedureType, ProgressAccess
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
CODE_A = "2024-140200-36-03-000001"
CODE_B = "2024-140600-36-03-000002"
NOTE = "内部备注：企业环评材料尚缺一页，勿对外"
PHONE = "13903521234"


@pytest.fixture(autouse=True)
def catalogue_and_calendar(db):
    clock.seed_calendar()
    load_defaults()
    cache.clear()  # the public query's failure counter lives in the cache
    yield
    cache.clear()


@pytest.fixture
def project(zone_a, enterprise_a):
    return f.ProjectFactory(zone=zone_a, enterprise=enterprise_a, name="碳纤维一期", code=CODE_A)


@pytest.fixture
def project_b(zone_b):
    return f.ProjectFactory(zone=zone_b, name="平鲁风电装备", code=CODE_B)


@pytest.fixture
def agent2(zone_a):
    return f.UserFactory(username="daiban2", role="agent", zone=zone_a, full_name="王代办", phone="13903520000")


@pytest.fixture
def lead(zone_a):
    return f.UserFactory(username="lingban", role="agent", agent_rank="lead", zone=zone_a, full_name="李领办")


@pytest.fixture
def agent_b(zone_b):
    return f.UserFactory(username="pinglu_daiban", role="agent", zone=zone_b)


def ptype(name) -> ProcedureType:
    return ProcedureType.objects.get(name=name)


def make(project, type_name, **kw) -> Procedure:
    p = Procedure.objects.create(project=project, type=ptype(type_name), **kw)
    p.refresh_from_db()
    return p


def workdays_before(today, n) -> datetime.date:
    cal = holiday_calendar.current()
    day = today
    while cal.count_workdays(day, today) < n:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def procedures(project, agent, agent2, lead):
    """Zone A's procedures: one for each agent (one overdue, one due soon), one led by the lead, one done."""
    agent.phone = PHONE
    agent.full_name = "张代办"
    agent.save()
    mine = make(project, "消防设计审查", accepted_on=workdays_before(clock.today(), 30), agent=agent, notes=NOTE)
    theirs = make(project, "施工图设计文件审查", accepted_on=workdays_before(clock.today(), 18), agent=agent2)
    led = make(project, "节能审查", accepted_on=workdays_before(clock.today(), 5), agent=agent2, lead_agent=lead)
    done = make(
        project,
        "企业投资项目备案",
        mode="commitment",
        accepted_on=D(2025, 9, 30),
        completed_on=D(2025, 10, 10),
        agent=agent,
        certificate_no="2025-140200-36-03-000001备",
    )
    return {"mine": mine, "theirs": theirs, "led": led, "done": done}


# -- insider 200 / outsider 404 ---------------------------------------------------------------------------
def test_the_insider_reads_every_page_and_the_api(procedures, client_for, alice):
    p = procedures["mine"]
    c = client_for(alice)
    for name in ("detail", "edit", "delete"):
        assert c.get(reverse(f"procedure_{name}", args=[p.pk])).status_code == 200, name
    assert c.get(f"/api/procedures/{p.pk}/").status_code == 200
    assert c.get(reverse("procedure_project", args=[p.project_id])).status_code == 200
    r = c.get(reverse("procedure_list"))
    assert {o.pk for o in r.context["page"].object_list} == {o.pk for o in procedures.values()}


def test_the_outsider_gets_404_everywhere(procedures, client_for, charlie):
    p = procedures["mine"]
    c = client_for(charlie)
    for name in ("detail", "edit", "delete"):
        assert c.get(reverse(f"procedure_{name}", args=[p.pk])).status_code == 404, name
    assert c.post(reverse("procedure_edit", args=[p.pk]), {}).status_code == 404
    assert c.post(reverse("procedure_delete", args=[p.pk])).status_code == 404
    assert c.post(reverse("procedure_resume", args=[p.pk]), {"resumed_on": "2025-10-20"}).status_code == 404
    assert c.get(reverse("procedure_project", args=[p.project_id])).status_code == 404
    assert c.get(f"/api/procedures/{p.pk}/").status_code == 404
    assert c.patch(f"/api/procedures/{p.pk}/", {"notes": "x"}, content_type="application/json").status_code == 404
    assert c.delete(f"/api/procedures/{p.pk}/").status_code == 404
    assert c.get("/api/procedures/").json()["results"] == []
    assert list(c.get(reverse("procedure_list")).context["page"].object_list) == []
    r = c.post(
        "/api/pauses/",
        {"procedure": p.pk, "paused_on": "2025-10-13", "reason": "expert"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "procedure" in r.json()
    assert Procedure.objects.get(pk=p.pk).notes == NOTE and not p.pauses.exists()


def test_the_city_sees_its_zones_procedures_and_not_another_citys(procedures, project_b, client_for, city_user):
    other = make(project_b, "消防设计审查", accepted_on=D(2025, 9, 30))
    c = client_for(city_user)
    assert c.get(reverse("procedure_detail", args=[procedures["mine"].pk])).status_code == 200
    assert c.get(reverse("procedure_detail", args=[other.pk])).status_code == 404


# -- agents and lead agents ---------------------------------------------------------------------------------
def listed(client, query="") -> set:
    r = client.get(reverse("procedure_list") + query)
    assert r.status_code == 200
    return {o.pk for o in r.context["page"].object_list}


def test_an_agent_sees_only_the_procedures_assigned_to_them(procedures, client_for, agent):
    c = client_for(agent)
    assert listed(c) == {procedures["mine"].pk, procedures["done"].pk}
    assert c.get(reverse("procedure_detail", args=[procedures["mine"].pk])).status_code == 200
    for other in ("theirs", "led"):
        pk = procedures[other].pk
        assert c.get(reverse("procedure_detail", args=[pk])).status_code == 404, other
        assert c.get(reverse("procedure_edit", args=[pk])).status_code == 404, other
        assert c.get(f"/api/procedures/{pk}/").status_code == 404, other
    assert {row["id"] for row in c.get("/api/procedures/").json()["results"]} == {
        procedures["mine"].pk,
        procedures["done"].pk,
    }


def test_an_agent_named_lead_agent_of_a_procedure_sees_it(procedures, project, client_for, agent2, lead):
    assert listed(client_for(lead)) == {o.pk for o in procedures.values()}  # the whole zone
    assert listed(client_for(agent2)) == {procedures["theirs"].pk, procedures["led"].pk}


def test_a_lead_agent_sees_the_whole_zone_but_not_another(procedures, project_b, client_for, lead):
    other = make(project_b, "消防设计审查", accepted_on=D(2025, 9, 30))
    c = client_for(lead)
    assert listed(c) == {o.pk for o in procedures.values()}
    assert c.get(reverse("procedure_detail", args=[procedures["theirs"].pk])).status_code == 200
    assert c.get(reverse("procedure_detail", args=[other.pk])).status_code == 404


def test_the_roster_lists_the_zones_agents_with_their_workload(procedures, agent_b, client_for, alice, agent, lead):
    r = client_for(alice).get(reverse("approvals_agents"))
    assert r.status_code == 200
    people = {u.username: u for u in r.context["people"]}
    assert set(people) == {"daiban", "daiban2", "lingban"}  # not zone B's agent, not alice
    counts = {name: (u.open_count, u.due_soon_count, u.overdue_count, u.done_count) for name, u in people.items()}
    assert counts == {"daiban": (1, 0, 1, 1), "daiban2": (2, 1, 0, 0), "lingban": (0, 0, 0, 0)}
    page = r.content.decode()
    assert "张代办" in page and "领办员" in page and "pinglu_daiban" not in page


def test_an_outsider_sees_only_their_own_zones_roster(procedures, agent_b, client_for, charlie):
    r = client_for(charlie).get(reverse("approvals_agents"))
    assert [u.username for u in r.context["people"]] == ["pinglu_daiban"]


# -- statistics ---------------------------------------------------------------------------------------------


def stats_url() -> str:
    return reverse("approvals_stats") + f"?start=2024-01-01&end={clock.today()}"


@pytest.fixture
def zone_b_done(project_b):
    return make(project_b, "消防设计审查", accepted_on=D(2025, 9, 30), completed_on=D(2025, 10, 20))


def by_zone(response) -> dict:
    return {r["label"]: r["handled"] for r in response.context["by_zone"]}


def test_stats_count_each_zones_handled_procedures_for_insiders_only(
    procedures, zone_b_done, zone_a, zone_b, client_for, alice, charlie, province_user
):
    r = client_for(alice).get(stats_url())
    assert r.status_code == 200
    assert by_zone(r) == {str(zone_a): 1}
    row = r.context["by_zone"][0]
    assert row["overdue"] == 1  # the open overdue procedure
    assert by_zone(client_for(charlie).get(stats_url())) == {str(zone_b): 1}
    assert by_zone(client_for(province_user).get(stats_url())) == {str(zone_a): 1, str(zone_b): 1}
    agents = {r["label"]: r["handled"] for r in client_for(alice).get(stats_url()).context["by_agent"]}
    assert agents["张代办"] == 1


def test_stats_refuse_a_period_ending_before_it_starts(client_for, alice):
    r = client_for(alice).get(reverse("approvals_stats") + "?start=2026-01-01&end=2025-01-01")
    assert r.status_code == 400 and "起始日期不能晚于截止日期" in r.content.decode()


# -- the enterprise -----------------------------------------------------------------------------------------
def test_the_enterprise_sees_its_projects_procedures_without_notes_or_phones(
    procedures, project_b, client_for, enterprise_user
):
    make(project_b, "取水许可", accepted_on=D(2025, 9, 30), notes="朔州内部")
    r = client_for(enterprise_user).get(reverse("approvals_mine"))
    assert r.status_code == 200
    page = r.content.decode()
    assert "碳纤维一期" in page and "消防设计审查" in page and "已超期" in page
    assert [row["p"].pk for g in r.context["groups"] for row in g["rows"]] == sorted(
        (p.pk for p in procedures.values()), key=lambda pk: (Procedure.objects.get(pk=pk).type.stage, pk)
    )
    assert NOTE not in page and PHONE not in page and "13903520000" not in page
    assert "平鲁风电装备" not in page and "取水许可" not in page


def test_the_api_does_not_give_the_enterprise_the_internal_notes(procedures, client_for, enterprise_user):
    c = client_for(enterprise_user)
    r = c.get(f"/api/procedures/{procedures['mine'].pk}/")
    assert r.status_code == 404 or (NOTE not in r.content.decode() and PHONE not in r.content.decode())
    assert NOTE not in c.get("/api/procedures/").content.decode()


def test_the_detail_page_does_not_give_the_enterprise_the_internal_notes(procedures, client_for, enterprise_user):
    r = client_for(enterprise_user).get(reverse("procedure_detail", args=[procedures["mine"].pk]))
    assert r.status_code == 404 or (NOTE not in r.content.decode() and PHONE not in r.content.decode())


def test_the_enterprise_cannot_change_procedures(procedures, client_for, enterprise_user):
    c = client_for(enterprise_user)
    p = procedures["mine"]
    assert c.get(reverse("procedure_edit", args=[p.pk])).status_code in (403, 404)
    r = c.patch(f"/api/procedures/{p.pk}/", {"notes": "x"}, content_type="application/json")
    assert r.status_code in (403, 404)
    assert Procedure.objects.get(pk=p.pk).notes == NOTE


# -- the public progress query ------------------------------------------------------------------------------
@pytest.fixture
def query_code(procedures, project, client_for, alice):
    """The zone opens the project's approvals page, which issues the enterprise's query code."""
    assert not ProgressAccess.objects.exists()
    r = client_for(alice).get(reverse("procedure_project", args=[project.pk]))
    access = ProgressAccess.objects.get(project=project)
    assert access.query_code in r.content.decode()
    client_for(alice).logout()
    return access.query_code


def ask(client, code, query_code):
    return client.post(reverse("public_progress"), {"code": code, "query_code": query_code})


def test_the_project_page_issues_one_query_code(query_code, project, client_for, alice):
    client_for(alice).get(reverse("procedure_project", args=[project.pk]))
    assert list(ProgressAccess.objects.values_list("query_code", flat=True)) == [query_code]
    assert len(query_code) == 8


def test_an_agent_opening_the_project_page_does_not_issue_a_code(procedures, project, client_for, lead):
    assert client_for(lead).get(reverse("procedure_project", args=[project.pk])).status_code == 200
    assert not ProgressAccess.objects.exists()


def test_the_right_codes_show_the_progress_without_notes_or_phones(query_code, procedures, client):
    assert client.get(reverse("public_progress")).status_code == 200
    r = ask(client, CODE_A, query_code.lower())  # typed in lower case
    assert r.status_code == 200
    page = r.content.decode()
    assert page.count("procedure-card") == 4
    assert "消防设计审查" in page and "已超期" in page and "按时办结" in page
    assert NOTE not in page and PHONE not in page and "13903520000" not in page and "张代办" not in page


@pytest.mark.parametrize("case", ["a wrong query code", "an unknown project code", "another project's code"])
def test_a_wrong_pair_says_only_that_it_is_wrong(case, query_code, project_b, client):
    ProgressAccess.objects.create(project=project_b, query_code="ZZZZ2222")
    code, q = {
        "a wrong query code": (CODE_A, "ABCD2345"),
        "an unknown project code": ("2024-140200-36-03-999999", query_code),
        "another project's code": (CODE_B, query_code),
    }[case]
    r = ask(client, code, q)
    assert r.status_code == 404
    page = r.content.decode()
    assert "项目代码或查询码不正确" in page and "procedure-card" not in page and "消防设计审查" not in page


def test_ten_failures_from_one_address_lock_the_query_for_a_while(query_code, client):
    for _ in range(10):
        assert ask(client, CODE_A, "WRONG234").status_code == 404
    r = ask(client, CODE_A, query_code)
    assert r.status_code == 429
    assert "查询过于频繁" in r.content.decode() and "procedure-card" not in r.content.decode()
    # Another address is not affected.
    r = client.post(reverse("public_progress"), {"code": CODE_A, "query_code": query_code}, REMOTE_ADDR="10.0.0.7")
    assert r.status_code == 200
