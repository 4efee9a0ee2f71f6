import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import ScopedModelForm

from .models import AssessmentRun, AssessmentScheme, Indicator, RunCase, SchemeAdjustment, SchemeItem, ZoneFigure


class IndicatorForm(ScopedModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "period_kind",
            "direction",
            "additive",
            "source",
            "owner",
            "alarm_threshold",
            "good_threshold",
            "derivation",
            "is_active",
            "order",
        ]


class ZoneFigureForm(ScopedModelForm):
    class Meta:
        model = ZoneFigure
        fields = ["zone", "indicator", "month", "value", "reported_growth", "note"]


class GroupsField(forms.CharField):
    """A scheme's groups typed one per line (or separated by "；" in a spreadsheet cell), "对外开放 30", kept as
    [["对外开放", 30], …]."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{g} {w}" for g, w in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        groups = []
        for line in re.split(r"[\n；;]", value or ""):
            line = line.strip().replace("　", " ")
            if not line:
                continue
            name, _sep, weight = line.rpartition(" ")
            try:
                number = Decimal(weight)
            except InvalidOperation:
                raise forms.ValidationError(_("“%(l)s”应为“组名 权重”，如“对外开放 30”") % {"l": line}) from None
            groups.append([name.strip(), float(number) if number != number.to_integral() else int(number)])
        return groups


class AssessmentSchemeForm(ScopedModelForm):
    groups = GroupsField(
        label=_("指标组及权重"), help_text=_("每行一组：组名 权重，如“对外开放 30”；各组权重之和为100")
    )

    class Meta:
        model = AssessmentScheme
        fields = [
            "year",
            "category",
            "sub_group",
            "name",
            "groups",
            "grading",
            "excellent",
            "good",
            "passing",
            "warn_bottom",
            "is_template",
        ]


class SchemeItemForm(ScopedModelForm):
    class Meta:
        model = SchemeItem
        fields = ["scheme", "indicator", "group", "weight", "rule", "target", "cap"]


class SchemeAdjustmentForm(ScopedModelForm):
    class Meta:
        model = SchemeAdjustment
        fields = ["scheme", "kind", "name", "per_case", "max_points"]


class AssessmentRunForm(ScopedModelForm):
    class Meta:
        model = AssessmentRun
        fields = ["scheme", "data_year", "quarter"]


class RunCaseForm(ScopedModelForm):
    class Meta:
        model = RunCase
        fields = ["run", "zone", "adjustment", "cases", "note"]


class SchemeCopyForm(forms.Form):
    """Copy a scheme (a template, or last year's) into a new year and category."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("开发区类别"), choices=AssessmentScheme._meta.get_field("category").choices)
    sub_group = forms.CharField(label=_("分组"), max_length=40, required=False)
    name = forms.CharField(label=_("方案名称"), max_length=100)
