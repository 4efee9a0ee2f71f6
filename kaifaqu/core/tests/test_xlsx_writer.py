"""Issue 9: every .xlsx the platform writes keeps text as text (no live formula) and numbers as numbers."""

import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.testing import factories as f
from kaifaqu.testing.xlsx import post_import

DANGEROUS = ['=HYPERLINK("http://evil.example/","点我")', "+1+2", "-2+3", "@SUM(A1)", "=1+1", "#N/A"]


def _cells(content: bytes, sheet=0):
    ws = load_workbook(io.BytesIO(content)).worksheets[sheet]
    return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]


def test_the_list_export_writes_formula_like_names_as_text(client_for, alice, zone_a):
    for i, name in enumerate(DANGEROUS):
        f.ParkFactory(zone=zone_a, name=name, area=i + 1, leading_industries=f"-{i}")
    r = client_for(alice).get(reverse("park_list"), {"export": "xlsx", "sort": "area"})
    rows = _cells(r.content)[1:]
    assert sorted((row[1][0], row[1][1]) for row in rows) == sorted((n, "s") for n in DANGEROUS)
    assert all(row[2][1] == "n" for row in rows)  # numbers stay numbers
    assert all(row[3][1] == "s" for row in rows)  # "-0" is text, as stored
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    # … and the export imports back unchanged.
    status, errors = post_import(client_for(alice), "park", r.content, api=False)
    assert status == 200, errors


def test_every_writer_keeps_text_as_text_and_numbers_as_numbers():
    from kaifaqu.core.excel import set_cell, table_workbook, xlsx_row

    content = table_workbook("表", ["名称", "数"], [[name, -1.5] for name in DANGEROUS] + [["-5", -5]])
    rows = _cells(content)[1:]
    assert [r[0] for r in rows] == [(n, "s") for n in [*DANGEROUS, "-5"]]
    assert [r[1] for r in rows] == [(-1.5, "n")] * len(DANGEROUS) + [(-5, "n")]

    from openpyxl import Workbook

    wb = Workbook()
    cell = set_cell(wb.active["A1"], "=1+1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert set_cell(wb.active["A2"], -3).data_type == "n"
    ws = Workbook(write_only=True).create_sheet("x")
    assert xlsx_row(ws, [1, "a", None]) == [1, "a", None]


def test_the_bulletin_xlsx_writes_names_as_text():
    from kaifaqu.reports.exporters import to_xlsx

    unit = {k: None for k in ("start_resume_rate", "completion_rate", "gap", "completed_yi", "planned_yi", "signed_yi")}
    content = {
        "title": "=标题",
        "summary": "@摘要",
        "unit_label": "开发区",
        "units": [{**unit, "unit": '=HYPERLINK("x")', "terminated": 0, "gap": -2.5}],
        "totals": {**unit, "terminated": 0},
        "rankings": {},
        "red_projects": [{"name": "-项目", "zone": "+区", "stage": "签约", "investment_yi": -1}],
        "overdue_problems": [],
        "overdue_procedures": [],
    }
    from kaifaqu.reports import gongwen

    content["rankings"] = {field: [{"rank": 1, "unit": "=x", "value": -3}] for field, *_l in gongwen.RANKINGS}
    data = to_xlsx(content)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells)
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"=标题", "@摘要", '=HYPERLINK("x")', "-项目", "+区", "=x"} <= texts
    assert {c.value for c in cells if c.data_type == "n"} >= {-2.5, -1, -3}


def test_the_template_is_written_through_the_same_rule(client_for, alice):
    r = client_for(alice).get(reverse("park_template"))
    for ws in load_workbook(io.BytesIO(r.content)).worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
