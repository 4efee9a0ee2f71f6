"""The default indicator catalogue: what the seeds and the national ETDZ scheme (2021) name. Administrators edit
it (the platform never overwrites an edit); :func:`load_defaults` adds the items that do not exist yet."""

from kaifaqu.core.history import record_bulk, serialize
from kaifaqu.core.models import ChangeAction

from .models import Derivation, Indicator

M, Q, Y = "monthly", "quarterly", "yearly"
HI, LO = "higher", "lower"
# code, name, unit, period kind, direction, additive, source department, derivation
DEFAULTS = [
    ("industrial_investment", "工业投资", "亿元", M, HI, True, "统计局", Derivation.INDUSTRIAL_INVESTMENT),
    ("fixed_asset_investment", "固定资产投资", "亿元", M, HI, True, "统计局", ""),
    (
        "transformation_investment",
        "转型项目投资",
        "亿元",
        M,
        HI,
        True,
        "发展改革局",
        Derivation.TRANSFORMATION_INVEST,
    ),
    ("transformation_share", "转型项目投资占比", "%", M, HI, False, "发展改革局", Derivation.TRANSFORMATION_SHARE),
    ("industrial_output", "规上工业总产值", "亿元", M, HI, True, "统计局", ""),
    ("industrial_value_added", "规上工业增加值", "亿元", M, HI, True, "统计局", ""),
    ("tax_revenue", "税收收入", "亿元", M, HI, True, "税务局", ""),
    ("foreign_capital", "实际使用外资", "万美元", M, HI, True, "商务局", ""),
    ("foreign_trade", "进出口总额", "亿元", M, HI, True, "海关", ""),
    ("signed_investment", "签约项目投资额", "亿元", M, HI, True, "投资促进局", Derivation.SIGNED_INVESTMENT),
    ("commitment_share", "承诺制报建项目占比", "%", M, HI, False, "行政审批局", Derivation.COMMITMENT_SHARE),
    ("rd_intensity", "企业研发经费投入强度", "%", Y, HI, False, "科技局", ""),
    ("high_tech_enterprises", "高新技术企业数", "家", Y, HI, True, "科技局", ""),
    ("srdi_enterprises", "专精特新企业数", "家", Y, HI, True, "工业和信息化局", ""),
    ("research_institutions", "省级及以上研发机构数", "个", Y, HI, True, "科技局", ""),
    ("energy_per_value_added", "规上工业单位增加值能耗", "吨标准煤/万元", Y, LO, False, "发展改革局", ""),
    ("new_jobs", "城镇新增就业人数", "人", Y, HI, True, "人力资源和社会保障局", ""),
    ("standard_land_sold", "标准地出让面积", "亩", M, HI, True, "自然资源局", ""),
]


def load_defaults() -> int:
    """Create the catalogue items that do not exist yet (administrators' edits are kept)."""
    known = set(Indicator.objects.values_list("code", flat=True))
    new = [
        Indicator(
            code=code,
            name=name,
            unit=unit,
            period_kind=kind,
            direction=direction,
            additive=additive,
            source=source,
            owner="开发区管委会",
            derivation=derivation,
            order=(i + 1) * 10,
        )
        for i, (code, name, unit, kind, direction, additive, source, derivation) in enumerate(DEFAULTS)
        if code not in known
    ]
    Indicator.objects.bulk_create(new)
    record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in new])
    return len(new)


# The national ETDZ comprehensive assessment of 2021 (国家级经济技术开发区综合发展水平考核评价), its five groups and
# weights; the items are the catalogue's indicators that measure each group. Stored once as a template scheme the
# province edits and copies into a year's scheme.
ETDZ_2021_NAME = "国家级经开区综合发展水平考核评价（2021年版）模板"
ETDZ_2021_GROUPS = [["对外开放", 30], ["发展质量", 30], ["科技创新", 15], ["绿色发展", 15], ["统筹协调", 10]]
# indicator code, group, points, rule, target, cap
ETDZ_2021_ITEMS = [
    ("foreign_capital", "对外开放", 15, "share_of_best", None, None),
    ("foreign_trade", "对外开放", 15, "share_of_best", None, None),
    ("industrial_output", "发展质量", 10, "share_of_best", None, None),
    ("industrial_value_added", "发展质量", 10, "share_of_best", None, None),
    ("tax_revenue", "发展质量", 10, "share_of_best", None, None),
    ("rd_intensity", "科技创新", 5, "ratio_to_target", "2.5", "1.2"),
    ("high_tech_enterprises", "科技创新", 5, "share_of_best", None, None),
    ("research_institutions", "科技创新", 5, "rank_points", None, None),
    ("energy_per_value_added", "绿色发展", 15, "share_of_best", None, None),
    ("new_jobs", "统筹协调", 10, "rank_points", None, None),
]
# kind, name, points per case, limit
ETDZ_2021_ADJUSTMENTS = [
    ("deduction", "中央巡视、审计等发现问题", "0.3", None),
    ("deduction", "省级巡视、审计等发现问题", "0.2", None),
    ("deduction", "被公开曝光的典型案例", "1.5", None),
    ("deduction", "较大及以上安全生产事故", "1", None),
    ("bonus", "获评国家级示范园区或改革试点", "1", "3"),
    ("veto", "重大安全生产、环境污染或群体性事件", None, None),
]


def load_template() -> int:
    """Create the ETDZ 2021 template scheme once (an administrator's edits are kept; a deleted one is not
    recreated while a scheme of that name exists)."""
    from .models import AssessmentScheme, SchemeAdjustment, SchemeItem

    if AssessmentScheme.objects.filter(name=ETDZ_2021_NAME).exists():
        return 0
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[c for c, *_r in ETDZ_2021_ITEMS])}
    scheme = AssessmentScheme(
        year=2021,
        category="industrial",
        name=ETDZ_2021_NAME,
        groups=ETDZ_2021_GROUPS,
        grading="thresholds",
        excellent=90,
        good=80,
        passing=60,
        warn_bottom=5,
        is_template=True,
    )
    scheme.full_clean()
    scheme.save()
    for code, group, weight, rule, target, cap in ETDZ_2021_ITEMS:
        if code in indicators:  # an indicator an administrator removed is left out
            SchemeItem.objects.create(
                scheme=scheme, indicator=indicators[code], group=group, weight=weight, rule=rule, target=target, cap=cap
            )
    for kind, name, per_case, limit in ETDZ_2021_ADJUSTMENTS:
        SchemeAdjustment.objects.create(scheme=scheme, kind=kind, name=name, per_case=per_case, max_points=limit)
    return 1
