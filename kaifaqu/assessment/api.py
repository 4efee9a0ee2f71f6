from kaifaqu.core.api import model_serializer, scoped_viewset

from . import resources
from .models import Indicator, ZoneFigure

IndicatorViewSet = scoped_viewset(
    resources.IndicatorResource,
    model_serializer(
        Indicator,
        [
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
        ],
    ),
    ["order", "code"],
)
ZoneFigureViewSet = scoped_viewset(
    resources.ZoneFigureResource,
    model_serializer(ZoneFigure, ["zone", "indicator", "month", "value", "reported_growth", "note"]),
    ["month"],
)
