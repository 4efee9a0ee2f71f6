"""The public defaults of the 标准地 control indicators (domain.md, "标准地"), shipped as editable standards.

- National 工业项目建设用地控制指标 (国土资发〔2008〕24号): the minimum 容积率 per industry class (the class numbers
  of GB/T 4754-2002, which that table uses), 建筑系数 ≥ 30%, 行政办公及生活服务设施用地 ≤ 7% of the site. The 2023
  revision keeps these three as mandatory (规范性): a zone may tighten them, never relax them.
- Shanxi (2018): investment intensity of industrial land ≥ 300 万元/亩 in national-level zones and ≥ 200 万元/亩 in
  provincial-level ones, recommended (推荐性) under the 2023 revision.
"""

from decimal import Decimal

from kaifaqu.core.history import record_bulk, serialize
from kaifaqu.core.models import ChangeAction

from .models import Binding, Bound, IndicatorStandard, LandIndicator

NATIONAL_2008 = "工业项目建设用地控制指标（国土资发〔2008〕24号）"
SHANXI_2018 = "山西省开发区工业用地投资强度要求（2018年）"
YEAR = 2008
# GB/T 4754-2002 class, name, minimum 容积率
PLOT_RATIOS = [
    ("13", "农副食品加工业", "1.0"),
    ("14", "食品制造业", "1.0"),
    ("15", "饮料制造业", "1.0"),
    ("16", "烟草制品业", "1.0"),
    ("17", "纺织业", "0.8"),
    ("18", "纺织服装、鞋、帽制造业", "1.0"),
    ("19", "皮革、毛皮、羽毛（绒）及其制品业", "1.0"),
    ("20", "木材加工及木、竹、藤、棕、草制品业", "0.8"),
    ("21", "家具制造业", "0.8"),
    ("22", "造纸及纸制品业", "0.8"),
    ("23", "印刷业和记录媒介的复制", "0.8"),
    ("24", "文教体育用品制造业", "1.0"),
    ("25", "石油加工、炼焦及核燃料加工业", "0.5"),
    ("26", "化学原料及化学制品制造业", "0.6"),
    ("27", "医药制造业", "0.7"),
    ("28", "化学纤维制造业", "0.8"),
    ("29", "橡胶制品业", "0.8"),
    ("30", "塑料制品业", "1.0"),
    ("31", "非金属矿物制品业", "0.7"),
    ("32", "黑色金属冶炼及压延加工业", "0.6"),
    ("33", "有色金属冶炼及压延加工业", "0.6"),
    ("34", "金属制品业", "0.7"),
    ("35", "通用设备制造业", "0.7"),
    ("36", "专用设备制造业", "0.7"),
    ("37", "交通运输设备制造业", "0.7"),
    ("39", "电气机械及器材制造业", "0.7"),
    ("40", "通信设备、计算机及其他电子设备制造业", "1.0"),
    ("41", "仪器仪表及文化、办公用机械制造业", "1.0"),
    ("42", "工艺品及其他制造业", "1.0"),
    ("43", "废弃资源和废旧材料回收加工业", "0.7"),
]


def defaults() -> list[IndicatorStandard]:
    rows = [
        IndicatorStandard(
            year=YEAR,
            indicator=LandIndicator.PLOT_RATIO,
            industry_code=code,
            industry_name=name,
            bound=Bound.AT_LEAST,
            value=Decimal(value),
            binding=Binding.MANDATORY,
            source=NATIONAL_2008,
        )
        for code, name, value in PLOT_RATIOS
    ]
    rows += [
        IndicatorStandard(
            year=YEAR,
            indicator=LandIndicator.BUILDING_COVERAGE,
            bound=Bound.AT_LEAST,
            value=Decimal(30),
            binding=Binding.MANDATORY,
            source=NATIONAL_2008,
        ),
        IndicatorStandard(
            year=YEAR,
            indicator=LandIndicator.ADMIN_SHARE,
            bound=Bound.AT_MOST,
            value=Decimal(7),
            binding=Binding.MANDATORY,
            source=NATIONAL_2008,
        ),
    ]
    rows += [
        IndicatorStandard(
            year=2018,
            indicator=LandIndicator.INVESTMENT_INTENSITY,
            zone_level=level,
            bound=Bound.AT_LEAST,
            value=Decimal(value),
            binding=Binding.RECOMMENDED,
            source=SHANXI_2018,
        )
        for level, value in (("national", 300), ("provincial", 200))
    ]
    return rows


def load_defaults() -> int:
    """Create the default standards that do not exist yet, matched by year, indicator, industry and level: an
    administrator's edit of a value is kept (a later year's row is how a standard changes)."""
    known = set(IndicatorStandard.objects.values_list("year", "indicator", "industry_code", "zone_level"))
    new = [r for r in defaults() if (r.year, r.indicator, r.industry_code, r.zone_level) not in known]
    IndicatorStandard.objects.bulk_create(new)
    record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in new])
    return len(new)
