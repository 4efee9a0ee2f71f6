"""Issue 9: one rule for the text of every field — no control characters — in imports, forms and the API;
an export of text stored before the rule still works, and its re-import names the cell."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kaifaqu.testing import factories as f
from kaifaqu.testing import xlsx as X
from kaifaqu.testing.xlsx import post_import
from kaifaqu.zones.models import Park

PARK_HEADER = ["所属开发区", "名称", "面积（亩）", "主导产业", "备注"]
BY = pytest.mark.parametrize("api", [False, True], ids=["page", "api"])


@BY
@pytest.mark.parametrize("char", ["_x0000_", "_x0001_", "_x0008_", "_x001F_"])
def test_a_control_character_in_a_cell_is_refused_with_row_and_column(client_for, alice, zone_a, char, api):
    rows = [PARK_HEADER, [zone_a.name, "好园"], [zone_a.name, f"坏{char}园", "", "", f"备{char}注"]]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=api)
    assert status == 400
    assert {(r, c) for r, c, _m in errors} == {(3, "名称"), (3, "备注")}
    assert all("控制字符" in m and "第 2 个字符" in m for _r, _c, m in errors)
    assert not Park.objects.exists()


def test_line_breaks_are_kept_in_a_multi_line_text_and_refused_in_a_one_line_one(client_for, alice, zone_a):
    rows = [PARK_HEADER, [zone_a.name, "东园", "", "", "第一行\n第二行\t完"]]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 200, errors
    assert Park.objects.get().notes == "第一行\n第二行\t完"
    rows = [PARK_HEADER, [zone_a.name, "西\n园"]]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 400 and errors[0][:2] == (2, "名称") and "只能填写一行" in errors[0][2]


@pytest.mark.parametrize("value", ["a\x00b", "a\x01b", "a\x08b", "a\x1fb", "a\nb"])
def test_the_form_refuses_control_characters_on_the_field(client_for, alice, zone_a, value):
    r = client_for(alice).post(reverse("park_add"), {"zone": zone_a.pk, "name": value})
    assert r.status_code == 400 and r.context["form"].errors["name"]
    assert not Park.objects.exists()


def test_the_form_keeps_line_breaks_in_a_multi_line_text(client_for, alice, zone_a):
    r = client_for(alice).post(reverse("park_add"), {"zone": zone_a.pk, "name": "园", "notes": "一\r\n二"})
    assert r.status_code == 302 and Park.objects.get().notes.splitlines() == ["一", "二"]
    r = client_for(alice).post(reverse("park_add"), {"zone": zone_a.pk, "name": "园二", "notes": "一\x0b二"})
    assert r.status_code == 400 and "U+000B" in str(r.context["form"].errors["notes"])


@pytest.mark.parametrize(
    ("field", "value"), [("name", "a\x01b"), ("name", "a\x1fb"), ("notes", "x\x08"), ("name", "a\x00b")]
)
def test_the_api_refuses_control_characters_as_a_field_error(client_for, alice, zone_a, field, value):
    body = {"zone": zone_a.pk, "name": "接口园", field: value}
    r = client_for(alice).post("/api/parks/", body, content_type="application/json")
    assert r.status_code == 400 and field in r.json()
    assert not Park.objects.exists()


def test_the_export_survives_legacy_control_characters_and_the_import_names_them(client_for, alice, zone_a):
    park = f.ParkFactory(zone=zone_a, name="旧园")
    Park.objects.filter(pk=park.pk).update(name="旧\x01园", notes="备\x1f注_x0041_")  # stored before the rule
    c = client_for(alice)
    r = c.get(reverse("park_list"), {"export": "xlsx"})
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[1][:2] == [zone_a.name, "旧\x01园"] and rows[1][4] == "备\x1f注_x0041_"  # exactly as stored
    status, errors = post_import(c, "park", r.content, api=False)
    assert status == 400 and {(e[0], e[1]) for e in errors} == {(2, "名称"), (2, "备注")}
