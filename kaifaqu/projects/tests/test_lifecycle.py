"""A project's lifecycle through the form and the API: bad input is refused with a Chinese message
naming the field and nothing is written; moving a project backwards needs a reason that the history
keeps; the stage is derived from the milestone dates, the same in Python and in the list filter."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from kaifaqu.core.models import ChangeRecord
from kaifaqu.projects.forms import ProjectForm
from kaifaqu.projects.models import Project, Stage
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date


def form_data(project=None, **changes) -> dict:
    """What the project form posts: the project's current values (or a minimal new project) plus ``changes``."""
    if project is None:
        data = {"name": "新建测试项目", "nature": "new", "total_investment": "5000"}
    else:
        data = model_to_dict(project, fields=ProjectForm.Meta.fields)
    data.update(changes)
    out = {}
    for key, value in data.items():
        if value is None or value is False:
            continue  # an empty input; an unticked checkbox is not posted at all
        out[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return out


def api_body(**values) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in values.items()}


def mentions(messages, expected) -> bool:
    """Whether one of ``messages`` contains ``expected`` (a text, or a tuple of acceptable texts)."""
    expected = expected if isinstance(expected, tuple) else (expected,)
    return any(e in m for m in messages for e in expected)


def errors_of(response) -> dict:
    """The form's field errors as {field: [messages]} (non-field errors under "__all__")."""
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


# -- bad input: refused, field named, nothing written ----------------------------------------------
BAD_NEW_PROJECT = {
    "code in the wrong format": ({"code": "2024-14027-36-03-012345"}, "code", "项目代码格式应为"),
    "code with a wrong type segment": ({"code": "2024-140271-36-09-012345"}, "code", "项目代码第四段应为 01"),
    "code outside Shanxi": ({"code": "2024-110105-36-03-012345"}, "code", "山西省的行政区划代码"),
    "started before signed": (
        {"signed_on": D(2024, 5, 10), "started_on": D(2024, 4, 1)},
        "started_on",
        "开工日期不能早于签约日期",
    ),
    "a milestone in the future": (
        {"signed_on": D(2024, 5, 10), "started_on": lambda: clock.days_from_today(10)},
        "started_on",
        "开工日期不能晚于今天",
    ),
    "producing without having started": (
        {"signed_on": D(2024, 5, 10), "producing_on": D(2025, 1, 1)},
        "producing_on",
        "请先填写开工日期",
    ),
    # (DRF words the API's minimum check itself: "请确保该值大于或者等于 0。")
    "a negative total investment": ({"total_investment": "-1"}, "total_investment", ("不能为负数", "大于或者等于 0")),
    "terminated without a reason": ({"terminated_on": D(2025, 1, 1)}, "termination_reason", "必须填写终止原因"),
    "planned start before the planned signing": (
        {"planned_sign_on": D(2025, 6, 1), "planned_start_on": D(2025, 5, 1)},
        "planned_start_on",
        "计划开工日期不能早于计划签约日期",
    ),
    "planned capacity before planned production": (
        {"planned_production_on": D(2026, 6, 1), "planned_capacity_on": D(2026, 3, 1)},
        "planned_capacity_on",
        "计划达效日期不能早于计划投产日期",
    ),
}
# The new-project page does not offer the fields of an edit (终止, 修改原因): those cases are the API's only.
NEW_FORM_CASES = [k for k, (changes, _f, _m) in BAD_NEW_PROJECT.items() if not set(changes) & {"terminated_on"}]


@pytest.mark.parametrize("case", NEW_FORM_CASES)
def test_the_project_form_refuses_bad_input_naming_the_field_and_writes_nothing(case, client_for, alice, zone_a):
    changes, field, message = clock.resolved(BAD_NEW_PROJECT[case])
    r = client_for(alice).post(reverse("project_add"), form_data(zone=zone_a.pk, **changes))
    assert r.status_code == 400
    errors = errors_of(r)
    assert mentions(errors.get(field, []), message), errors
    # The page shows the message under the field's own label.
    label = str(Project._meta.get_field(field).verbose_name)
    assert f"{label}：" in r.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize("case", BAD_NEW_PROJECT)
def test_the_api_refuses_the_same_bad_input_naming_the_field(case, client_for, alice, zone_a):
    changes, field, message = clock.resolved(BAD_NEW_PROJECT[case])
    body = api_body(**{"name": "接口新建项目", "zone": zone_a.pk, "total_investment": "5000", **changes})
    r = client_for(alice).post("/api/projects/", body, content_type="application/json")
    assert r.status_code == 400
    assert mentions(r.json().get(field, []), message), r.json()
    assert not Project.objects.exists()


def test_a_good_project_code_is_accepted(client_for, alice, zone_a):
    r = client_for(alice).post(reverse("project_add"), form_data(zone=zone_a.pk, code="2024-140271-36-03-012345"))
    assert r.status_code == 302
    assert Project.objects.get().code == "2024-140271-36-03-012345"


def test_a_park_of_another_zone_is_refused(client_for, province_user, zone_a, zone_b):
    elsewhere = f.ParkFactory(zone=zone_b, name="平鲁东区园")
    r = client_for(province_user).post(reverse("project_add"), form_data(zone=zone_a.pk, park=elsewhere.pk))
    assert r.status_code == 400
    assert errors_of(r)["park"] == ["园区不属于所选开发区"]
    body = api_body(name="接口新建项目", zone=zone_a.pk, park=elsewhere.pk, total_investment="5000")
    r = client_for(province_user).post("/api/projects/", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["park"] == ["园区不属于所选开发区"]
    assert not Project.objects.exists()


def test_a_zone_user_cannot_even_choose_a_park_of_another_zone(client_for, alice, zone_a, zone_b):
    elsewhere = f.ParkFactory(zone=zone_b, name="平鲁东区园")
    r = client_for(alice).post(reverse("project_add"), form_data(zone=zone_a.pk, park=elsewhere.pk))
    assert r.status_code == 400
    assert "park" in errors_of(r)
    assert "所在园区：" in r.content.decode()
    assert not Project.objects.exists()


def test_an_edit_with_bad_input_leaves_the_project_as_it_was(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, producing_on=clock.days_from_today(3)),
    )
    assert r.status_code == 400 and "投产日期不能晚于今天" in errors_of(r)["producing_on"]
    project.refresh_from_db()
    assert project.producing_on is None


# -- backward corrections need a reason -----------------------------------------------------------
def test_changing_a_recorded_start_date_without_a_reason_is_refused(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    r = client_for(alice).post(reverse("project_edit", args=[project.pk]), form_data(project, started_on=D(2024, 3, 1)))
    assert r.status_code == 400
    assert any("须填写原因" in m and "开工日期" in m for m in errors_of(r)["change_reason"])
    project.refresh_from_db()
    assert project.started_on == D(2024, 2, 1)


def test_changing_a_recorded_start_date_with_a_reason_saves_and_the_history_keeps_the_reason(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, started_on=D(2024, 3, 1), change_reason="原录入为场地平整日期，以正式开工为准"),
    )
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.started_on == D(2024, 3, 1)
    record = ChangeRecord.objects.for_object(project).get(action="update")
    assert record.reason == "原录入为场地平整日期，以正式开工为准"
    assert (record.before["started_on"], record.after["started_on"]) == ("2024-02-01", "2024-03-01")
    assert record.user == alice


def test_clearing_a_recorded_start_date_also_needs_a_reason(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    r = client_for(alice).post(reverse("project_edit", args=[project.pk]), form_data(project, started_on=None))
    assert r.status_code == 400 and "change_reason" in errors_of(r)
    project.refresh_from_db()
    assert project.started_on == D(2024, 2, 1)


def test_recording_a_first_milestone_needs_no_reason(client_for, alice, zone_a):
    project = f.ProjectFactory(zone=zone_a, signed_on=D(2024, 1, 10))
    r = client_for(alice).post(reverse("project_edit", args=[project.pk]), form_data(project, started_on=D(2024, 2, 1)))
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.started_on == D(2024, 2, 1)


def test_the_api_also_needs_a_reason_to_change_a_recorded_start_date(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    c = client_for(alice)
    url = f"/api/projects/{project.pk}/"
    r = c.patch(url, {"started_on": "2024-03-01"}, content_type="application/json")
    assert r.status_code == 400 and "须填写原因" in r.json()["change_reason"][0]
    project.refresh_from_db()
    assert project.started_on == D(2024, 2, 1)

    r = c.patch(
        url, {"started_on": "2024-03-01", "change_reason": "以施工许可后正式开工为准"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["started_on"] == "2024-03-01" and "change_reason" not in r.json()
    project.refresh_from_db()
    assert project.started_on == D(2024, 3, 1)
    assert ChangeRecord.objects.for_object(project).get(action="update").reason == "以施工许可后正式开工为准"


def test_terminating_needs_a_reason_and_is_kept(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    c = client_for(alice)
    r = c.post(reverse("project_edit", args=[project.pk]), form_data(project, terminated_on=D(2025, 6, 1)))
    assert r.status_code == 400 and errors_of(r)["termination_reason"] == ["终止项目必须填写终止原因"]
    r = c.patch(f"/api/projects/{project.pk}/", {"terminated_on": "2025-06-01"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["termination_reason"] == ["终止项目必须填写终止原因"]
    project.refresh_from_db()
    assert project.terminated_on is None

    r = c.post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, terminated_on=D(2025, 6, 1), termination_reason="企业资金链断裂"),
    )
    assert r.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.termination_reason) == (Stage.TERMINATED, "企业资金链断裂")


def test_undoing_a_termination_needs_a_reason(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a, terminated_on=D(2025, 6, 1), termination_reason="企业撤资")
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]), form_data(project, terminated_on=None, termination_reason="")
    )
    assert r.status_code == 400 and any("撤销终止" in m for m in errors_of(r)["change_reason"])
    project.refresh_from_db()
    assert project.terminated_on == D(2025, 6, 1)


# -- the stage is derived ---------------------------------------------------------------------------
def make_one_project_per_stage(zone) -> dict[str, Project]:
    on = D(2024, 3, 1)
    projects = {
        Stage.RESERVE: f.ProjectFactory(zone=zone, name="阶段样例-reserve"),
        Stage.SIGNED: f.ProjectFactory(zone=zone, name="阶段样例-signed", **f.reached("signed", on)),
        Stage.STARTED: f.ProjectFactory(zone=zone, name="阶段样例-started", **f.reached("started", on)),
        Stage.SUSPENDED: f.ProjectFactory(zone=zone, name="阶段样例-suspended", **f.reached("started", on)),
        Stage.PRODUCING: f.ProjectFactory(zone=zone, name="阶段样例-producing", **f.reached("producing", on)),
        Stage.AT_CAPACITY: f.ProjectFactory(zone=zone, name="阶段样例-capacity", **f.reached("capacity", on)),
        Stage.TERMINATED: f.ProjectFactory(
            zone=zone,
            name="阶段样例-terminated",
            terminated_on=D(2024, 9, 1),
            termination_reason="用地未能落实",
            **f.reached("started", on),
        ),
    }
    f.SuspensionFactory(project=projects[Stage.SUSPENDED], suspended_on=D(2024, 12, 1), resumed_on=None)
    return projects


def test_stage_follows_the_milestones(zone_a):
    projects = make_one_project_per_stage(zone_a)
    for stage, project in projects.items():
        assert Project.objects.get(pk=project.pk).stage == stage


def test_a_resumed_project_is_started_again(zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    suspension = f.SuspensionFactory(project=project, suspended_on=D(2024, 12, 1), resumed_on=None)
    assert Project.objects.get(pk=project.pk).stage == Stage.SUSPENDED
    suspension.resumed_on = D(2025, 3, 1)
    suspension.save()
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED


@pytest.mark.parametrize("stage", [s.value for s in Stage])
def test_the_list_filter_by_stage_agrees_with_the_project_stage(stage, client_for, alice, zone_a):
    projects = make_one_project_per_stage(zone_a)
    r = client_for(alice).get(reverse("project_list"), {"stage": stage})
    assert r.status_code == 200
    listed = list(r.context["page"].object_list)
    assert [p.pk for p in listed] == [projects[stage].pk]
    assert all(p.stage == p.stage_value == stage for p in listed)
    assert str(Stage(stage).label) in r.content.decode()


def test_the_api_reports_the_derived_stage(client_for, alice, zone_a):
    projects = make_one_project_per_stage(zone_a)
    results = client_for(alice).get("/api/projects/", {"page_size": 50}).json()["results"]
    assert {row["id"]: row["stage"] for row in results} == {p.pk: stage.value for stage, p in projects.items()}


def test_the_api_filter_by_stage_agrees_too(client_for, alice, zone_a):
    projects = make_one_project_per_stage(zone_a)
    c = client_for(alice)
    for stage, project in projects.items():
        results = c.get("/api/projects/", {"stage": stage.value}).json()["results"]
        assert [row["id"] for row in results] == [project.pk], stage


# -- revisions that touch the ledger ------------------------------------------------------------------
def test_revising_the_total_investment_of_a_reported_project_needs_a_reason(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a, total_investment=10000)
    f.MonthlyReportFactory(project=project, month=D(2024, 3, 1), this_month=100, year_to_date=200, since_start=200)
    c = client_for(alice)
    url = reverse("project_edit", args=[project.pk])
    r = c.post(url, form_data(project, total_investment="12000"))
    assert r.status_code == 400 and any("调整总投资" in m for m in errors_of(r)["change_reason"])
    r = c.post(url, form_data(project, total_investment="12000", change_reason="追加二期设备投资"))
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.total_investment == 12000


def test_the_total_investment_cannot_drop_below_what_was_already_invested(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a, total_investment=10000)
    f.MonthlyReportFactory(project=project, month=D(2024, 3, 1), this_month=100, year_to_date=2000, since_start=2000)
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, total_investment="1500", change_reason="缩减规模"),
    )
    assert r.status_code == 400
    assert any("总投资不能小于已报开工至今累计投资 2000" in m for m in errors_of(r)["total_investment"])
    project.refresh_from_db()
    assert project.total_investment == 10000


def test_a_project_not_started_cannot_be_suspended(client_for, alice, zone_a):
    signed = f.ProjectFactory(zone=zone_a, signed_on=D(2024, 1, 10))
    c = client_for(alice)
    data = {"project": signed.pk, "suspended_on": "2024-05-01", "reason": "冬季停工"}
    r = c.post(reverse("suspension_add"), data)
    assert r.status_code == 400 and "只有已开工的项目才能停工" in str(r.context["form"].errors["suspended_on"])
    r = c.post("/api/suspensions/", data, content_type="application/json")
    assert r.status_code == 400 and "suspended_on" in r.json()
    assert Project.objects.get(pk=signed.pk).stage == Stage.SIGNED


def test_the_start_date_cannot_move_after_a_month_already_reported(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    f.MonthlyReportFactory(project=project, month=D(2024, 3, 1))
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, started_on=D(2024, 6, 1), change_reason="以正式开工为准"),
    )
    assert r.status_code == 400 and "started_on" in errors_of(r)
    project.refresh_from_db()
    assert project.started_on == D(2024, 2, 1)


def test_a_project_cannot_be_terminated_before_it_was_signed(client_for, alice, zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    r = client_for(alice).post(
        reverse("project_edit", args=[project.pk]),
        form_data(project, terminated_on=D(2023, 1, 1), termination_reason="企业撤资"),
    )
    assert r.status_code == 400 and "terminated_on" in errors_of(r)
    project.refresh_from_db()
    assert project.terminated_on is None
