"""Issue 9: number and date cells: half-width digits, finite numbers, integers within bounds, ISO dates."""

import pytest

from kaifaqu.testing import xlsx as X
from kaifaqu.testing.xlsx import post_import

PARK_HEADER = ["所属开发区", "名称", "面积（亩）", "主导产业", "备注"]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("１２３", "半角数字"),
        ("12.5亩", "应为数字"),
        ("1_000", "应为数字"),
        ("NaN", "应为数字"),
        ("Infinity", "应为数字"),
    ],
)
def test_numbers_must_be_written_in_ascii_digits(client_for, alice, zone_a, value, said):
    rows = [PARK_HEADER, [zone_a.name, "数园", value]]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 400 and errors[0][:2] == (2, "面积（亩）") and said in errors[0][2]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e30", "9" * 40, "２０"])
def test_an_integer_column_refuses_what_int_cannot_take(client_for, province_user, value):
    header = ["事项名称", "审批阶段", "办理部门", "法定时限（天）", "时限计算方式", "可延长（天）"]
    good = ["某事项", "施工许可", "审批局", 20, "工作日", 0]
    c = client_for(province_user)
    status, errors = post_import(c, "proceduretype", X.package(X.sheet([header, good])), api=True)
    assert status == 200, errors
    bad = [*good[:3], value, *good[4:]]
    status, errors = post_import(c, "proceduretype", X.package(X.sheet([header, bad])), api=True)
    assert status == 400 and [(r, c) for r, c, _m in errors] == [(2, "法定时限（天）")]


def test_dates_as_text_in_other_formats_are_refused_naming_the_format(client_for, province_user):
    rows = [["日期", "类别", "节日"]] + [
        [v, "放假", "国庆节"] for v in ["2025/10/01", "2025年10月1日", "20251001", "01/10/2025", "２０２５-１０-０１"]
    ]
    status, errors = post_import(client_for(province_user), "holiday", X.package(X.sheet(rows)), api=False)
    assert status == 400 and [r for r, _c, _m in errors] == [2, 3, 4, 5, 6]
    assert all("YYYY-MM-DD" in m for _r, _c, m in errors) and "半角" in errors[-1][2]
