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
