from django.contrib import admin

from kaifaqu.core.admin import ServiceAdmin

from .models import IndicatorStandard, LandParcel, LandReserve, ParcelCommitment


def _write_parcel(user, parcel, old, form):
    from .services import save_parcel

    return save_parcel(parcel, old=old)


@admin.register(LandParcel)
class LandParcelAdmin(ServiceAdmin):
    write = _write_parcel
    list_display = ("number", "zone", "area", "land_use", "is_standard", "status", "sold_on", "price")
    list_filter = ("status", "land_use", "is_standard")
    search_fields = ("number", "location")
    readonly_fields = ("price_per_mu",)


@admin.register(IndicatorStandard)
class IndicatorStandardAdmin(admin.ModelAdmin):
    list_display = ("indicator", "industry_code", "industry_name", "zone_level", "bound", "value", "binding", "year")
    list_filter = ("indicator", "binding", "year")


@admin.register(LandReserve)
class LandReserveAdmin(admin.ModelAdmin):
    list_display = ("name", "zone", "area", "reserved_on", "infrastructure_area", "serviced")


@admin.register(ParcelCommitment)
class ParcelCommitmentAdmin(admin.ModelAdmin):
    list_display = ("parcel", "indicator", "bound", "value", "standard_value")
