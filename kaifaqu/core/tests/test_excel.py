"""The Excel mechanism: template, export with filters, all-or-nothing import reporting every error."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaifaqu.core.models import ChangeRecord
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.sheets import EnterpriseSheet
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Park, Zone

GOOD_CODE = f.credit_code_for(3000)
BAD_CODE = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")
HEADERS = ["企业名称", "统一社会信用代码", "所在开发区", "所属行业", "规上企业", "专精特新等级"]


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "upload.xlsx"
    return buf


def read(content: bytes):
    return [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]


def test_template_has_chinese_headers_and_marks_required(client_for, alice):
    r = client_for(alice).get(reverse("enterprise_template"))
    wb = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[:3] == ["企业名称*", "统一社会信用代码", "所在开发区"]
    assert "填写说明" in wb.sheetnames
    assert "GB" not in (wb.worksheets[0]["B1"].comment.text if wb.worksheets[0]["B1"].comment else "")


def test_good_sheet_creates_all_rows(client_for, alice, zone_a):
    rows = [HEADERS] + [
        [f"山西导入{i}有限公司", f.credit_code_for(1000 + i), zone_a.name, "新材料", "是", "专精特新中小企业"]
        for i in range(30)
    ]
    r = client_for(alice).post(reverse("enterprise_import"), {"file": xlsx(rows)})
    assert r.status_code == 200 and r.context["result"].created == 30
    e = Enterprise.objects.get(name="山西导入7有限公司")
    assert e.is_above_scale and e.srdi_tier == "srdi" and list(e.zones.all()) == [zone_a]
    assert ChangeRecord.objects.filter(source="import", action="create").count() == 60  # enterprise + zone link


def test_one_bad_row_among_many_writes_nothing_and_every_error_is_reported(client_for, alice, zone_a, zone_b):
    f.EnterpriseFactory(name="已有企业", zones=[zone_b])
    good = [[f"山西好{i}有限公司", f.credit_code_for(2000 + i), zone_a.name, "", "否", ""] for i in range(500)]
    bad = [
        ["坏1", BAD_CODE, zone_a.name, "", "", ""],
        ["坏2", "", "不存在开发区", "", "", ""],
        ["坏3", "", zone_b.name, "", "", ""],
        ["坏4", "", zone_a.name, "", "也许", ""],
        ["坏5", "", zone_a.name, "", "", "大巨人"],
        ["已有企业", "", zone_a.name, "", "", ""],
        ["山西好1有限公司", "", zone_a.name, "", "", ""],
        ["长" * 101, "", zone_a.name, "", "", ""],
        ["", "", zone_a.name, "", "", ""],
    ]
    rows = [HEADERS, *good[:250], *bad, *good[250:]]
    before = Enterprise.objects.count()
    r = client_for(alice).post(reverse("enterprise_import"), {"file": xlsx(rows)})
    assert r.status_code == 400
    errors = {(e.row, e.column): e.message for e in r.context["result"].errors}
    start = 252  # header is row 1, 250 good rows
    assert "校验位错误" in errors[(start, "统一社会信用代码")]
    assert "不存在或不在您的管辖范围：不存在开发区" in errors[(start + 1, "所在开发区")]
    assert "不在您的管辖范围" in errors[(start + 2, "所在开发区")]
    assert "是 或 否" in errors[(start + 3, "规上企业")]
    assert "应为以下之一" in errors[(start + 4, "专精特新等级")]
    assert errors[(start + 5, "企业名称")] == "该记录已存在，但不在您的管辖范围内，不能导入修改"
    assert "重复" in errors[(start + 6, "企业名称")]
    assert "100" in errors[(start + 7, "企业名称")]
    assert "必填" in errors[(start + 8, "企业名称")]
    assert len(errors) == 9
    assert Enterprise.objects.count() == before
    assert "坏1" in r.content.decode() or "校验位" in r.content.decode()


def test_zone_sheet_reports_number_date_and_unknown_city_errors(client_for, province_user, city_a):
    rows = [
        ["名称", "所属地市", "规划面积（亩）", "批准设立日期"],
        ["甲区", "大同市", "abc", "2020-01-01"],
        ["乙区", "大同", "-3", "2020/01/01"],
        ["丁区", "大同市", "-4", "2020-02-30"],
        ["丙区", "火星市", "12.5", ""],
    ]
    result = client_for(province_user).post(reverse("zone_import"), {"file": xlsx(rows)}).context["result"]
    msgs = {(e.row, e.column): e.message for e in result.errors}
    assert "应为数字" in msgs[(2, "规划面积（亩）")]
    assert "不能为负数" in msgs[(3, "规划面积（亩）")]
    assert "YYYY-MM-DD" in msgs[(3, "批准设立日期")]
    assert "不能为负数" in msgs[(4, "规划面积（亩）")] and "2020-02-30" in msgs[(4, "批准设立日期")]
    assert "火星市" in msgs[(5, "所属地市")]
    assert len(msgs) == 6
    assert not Zone.objects.exists()


def test_export_follows_the_filters_and_imports_back_unchanged(client_for, alice, zone_a):
    f.EnterpriseFactory(name="规上甲", is_above_scale=True, zones=[zone_a])
    f.EnterpriseFactory(name="普通乙", zones=[zone_a])
    c = client_for(alice)
    content = c.get(reverse("enterprise_list"), {"is_above_scale": "true", "export": "xlsx"}).content
    rows = read(content)
    assert rows[0][0] == "企业名称" and [r[0] for r in rows[1:]] == ["规上甲"]
    buf = io.BytesIO(content)
    buf.name = "back.xlsx"
    result = c.post(reverse("enterprise_import"), {"file": buf}).context["result"]
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_reimport_with_a_change_updates_and_records_before_after(client_for, alice, zone_a):
    park = f.ParkFactory(zone=zone_a, name="东区园")
    rows = [["所属开发区", "名称", "面积（亩）"], [zone_a.name, "东区园", "321.5"]]
    result = client_for(alice).post(reverse("park_import"), {"file": xlsx(rows)}).context["result"]
    assert (result.created, result.updated) == (0, 1)
    park.refresh_from_db()
    assert str(park.area) == "321.50"
    rec = ChangeRecord.objects.filter(object_id=str(park.pk), action="update").get()
    assert rec.before["area"] is None and rec.after["area"] == "321.50" and rec.source == "import"


def test_import_keeps_links_to_zones_outside_the_importers_scope(alice, zone_a, zone_b):
    shared = f.EnterpriseFactory(name="共享企业", zones=[zone_a, zone_b])
    rows = [HEADERS, ["共享企业", shared.credit_code, zone_a.name, "新行业", "否", ""]]
    result = EnterpriseSheet(alice).import_rows(rows)
    assert result.updated == 1
    assert set(shared.zones.all()) == {zone_a, zone_b}


def test_dry_run_validates_without_writing(client_for, alice, zone_a):
    rows = [["所属开发区", "名称"], [zone_a.name, "试算园"]]
    r = client_for(alice).post(reverse("park_import"), {"file": xlsx(rows), "dry_run": "1"})
    assert r.context["result"].created == 1 and not Park.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["名称", "奇怪的列"], ["x", "y"]], "无法识别的列"),
        ([["面积（亩）"], ["1"]], "缺少必填列"),
        ([["所属开发区", "名称"]], "没有数据行"),
    ],
)
def test_sheet_shape_errors(client_for, alice, rows, message):
    r = client_for(alice).post(reverse("park_import"), {"file": xlsx(rows)})
    assert r.status_code == 400 and message in r.content.decode()


def test_a_file_that_is_not_xlsx_gets_a_clear_message(client_for, alice):
    buf = io.BytesIO(b"not a spreadsheet")
    buf.name = "x.xlsx"
    r = client_for(alice).post(reverse("park_import"), {"file": buf})
    assert r.status_code == 400 and "无法读取该文件" in r.content.decode()


def test_api_import_reports_errors_as_json(client_for, alice, zone_a):
    rows = [["所属开发区", "名称", "面积（亩）"], [zone_a.name, "接口园", "很大"]]
    r = client_for(alice).post("/api/parks/import/", {"file": xlsx(rows)})
    assert r.status_code == 400
    assert r.json()["errors"] == [{"row": 2, "column": "面积（亩）", "message": "应为数字，当前为“很大”"}]
    r = client_for(alice).post("/api/parks/import/", {"file": xlsx([*rows[:1], [zone_a.name, "接口园", "8"]])})
    assert r.status_code == 200 and r.json()["created"] == 1


def test_users_without_write_role_cannot_import(client_for, agent, zone_a):
    rows = [["所属开发区", "名称"], [zone_a.name, "代办园"]]
    assert client_for(agent).post(reverse("park_import"), {"file": xlsx(rows)}).status_code == 403
    assert client_for(agent).post("/api/parks/import/", {"file": xlsx(rows)}).status_code == 403


@pytest.mark.parametrize("header", ["面积（亩）", "面积(亩)", "面积 ( 亩 )", "面积（亩）*"])
def test_a_header_is_known_whichever_width_its_brackets_are_typed_in(client_for, alice, zone_a, header):
    """Templates now say 面积（亩）; a sheet made from an older template, or typed by hand, says 面积(亩)."""
    rows = [["所属开发区", "名称", header], [zone_a.name, "东区园", "321.5"]]
    r = client_for(alice).post(reverse("park_import"), {"file": xlsx(rows)})
    assert r.status_code == 200 and r.context["result"].created == 1, r.context["result"].errors
    assert str(Park.objects.get(name="东区园").area) == "321.50"


def test_a_header_typed_twice_in_two_widths_is_one_column_twice(client_for, alice, zone_a):
    rows = [["所属开发区", "名称", "面积（亩）", "面积(亩)"], [zone_a.name, "东区园", "1", "2"]]
    r = client_for(alice).post(reverse("park_import"), {"file": xlsx(rows)})
    assert [(e.row, e.column, e.message) for e in r.context["result"].errors] == [(1, "面积（亩）", "列重复")]
    assert not Park.objects.filter(name="东区园").exists()
