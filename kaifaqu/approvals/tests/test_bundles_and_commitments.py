"""六证同发 and 承诺制: a bundle is issued only when it holds at least two procedures, all completed on one
day, and that day is its date (derived, never typed); a 承诺书 belongs to a procedure handled under 承诺制,
and a pending one near or past its 履约期限 is a reminder on the home page and a filter of the list."""

import datetime

import pytest
from django.urls import reverse

from kaifaqu.approvals.models import Bundle, Commitment
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def project(zone_a):
    clock.seed_calendar()
    return f.ProjectFactory(zone=zone_a, name="云冈新材料产业园项目", code="2024-140211-36-03-000301")


def _procedure(project, name, **kwargs):
    return f.ProcedureFactory(
        project=project, type=f.ProcedureTypeFactory(name=name), accepted_on=D(2025, 9, 1), **kwargs
    )


def _issue(client, bundle):
    return client.patch(f"/api/bundles/{bundle.pk}/", {"status": "issued"}, content_type="application/json")


def test_a_bundle_of_two_procedures_completed_the_same_day_is_issued_on_that_day(project, client_for, alice):
    bundle = f.BundleFactory(project=project, planned_on=D(2025, 9, 30))
    for name in ("建设用地规划许可", "建设工程规划许可"):
        _procedure(project, name, bundle=bundle, completed_on=D(2025, 9, 26))
    r = _issue(client_for(alice), bundle)
    assert r.status_code == 200, r.json()
    assert r.json()["issued_on"] == "2025-09-26"
    bundle.refresh_from_db()
    assert (bundle.status, bundle.issued_on) == ("issued", D(2025, 9, 26))


def test_the_api_cannot_type_the_bundle_date(project, client_for, alice):
    bundle = f.BundleFactory(project=project)
    r = client_for(alice).patch(
        f"/api/bundles/{bundle.pk}/", {"issued_on": "2025-09-01"}, content_type="application/json"
    )
    assert r.status_code == 200
    bundle.refresh_from_db()
    assert bundle.issued_on is None


@pytest.mark.parametrize(
    ("completed", "message"),
    [
        ([], "同发批次至少应包含 2 项审批手续，当前 0 项"),
        ([D(2025, 9, 26)], "同发批次至少应包含 2 项审批手续，当前 1 项"),
        ([D(2025, 9, 26), None], "批次中还有未办结的手续，不能标记为已同发"),
        ([D(2025, 9, 26), D(2025, 9, 25)], "批次中的手续办结日期不一致（2025-09-25、2025-09-26），不能标记为已同发"),
    ],
)
def test_a_bundle_that_was_not_issued_together_is_refused(completed, message, project, client_for, alice):
    bundle = f.BundleFactory(project=project)
    for i, day in enumerate(completed):
        _procedure(project, f"审批事项{i}", bundle=bundle, completed_on=day)
    r = _issue(client_for(alice), bundle)
    assert r.status_code == 400 and r.json()["status"] == [message]
    bundle.refresh_from_db()
    assert (bundle.status, bundle.issued_on) == ("planned", None)


def test_a_procedure_of_an_issued_bundle_keeps_the_bundles_day(project, client_for, alice):
    bundle = f.BundleFactory(project=project)
    first, _second = (
        _procedure(project, name, bundle=bundle, completed_on=D(2025, 9, 26)) for name in ("施工许可", "消防设计审查")
    )
    assert _issue(client_for(alice), bundle).status_code == 200
    r = client_for(alice).patch(
        f"/api/procedures/{first.pk}/", {"completed_on": "2025-09-27"}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["completed_on"] == ["所属六证同发批次已于 2025-09-26 同发，办结日期应为该日"]


def test_setting_a_bundle_back_to_planned_clears_its_date(project, client_for, alice):
    bundle = f.BundleFactory(project=project, status="issued", issued_on=D(2025, 9, 26))
    r = client_for(alice).patch(f"/api/bundles/{bundle.pk}/", {"status": "planned"}, content_type="application/json")
    assert r.status_code == 200
    bundle.refresh_from_db()
    assert bundle.issued_on is None


# -- 承诺书 ------------------------------------------------------------------------------------------------
def test_a_commitment_on_a_procedure_not_under_the_commitment_system_is_refused(project, client_for, alice):
    regular = _procedure(project, "环境影响评价审批")
    body = {"procedure": regular.pk, "promise": "开工前补齐施工图审查", "due_on": "2025-12-31"}
    r = client_for(alice).post("/api/commitments/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["procedure"] == ["承诺书只能用于按承诺制办理的审批手续（该手续为“常规”）"]
    r = client_for(alice).post(reverse("commitment_add"), {**body, "status": "pending"})
    assert r.status_code == 400
    assert r.context["form"].errors["procedure"] == ["承诺书只能用于按承诺制办理的审批手续（该手续为“常规”）"]
    assert not Commitment.objects.exists()


def test_a_commitment_under_the_commitment_system_is_accepted(project, client_for, alice):
    promised = f.ProcedureFactory(
        project=project, mode="commitment", type=f.ProcedureTypeFactory(name="施工图审查", allows_commitment=True)
    )
    body = {"procedure": promised.pk, "promise": "开工前补齐施工图审查", "due_on": "2025-12-31"}
    r = client_for(alice).post("/api/commitments/", body, content_type="application/json")
    assert r.status_code == 201, r.json()


def _commitment(project, name, due_on, **kwargs):
    procedure = f.ProcedureFactory(
        project=project, mode="commitment", type=f.ProcedureTypeFactory(name=name, allows_commitment=True)
    )
    return f.CommitmentFactory(procedure=procedure, due_on=due_on, **kwargs)


def test_pending_commitments_near_or_past_their_deadline_are_reminders(project, client_for, alice):
    today = clock.today()
    overdue = _commitment(project, "施工图审查", today - datetime.timedelta(days=1))
    due_soon = _commitment(project, "人防审查", today + datetime.timedelta(days=Commitment.REMIND_DAYS))
    _commitment(project, "节能审查", today + datetime.timedelta(days=Commitment.REMIND_DAYS + 1))  # later
    _commitment(project, "水土保持审查", today - datetime.timedelta(days=3), status="verified", checked_on=today)
    c = client_for(alice)
    home = c.get(reverse("home"))
    reminders = {label: count for label, count, _url in home.context["reminders"]}
    assert reminders["承诺事项已超过履约期限"] == 1 and reminders["承诺事项即将到期"] == 1
    for due, expected in (("overdue", overdue), ("due_soon", due_soon)):
        page = c.get(reverse("commitment_list"), {"due": due})
        assert [o.pk for o in page.context["page"].object_list] == [expected.pk]


def test_no_commitment_reminder_without_a_pending_one_due(project, client_for, alice):
    _commitment(project, "施工图审查", clock.today() + datetime.timedelta(days=30))
    home = client_for(alice).get(reverse("home"))
    assert not [label for label, _c, _u in home.context["reminders"] if "承诺事项" in label]


def test_bundles_keep_their_status_labels_in_chinese(project, client_for, alice):
    f.BundleFactory(project=project)
    page = client_for(alice).get(reverse("bundle_list")).content.decode()
    assert "计划中" in page and Bundle.objects.count() == 1
