"""What a page of change history costs: it names the records its changes point to with one query per
model, not one per row. Internal notes stay out of every history an enterprise reads."""

import datetime

import pytest
from django.urls import reverse

from kaifaqu.core.models import ChangeRecord
from kaifaqu.projects.models import Project
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.queries import assert_flat, cost

D = datetime.date
NOTE = "内部备注：环评材料缺页，勿对外"


def records(obj):
    return list(ChangeRecord.objects.for_object(obj).order_by("id"))


# -- one query per model for a page of history ------------------------------------------------------------
def add_history(project, first: int, count: int) -> None:
    """Procedures filed on the project (created with their type and agent) and edits moving it between parks."""
    agent = f.UserFactory(username="daiban", role="agent", zone=project.zone, full_name="张代办")
    for i in range(first, first + count):
        f.ProcedureFactory(project=project, type__name=f"审批事项{i:02d}", agent=agent)
        project.park = f.ParkFactory(zone=project.zone, name=f"园区{i:02d}")
        project.save()


def test_a_page_of_history_names_related_records_in_one_query_per_model(client_for, province_user, zone_a):
    project = f.ProjectFactory(zone=zone_a, name="碳纤维一期")
    c = client_for(province_user)
    url = reverse("project_detail", args=[project.pk])
    add_history(project, 0, 2)
    c.get(url)
    small, r = cost(c.get, url)
    add_history(project, 2, 18)
    large, r = cost(c.get, url)
    history = dict((rec.pk, changes) for rec, changes in r.context["history"])
    moved = [rec for rec in records(project) if rec.action == "update" and "park" in rec.after][-1]
    assert ("所在园区", "园区18", "园区19") in history[moved.pk]
    filed = next(rec for rec in records(project) if rec.object_repr.endswith("审批事项19"))
    assert {("审批事项", "—", "审批事项19"), ("代办员", "—", "张代办")} <= set(history[filed.pk])
    assert_flat(small, large, what="project page history")


def test_a_deleted_related_record_is_still_named_by_its_id(client_for, province_user, zone_a):
    project = f.ProjectFactory(zone=zone_a)
    park = f.ParkFactory(zone=zone_a, name="临时园区")
    project.park = park
    project.save()
    project.park = None
    project.save()
    park_id = park.pk
    park.delete()
    r = client_for(province_user).get(reverse("project_detail", args=[project.pk]))
    assert ("所在园区", "—", f"#{park_id}（已删除）") in [row for _rec, rows in r.context["history"] for row in rows]


# -- internal notes ---------------------------------------------------------------------------------------
@pytest.fixture
def procedure_with_note(zone_a, enterprise_a):
    clock.seed_calendar()
    project = f.ProjectFactory(zone=zone_a, enterprise=enterprise_a, name="碳纤维一期")
    procedure = f.ProcedureFactory(project=project, type__name="消防设计审查", notes=NOTE)
    procedure.notes = NOTE + "（已补）"
    procedure.save()
    procedure.certificate_no = "2025-001"
    procedure.notes = ""
    procedure.save()
    return procedure


def history_text(response) -> str:
    return "".join(f"{rec.object_repr}{rows}" for rec, rows in response.context["history"])


def test_the_enterprise_reads_its_projects_history_without_internal_notes(
    procedure_with_note, client_for, enterprise_user
):
    project = procedure_with_note.project
    r = client_for(enterprise_user).get(reverse("project_detail", args=[project.pk]))
    assert r.status_code == 200
    page = r.content.decode()
    assert NOTE not in page and "内部备注" not in page
    assert "消防设计审查" in history_text(r) and "2025-001" in history_text(r)
    # The edit that changed nothing but the note is not shown to the enterprise at all.
    updates = [rec for rec, _rows in r.context["history"] if rec.object_repr.endswith("消防设计审查")]
    assert [rec.action for rec in updates] == ["update", "create"]
    r = client_for(enterprise_user).get(reverse("procedure_detail", args=[procedure_with_note.pk]))
    assert NOTE not in r.content.decode()


def test_the_zone_reads_the_internal_notes_in_the_history(procedure_with_note, client_for, alice):
    r = client_for(alice).get(reverse("project_detail", args=[procedure_with_note.project_id]))
    assert NOTE in r.content.decode() and "内部备注" in history_text(r)
    assert len([rec for rec, _rows in r.context["history"] if rec.object_repr.endswith("消防设计审查")]) == 3


def test_no_api_gives_the_history(procedure_with_note, client_for, enterprise_user):
    c = client_for(enterprise_user)
    assert not any("change" in name or "histor" in name for name in c.get("/api/").json())
    project = Project.objects.get(pk=procedure_with_note.project_id)
    for url in (f"/api/projects/{project.pk}/", f"/api/procedures/{procedure_with_note.pk}/", "/api/procedures/"):
        body = c.get(url).content.decode()
        assert NOTE not in body and "notes" not in body, url
