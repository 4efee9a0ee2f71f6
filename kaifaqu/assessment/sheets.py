from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import Indicator, ZoneFigure


class IndicatorSheet(SheetSpec):
    model = Indicator
    key = ("code",)
    columns = [
        C("code"),
        C("name"),
        C("unit"),
        C("period_kind"),
        C("direction"),
        C("additive"),
        C("source"),
        C("owner"),
        C("alarm_threshold"),
        C("good_threshold"),
        C("derivation"),
        C("is_active"),
        C("order"),
    ]


class ZoneFigureSheet(SheetSpec):
    """A city's monthly statistics sheet: one row per zone and indicator (all zones of the city at once)."""

    model = ZoneFigure
    key = ("zone", "indicator", "month")
    columns = [
        C("zone", lookup="name", note="填写开发区全称"),
        C("indicator", lookup="name", note="填写指标目录中的指标名称"),
        C("month"),
        C("value"),
        C("reported_growth"),
        C("note"),
    ]
