"""Every write path leaves a change record with who, when, source and before/after values."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from kaifaqu.core.history import change_context
from kaifaqu.core.models import ChangeRecord
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Park, Zone


def records(obj):
    return list(ChangeRecord.objects.for_object(obj).order_by("id"))


def test_web_create_update_delete(client_for, alice, zone_a):
    c = client_for(alice)
    c.post(reverse("park_add"), {"zone": zone_a.pk, "name": "东区园", "area": "100"})
    park = Park.objects.get(name="东区园")
    c.post(reverse("park_edit", args=[park.pk]), {"zone": zone_a.pk, "name": "东区园", "area": "120.5"})
    [created, updated] = records(park)
    assert (created.action, created.source, created.user, created.after["area"]) == ("create", "web", alice, "100.00")
    assert (updated.before["area"], updated.after["area"]) == ("100.00", "120.50")
    assert ("面积（亩）", "100.00", "120.50") in updated.changed_fields()
    c.post(reverse("park_delete", args=[park.pk]))
    deleted = ChangeRecord.objects.get(action="delete", object_id=str(park.pk))
    assert deleted.before["name"] == "东区园" and deleted.after is None and deleted.user == alice


def test_history_is_shown_on_the_object_page_and_its_parent(client_for, alice, zone_a):
    c = client_for(alice)
    c.post(reverse("park_add"), {"zone": zone_a.pk, "name": "西区园"})
    park = Park.objects.get(name="西区园")
    assert "西区园" in c.get(reverse("park_detail", args=[park.pk])).content.decode()
    zone_page = c.get(reverse("zone_detail", args=[zone_a.pk]))
    assert any(r.object_repr == "西区园" for r, _changes in zone_page.context["history"])


def test_api_writes_are_attributed_to_the_token_user(client, alice, zone_a):
    token = Token.objects.create(user=alice)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    r = client.post("/api/parks/", {"zone": zone_a.pk, "name": "接口园"}, content_type="application/json", **auth)
    assert r.status_code == 201
    [rec] = records(Park.objects.get(name="接口园"))
    assert (rec.source, rec.user, rec.user_name) == ("api", alice, "alice")


def test_admin_writes_are_recorded(client_for, province_user, zone_a):
    province_user.is_staff = province_user.is_superuser = True
    province_user.save()
    c = client_for(province_user)
    r = c.post(
        reverse("admin:zones_park_add"), {"zone": zone_a.pk, "name": "后台园", "area": "", "leading_industries": ""}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    [rec] = records(Park.objects.get(name="后台园"))
    assert (rec.source, rec.user) == ("admin", province_user)


def test_import_writes_are_recorded(client_for, alice, zone_a):
    wb = Workbook()
    wb.active.append(["所属开发区", "名称"])
    wb.active.append([zone_a.name, "导入园"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "parks.xlsx"
    r = client_for(alice).post(reverse("park_import"), {"file": buf})
    assert r.status_code == 200, r.context["result"].errors
    [rec] = records(Park.objects.get(name="导入园"))
    assert (rec.source, rec.user, rec.action) == ("import", alice, "create")
    assert rec.parent_object_id == str(zone_a.pk)


def test_management_command_writes_are_recorded(db):
    call_command("load_reference", stdout=io.StringIO())
    zone = Zone.objects.get(name="太原经济技术开发区")
    [rec] = records(zone)
    assert (rec.source, rec.user, rec.action) == ("command", None, "create")
    assert rec.after["planned_area"] == "14400.00"


def test_code_outside_any_request_is_recorded_as_system_or_given_context(alice, zone_a):
    park = f.ParkFactory(zone=zone_a)
    assert records(park)[0].source == "system"
    with change_context(source="command", user=alice):
        park.name = "改名园"
        park.save()
    assert records(park)[-1].source == "command" and records(park)[-1].user == alice


def test_a_save_that_changes_nothing_records_nothing(zone_a):
    park = f.ParkFactory(zone=zone_a)
    park.save()
    assert len(records(park)) == 1


def test_history_cannot_be_edited_in_the_admin(client_for, province_user, zone_a):
    province_user.is_staff = province_user.is_superuser = True
    province_user.save()
    f.ParkFactory(zone=zone_a)
    rec = ChangeRecord.objects.first()
    c = client_for(province_user)
    assert c.get(reverse("admin:core_changerecord_changelist")).status_code == 200
    assert c.post(reverse("admin:core_changerecord_delete", args=[rec.pk]), {"post": "yes"}).status_code == 403
    assert c.get(reverse("admin:core_changerecord_add")).status_code == 403
    assert ChangeRecord.objects.filter(pk=rec.pk).exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_history_has_no_write_url(client_for, alice, method):
    # No page or API endpoint exposes change records for writing.
    assert getattr(client_for(alice), method)("/api/changes/").status_code == 404


def test_many_to_many_edits_are_recorded_on_the_owner(client_for, alice, zone_a):
    p1, p2 = f.ProjectFactory(zone=zone_a), f.ProjectFactory(zone=zone_a)
    c = client_for(alice)
    data = {"zone": zone_a.pk, "held_on": "2025-06-27", "title": "调度会", "chair": "崔俊林", "projects": [p1.pk]}
    c.post(reverse("dispatchmeeting_add"), data)
    from kaifaqu.projects.models import DispatchMeeting

    meeting = DispatchMeeting.objects.get()
    c.post(reverse("dispatchmeeting_edit", args=[meeting.pk]), {**data, "projects": [p1.pk, p2.pk]})
    changes = [r for r in records(meeting) if r.after and "projects" in r.after]
    assert changes[-1].before == {"projects": [p1.pk]} and changes[-1].after == {"projects": sorted([p1.pk, p2.pk])}
    assert changes[-1].user == alice and changes[-1].source == "web"
