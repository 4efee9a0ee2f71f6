"""Issue 9: a key may appear on one row of an import file only (the key that matches existing records)."""

import pytest
from django.urls import reverse

from kaifaqu.testing import factories as f
from kaifaqu.testing import xlsx as X
from kaifaqu.testing.xlsx import post_import

PARK_HEADER = ["所属开发区", "名称", "面积（亩）", "主导产业", "备注"]
BY = pytest.mark.parametrize("api", [False, True], ids=["page", "api"])


def _dup_cases():
    """(sheet slug, writer fixture, header, row) for the sheets whose key is not a unique constraint."""
    return [
        (
            "bundle",
            "alice",
            ["项目", "名称", "计划同发日期", "状态"],
            lambda w: [w["project"].code, "六证同发二批", "2025-06-01", "计划中"],
        ),
        (
            "servicelog",
            "alice",
            ["开发区", "项目", "服务日期", "服务内容"],
            lambda w: [w["zone"].name, w["project"].code, "2025-05-02", "协助办理施工许可"],
        ),
        (
            "problem",
            "alice",
            ["项目", "问题类别", "问题描述", "责任单位", "责任人", "提出日期", "办结时限"],
            lambda w: [w["project"].code, "土地", "用地报批慢", "自然资源局", "王科长", "2025-03-01", "2025-04-01"],
        ),
        (
            "suspension",
            "alice",
            ["项目", "停工日期", "停工原因"],
            lambda w: [w["started"].code, "2024-06-01", "资金不到位"],
        ),
        (
            "dispatchmeeting",
            "alice",
            ["开发区", "会议日期", "会议名称", "主持人"],
            lambda w: [w["zone"].name, "2024-07-01", "七月调度会", "主任"],
        ),
        (
            "followup",
            "alice",
            ["招商线索", "跟进方式", "日期", "参与人员", "内容"],
            lambda w: [w["lead"].company, "电话", "2024-02-02", "招商部", "再次电话沟通"],
        ),
        (
            "trip",
            "alice",
            ["开发区", "出发日期", "返回日期", "目的地", "带队领导"],
            lambda w: [w["zone"].name, "2024-04-01", "2024-04-03", "深圳", "主任"],
        ),
    ]


@pytest.fixture
def world(zone_a):
    project = f.ProjectFactory(zone=zone_a, name="重复检查项目", code="2024-140200-36-03-000901")
    started = f.StartedProjectFactory(zone=zone_a, name="已开工项目", code="2024-140200-36-03-000902")
    lead = f.LeadFactory(zone=zone_a, company="北京重复科技有限公司")
    return {"zone": zone_a, "project": project, "started": started, "lead": lead}


@BY
@pytest.mark.parametrize(("slug", "who", "header", "row"), _dup_cases(), ids=[c[0] for c in _dup_cases()])
def test_a_key_twice_in_one_file_is_refused_on_every_repeat(client_for, request, world, slug, who, header, row, api):
    import kaifaqu.urls  # noqa: F401  (the resources register as the URLs are built: not order-dependent)
    from kaifaqu.core.views import REGISTRY

    model = next(m for m, r in REGISTRY.items() if r.slug() == slug)
    c = client_for(request.getfixturevalue(who))
    before = model.objects.count()
    one = X.package(X.sheet([header, row(world)]))
    r = c.post(reverse(f"{slug}_import"), {"file": X.upload(one), "dry_run": "1"})
    assert r.status_code == 200, r.context["result"].errors  # the row itself is good
    three = X.package(X.sheet([header, row(world), row(world), row(world)]))
    status, errors = post_import(c, slug, three, api=api)
    assert status == 400
    assert [(r, m.split("：")[0]) for r, _c, m in errors] == [(3, "与第 2 行重复"), (4, "与第 2 行重复")]
    assert all(col for _r, col, _m in errors)
    assert model.objects.count() == before


def test_two_rows_updating_the_same_record_are_refused(client_for, alice, zone_a):
    f.ParkFactory(zone=zone_a, name="东区园")
    rows = [PARK_HEADER, [zone_a.name, "东区园", 1], [zone_a.name, "东区园", 2]]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 400 and [(r, c) for r, c, _m in errors] == [(3, "名称")]
    assert "所属开发区+名称" in errors[0][2]
