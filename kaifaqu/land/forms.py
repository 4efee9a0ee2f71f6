from django import forms

from kaifaqu.core.forms import AutocompleteSelect, ScopedModelForm

from . import services
from .models import IndicatorStandard, LandParcel, LandReserve, ParcelCommitment

PARCEL_FIELDS = [
    "zone",
    "park",
    "number",
    "location",
    "longitude",
    "latitude",
    "boundary",
    "area",
    "land_use",
    "industry_code",
    "is_standard",
    "reserve",
    "status",
    "sale_way",
    "sold_on",
    "price",
    "buyer",
    "project",
    "note",
]


class IndicatorStandardForm(ScopedModelForm):
    class Meta:
        model = IndicatorStandard
        fields = [
            "year",
            "indicator",
            "industry_code",
            "industry_name",
            "zone_level",
            "bound",
            "value",
            "binding",
            "source",
        ]


class LandReserveForm(ScopedModelForm):
    class Meta:
        model = LandReserve
        fields = ["zone", "name", "area", "reserved_on", "cost", "source", "serviced", "infrastructure_area", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and getattr(self.user, "zone_id", None):
            self.initial.setdefault("zone", self.user.zone_id)


class BoundaryField(forms.JSONField):
    """The parcel's GeoJSON boundary: an empty box when there is none (not the JSON word for nothing)."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class LandParcelForm(ScopedModelForm):
    boundary = BoundaryField(
        label=LandParcel._meta.get_field("boundary").verbose_name,
        help_text=LandParcel._meta.get_field("boundary").help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = LandParcel
        fields = PARCEL_FIELDS
        widgets = {
            "park": AutocompleteSelect("park_autocomplete"),
            "buyer": AutocompleteSelect("enterprise_autocomplete"),
            "project": AutocompleteSelect("project_autocomplete"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._old = LandParcel.objects.get(pk=self.instance.pk) if self.instance.pk else None
        if not self.instance.pk and getattr(self.user, "zone_id", None):
            self.initial.setdefault("zone", self.user.zone_id)

    def save_scoped(self):
        return services.save_parcel(self.save(commit=False), old=self._old)


class ParcelCommitmentForm(ScopedModelForm):
    class Meta:
        model = ParcelCommitment
        fields = ["parcel", "indicator", "bound", "value", "note"]
