"""销号 through the API with the page's rules (issue 10, part 5): ``POST /api/problems/{id}/close/`` runs the
same service as the page's button; a PATCH of the status is refused, not silently ignored; an enterprise
raises a problem on its own project (page and API) but cannot close it out, nor delete it."""

import pytest
from django.urls import reverse

from kaifaqu.projects.models import Problem, ProblemStatus
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f


@pytest.fixture
def own_project(zone_a, enterprise_a):
    return f.StartedProjectFactory(zone=zone_a, enterprise=enterprise_a, name="华阳碳材项目")


@pytest.fixture
def problem(own_project):
    return f.ProblemFactory(
        project=own_project,
        description="施工用电未接入",
        raised_on=clock.days_from_today(-10),
        deadline=clock.days_from_today(30),
    )


def close_api(client, problem, **body):
    return client.post(f"/api/problems/{problem.pk}/close/", body, content_type="application/json")


def new_problem(project) -> dict:
    return {
        "project": project.pk,
        "category": "utilities",
        "description": "园区道路未贯通，设备无法进场",
        "owner_unit": "园区建设局",
        "owner_person": "李主任",
        "raised_on": clock.today().isoformat(),
        "deadline": clock.days_from_today(20).isoformat(),
    }


def test_the_zone_closes_a_problem_through_the_api_with_its_resolution(problem, client_for, alice):
    r = close_api(client_for(alice), problem, resolution="供电公司已完成专线接入")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed" and r.json()["resolution"] == "供电公司已完成专线接入"
    problem.refresh_from_db()
    assert (problem.status, problem.closed_by, problem.closed_on) == (ProblemStatus.CLOSED, alice, clock.today())


def test_the_api_refuses_a_close_out_without_a_resolution_as_the_page_does(problem, client_for, alice):
    r = close_api(client_for(alice), problem)
    assert r.status_code == 400 and "请先填写解决情况，再销号" in str(r.json())
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_a_problem_closed_once_is_not_closed_again(problem, client_for, alice):
    c = client_for(alice)
    assert close_api(c, problem, resolution="已接入").status_code == 200
    r = close_api(c, problem, resolution="再次销号")
    assert r.status_code == 400 and "已于" in str(r.json())


def test_a_patch_of_the_status_is_refused_not_ignored(problem, client_for, alice):
    r = client_for(alice).patch(
        f"/api/problems/{problem.pk}/", {"status": "closed", "resolution": "已解决"}, content_type="application/json"
    )
    assert r.status_code == 400 and "/close/" in str(r.json())
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN and problem.resolution == ""


def test_an_enterprise_raises_a_problem_on_its_own_project_on_the_page_and_in_the_api(
    own_project, client_for, enterprise_user
):
    c = client_for(enterprise_user)
    r = c.post(reverse("problem_add"), new_problem(own_project))
    assert r.status_code == 302, r.context["form"].errors
    r = c.post(
        "/api/problems/",
        {**new_problem(own_project), "description": "天然气管线未接入"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert set(Problem.objects.values_list("status", flat=True)) == {ProblemStatus.OPEN}
    assert Problem.objects.filter(project=own_project).count() == 2


def test_an_enterprise_cannot_raise_a_problem_on_another_enterprises_project(zone_a, client_for, enterprise_user):
    other = f.StartedProjectFactory(zone=zone_a, enterprise=f.EnterpriseFactory(zones=[zone_a]), name="别家项目")
    c = client_for(enterprise_user)
    assert c.post(reverse("problem_add"), new_problem(other)).status_code == 400
    assert c.post("/api/problems/", new_problem(other), content_type="application/json").status_code == 400
    assert not Problem.objects.exists()


def test_an_enterprise_cannot_close_out_its_problem_on_the_page_or_in_the_api(problem, client_for, enterprise_user):
    c = client_for(enterprise_user)
    r = close_api(c, problem, resolution="企业自述已解决")
    assert r.status_code == 400 and "问题销号须由开发区确认" in str(r.json())
    r = c.post(reverse("problem_close", args=[problem.pk]), {"resolution": "企业自述已解决"}, follow=True)
    assert "问题销号须由开发区确认" in r.content.decode()
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN and problem.closed_by is None


def test_an_enterprise_cannot_take_a_problem_off_the_ledger_by_deleting_it(problem, client_for, enterprise_user):
    c = client_for(enterprise_user)
    assert c.delete(f"/api/problems/{problem.pk}/").status_code == 400
    r = c.post(reverse("problem_delete", args=[problem.pk]), follow=True)
    assert "企业不能删除问题" in r.content.decode()
    assert Problem.objects.filter(pk=problem.pk).exists()


def test_an_enterprise_cannot_change_a_problem_the_zone_closed(problem, client_for, alice, enterprise_user):
    assert close_api(client_for(alice), problem, resolution="已接入").status_code == 200
    r = client_for(enterprise_user).patch(
        f"/api/problems/{problem.pk}/", {"resolution": "其实没解决"}, content_type="application/json"
    )
    assert r.status_code == 400 and "已销号" in str(r.json())
    problem.refresh_from_db()
    assert problem.resolution == "已接入"


def test_the_page_closes_with_the_resolution_typed_beside_the_button(problem, client_for, alice):
    r = client_for(alice).post(reverse("problem_close", args=[problem.pk]), {"resolution": "已完成专线接入"})
    assert r.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (ProblemStatus.CLOSED, "已完成专线接入")
