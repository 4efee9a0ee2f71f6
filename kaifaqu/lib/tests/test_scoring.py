"""考核 arithmetic: rules, ranks with ties, grades, deductions, vetoes, warnings, every point explained."""

from decimal import Decimal

import pytest

from kaifaqu.lib.scoring import (
    Bonus,
    Deduction,
    Grading,
    Item,
    Rule,
    Scheme,
    Veto,
    assess,
    ranks_within,
    repeated_warnings,
    validate,
)

D = Decimal
# The national ETDZ scheme of 2021, one item per group (weights in points).
ETDZ_GROUPS = (("对外开放", D(30)), ("发展质量", D(30)), ("科技创新", D(15)), ("绿色发展", D(15)), ("统筹协调", D(10)))
ETDZ_ITEMS = (
    Item("foreign_capital", "实际使用外资", "对外开放", D(30), Rule("share_of_best")),
    Item("industrial_output", "规上工业总产值", "发展质量", D(30), Rule("share_of_best")),
    Item(
        "rd_intensity",
        "企业研发经费投入强度",
        "科技创新",
        D(15),
        Rule("ratio_to_target", target=D("2.5"), cap=D("1.2")),
    ),
    Item("energy_per_value_added", "单位增加值能耗", "绿色发展", D(15), Rule("share_of_best", lower_is_better=True)),
    Item("new_jobs", "城镇新增就业人数", "统筹协调", D(10), Rule("rank_points")),
)
ETDZ = Scheme(ETDZ_GROUPS, ETDZ_ITEMS)


def one_item(rule, weight=None):
    weight = weight or D(100)
    return Scheme((("组", weight),), (Item("x", "指标", "组", weight, rule),))


def test_the_etdz_template_is_valid_and_broken_schemes_are_refused_with_what_to_fix():
    assert validate(ETDZ) == []
    wrong = Scheme(
        (("对外开放", D(30)), ("发展质量", D(60))),
        (
            Item("a", "实际使用外资", "对外开放", D(20), Rule("share_of_best")),
            Item("a", "实际使用外资", "发展质量", D(60), Rule("ratio_to_target")),
            Item("b", "研发投入", "科技创新", D(5), Rule("ratio_to_target", target=D(0))),
        ),
        deductions=(Deduction("c", "中央巡视发现问题", D(0)),),
    )
    errors = validate(wrong)
    assert "各指标组权重之和应为100，现为90" in errors
    assert "“对外开放”组内各指标分值之和应为30，现为20" in errors
    assert "指标“实际使用外资”重复使用" in errors and "指标“实际使用外资”按目标值计分，须填写目标值" in errors
    assert "指标“研发投入”所属的“科技创新”组不存在" in errors and "指标“研发投入”的目标值不能为0" in errors
    assert "扣分项“中央巡视发现问题”每次扣分应大于0" in errors


def test_each_rule_gives_its_points_and_says_how():
    share = assess(one_item(Rule("share_of_best"), D(6)), {"甲": {"x": D("12.5")}, "乙": {"x": D(25)}})
    first = {r.zone: r.items[0] for r in share}
    assert first["甲"].points == D("3.00") and first["甲"].lost == D("3.00")
    assert first["甲"].explanation == "12.5，最优25：12.5/25 × 6 = 3.00分"
    lower = assess(
        one_item(Rule("share_of_best", lower_is_better=True), D(15)), {"甲": {"x": D("0.5")}, "乙": {"x": D(1)}}
    )
    assert [r.items[0].points for r in lower] == [D("15.00"), D("7.50")]
    capped = assess(one_item(Rule("ratio_to_target", target=D("2.5"), cap=D("1.2")), D(15)), {"甲": {"x": D(4)}})
    assert capped[0].items[0].points == D("18.00") and "封顶1.2倍" in capped[0].items[0].explanation
    growth = assess(one_item(Rule("growth", target=D(10)), D(10)), {"甲": {"x": D(-3)}, "乙": {"x": D(5)}})
    assert {r.zone: r.items[0].points for r in growth} == {"甲": D(0), "乙": D("5.00")}
    spread = assess(one_item(Rule("min_max"), D(10)), {"甲": {"x": D(10)}, "乙": {"x": D(20)}, "丙": {"x": D(15)}})
    assert {r.zone: r.items[0].points for r in spread} == {"乙": D("10.00"), "丙": D("5.00"), "甲": D("0.00")}
    ranked = assess(one_item(Rule("rank_points"), D(10)), {"甲": {"x": D(5)}, "乙": {"x": D(5)}, "丙": {"x": D(1)}})
    assert {r.zone: r.items[0].points for r in ranked} == {"甲": D("10.00"), "乙": D("10.00"), "丙": D("0.00")}
    missing = assess(one_item(Rule("share_of_best")), {"甲": {"x": None}, "乙": {"x": D(1)}})
    assert missing[-1].zone == "甲" and missing[-1].items[0].explanation == "未填报，不得分"


def test_a_published_ranking_is_reproduced_with_its_grades_and_bottom_warnings():
    """30 zones in the order of a published ranking (the scores are made up and only keep the order): the ranks,
    the top-N grades (优秀 the first 5, 良好 the next 10) and the warning of the last 5 come out as published."""
    zones = [f"开发区{i:02d}" for i in range(1, 31)]
    values = {
        z: {
            "foreign_capital": D(300 - i * 7),
            "industrial_output": D(900 - i * 20),
            "rd_intensity": D("3.0") - D(i) / 20,
            "energy_per_value_added": D("0.30") + D(i) / 100,
            "new_jobs": D(5000 - i * 100),
        }
        for i, z in enumerate(zones)
    }
    scheme = Scheme(
        ETDZ_GROUPS, ETDZ_ITEMS, grading=Grading(top=(("优秀", 5), ("良好", 10), ("合格", 10))), warn_bottom=5
    )
    results = assess(scheme, values)
    assert [r.zone for r in results] == zones and [r.rank for r in results] == list(range(1, 31))
    assert [r.grade for r in results] == ["优秀"] * 5 + ["良好"] * 10 + ["合格"] * 10 + ["不合格"] * 5
    assert [r.zone for r in results if r.warned] == zones[-5:]
    top = results[0]
    assert top.total == D("103.00") and top.group_points("科技创新") == D("18.00")  # 3.0/2.5 capped at 1.2 × 15
    assert all(s.lost == 0 for s in top.items if s.item.code != "rd_intensity")


def test_ties_share_a_rank_shown_as_ties_and_a_tie_at_the_boundary_keeps_both_in():
    scheme = Scheme(
        (("组", D(100)),),
        (Item("x", "指标", "组", D(100), Rule("share_of_best")),),
        grading=Grading(grades=("优秀", "良好"), top=(("优秀", 2),)),
        warn_bottom=1,
    )
    results = assess(
        scheme, {"丁": {"x": D(4)}, "乙": {"x": D(8)}, "甲": {"x": D(8)}, "丙": {"x": D(10)}, "戊": {"x": D(4)}}
    )
    assert [(r.zone, r.rank, r.tied) for r in results] == [
        ("丙", 1, False),
        ("乙", 2, True),
        ("甲", 2, True),
        ("丁", 4, True),
        ("戊", 4, True),
    ]  # the order among ties is by name, so a run is reproducible
    assert [r.grade for r in results] == ["优秀", "优秀", "优秀", "良好", "良好"]
    assert [r.zone for r in results if r.warned] == ["丁", "戊"]


def test_deductions_come_off_the_score_and_a_veto_removes_the_top_grade():
    scheme = Scheme(
        (("组", D(100)),),
        (Item("x", "指标", "组", D(100), Rule("share_of_best")),),
        deductions=(
            Deduction("central", "中央巡视发现问题", D("0.3")),
            Deduction("exposed", "被公开曝光案例", D("1.5")),
        ),
        vetoes=(Veto("accident", "重大安全事故"),),
        grading=Grading(thresholds=(("优秀", D(90)), ("良好", D(80)), ("合格", D(60)))),
    )
    results = {
        r.zone: r
        for r in assess(
            scheme,
            {"甲": {"x": D(100)}, "乙": {"x": D(95)}},
            cases={"甲": {"central": 2, "exposed": 1}},
            vetoed={"乙": {"accident"}},
        )
    }
    first = results["甲"]
    assert (first.score, first.total) == (D("100.00"), D("97.90"))  # 100 − 2 × 0.3 − 1.5
    assert [(d.name, n, p) for d, n, p in first.deductions] == [
        ("中央巡视发现问题", 2, D("0.60")),
        ("被公开曝光案例", 1, D("1.50")),
    ]
    second = results["乙"]
    assert second.total == D("95.00") and second.grade == "良好" and "重大安全事故" in second.grade_note
    assert first.grade == "优秀"


def test_bonuses_add_up_to_their_limit_and_deductions_stop_at_theirs():
    scheme = Scheme(
        (("组", D(100)),),
        (Item("x", "指标", "组", D(100), Rule("share_of_best")),),
        deductions=(Deduction("exposed", "被公开曝光案例", D("1.5"), max_points=D(3)),),
        bonuses=(Bonus("title", "获评国家级示范园区", D(2), max_points=D(3)),),
    )
    results = {
        r.zone: r
        for r in assess(
            scheme,
            {"甲": {"x": D(90)}, "乙": {"x": D(100)}},
            cases={"甲": {"title": 2}, "乙": {"exposed": 3}},
        )
    }
    assert [(b.name, n, p) for b, n, p in results["甲"].bonuses] == [("获评国家级示范园区", 2, D("3.00"))]
    assert results["甲"].total == D("93.00")  # 90 + min(2 × 2, 3)
    assert results["乙"].total == D("97.00")  # 100 − min(3 × 1.5, 3)
    assert [r.zone for r in assess(scheme, {"甲": {"x": D(90)}, "乙": {"x": D(100)}}, {"甲": {"title": 2}})] == [
        "乙",
        "甲",
    ]
    wrong = Scheme(scheme.groups, scheme.items, bonuses=(Bonus("t", "示范园区", D(0), max_points=D(0)),))
    assert {"加分项“示范园区”每次加分应大于0", "“示范园区”的最高分值应大于0"} <= set(validate(wrong))


def test_ranks_within_a_city_or_a_sub_group_share_ties():
    scheme = one_item(Rule("share_of_best"))
    results = assess(scheme, {"甲": {"x": D(100)}, "乙": {"x": D(80)}, "丙": {"x": D(80)}, "丁": {"x": D(50)}})
    within = ranks_within(results, {"甲": "大同市", "乙": "太原市", "丙": "太原市", "丁": "太原市"})
    assert within == {"甲": (1, 1, False), "乙": (1, 3, True), "丙": (1, 3, True), "丁": (3, 3, False)}
    assert ranks_within(results, {"丁": "县管工业类开发区"}) == {"丁": (1, 1, False)}


def test_twice_in_the_bottom_within_three_years():
    history = {2022: {"甲", "乙"}, 2023: {"丙"}, 2024: {"甲", "丙"}, 2025: {"丁"}}
    assert repeated_warnings(history, 2024) == {"甲", "丙"}
    assert repeated_warnings(history, 2025) == {"丙"}  # 甲's 2022 has left the window
    assert repeated_warnings(history, 2025, times=1) == {"甲", "丙", "丁"}


@pytest.mark.parametrize("zones", [93])
def test_a_run_over_a_province_scores_every_zone(zones):
    values = {f"开发区{i:02d}": {i_.code: D(i + 1) for i_ in ETDZ_ITEMS} for i in range(zones)}
    results = assess(ETDZ, values)
    assert len(results) == zones and results[0].zone == f"开发区{zones - 1:02d}"
