from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .forms import GroupsField
from .models import AssessmentRun, AssessmentScheme, Indicator, RunCase, SchemeAdjustment, SchemeItem, ZoneFigure


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


class AssessmentSchemeSheet(SheetSpec):
    model = AssessmentScheme
    key = ("year", "category", "sub_group")
    columns = [
        C("year"),
        C("category"),
        C("sub_group"),
        C("name"),
        C("groups", form_field=GroupsField, note=AssessmentScheme._meta.get_field("groups").help_text),
        C("grading"),
        C("excellent"),
        C("good"),
        C("passing"),
        C("warn_bottom"),
        C("is_template"),
    ]


class SchemeItemSheet(SheetSpec):
    model = SchemeItem
    key = ("scheme", "indicator")
    columns = [
        C("scheme", lookup="name", note="填写考核方案名称"),
        C("indicator", lookup="name", note="填写指标目录中的指标名称"),
        C("group"),
        C("weight"),
        C("rule"),
        C("target"),
        C("cap"),
    ]


class SchemeAdjustmentSheet(SheetSpec):
    model = SchemeAdjustment
    key = ("scheme", "name")
    columns = [
        C("scheme", lookup="name", note="填写考核方案名称"),
        C("kind"),
        C("name"),
        C("per_case"),
        C("max_points"),
    ]


class AssessmentRunSheet(SheetSpec):
    model = AssessmentRun
    key = ("scheme", "data_year", "quarter")
    columns = [C("scheme", lookup="name", note="填写考核方案名称"), C("data_year"), C("quarter")]


class RunCaseSheet(SheetSpec):
    """Deduction and veto cases of a run: one row per zone and item."""

    model = RunCase
    key = ("run", "zone", "adjustment")
    columns = [
        C("run", lookup="pk", note="填写考核结果编号"),
        C("zone", lookup="name", note="填写开发区全称"),
        C("adjustment", lookup="pk", note="填写扣分与否决项编号"),
        C("cases"),
        C("note"),
    ]
