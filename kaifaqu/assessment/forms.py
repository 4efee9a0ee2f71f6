from kaifaqu.core.forms import ScopedModelForm

from .models import Indicator, ZoneFigure


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
