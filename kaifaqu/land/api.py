from kaifaqu.core.api import ServiceSerializer, model_serializer, scoped_viewset

from . import forms, resources, services
from .models import IndicatorStandard, LandParcel, LandReserve, ParcelCommitment


class LandParcelSerializer(
    model_serializer(
        LandParcel, [*forms.PARCEL_FIELDS, "price_per_mu"], read_only=("price_per_mu",), base=ServiceSerializer
    )
):
    def write(self, instance, old):
        return services.save_parcel(instance, old=old)


IndicatorStandardViewSet = scoped_viewset(
    resources.IndicatorStandardResource,
    model_serializer(IndicatorStandard, forms.IndicatorStandardForm.Meta.fields),
    ["year", "indicator"],
)
LandReserveViewSet = scoped_viewset(
    resources.LandReserveResource, model_serializer(LandReserve, forms.LandReserveForm.Meta.fields), ["reserved_on"]
)
LandParcelViewSet = scoped_viewset(resources.LandParcelResource, LandParcelSerializer, ["sold_on", "area"])
ParcelCommitmentViewSet = scoped_viewset(
    resources.ParcelCommitmentResource,
    model_serializer(
        ParcelCommitment, [*forms.ParcelCommitmentForm.Meta.fields, "standard_value"], read_only=("standard_value",)
    ),
)
