from django.contrib import admin

from .models import City, IndustryChain, Park, Zone


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("name", "code")


class ParkInline(admin.TabularInline):
    model = Park
    extra = 0


class IndustryChainInline(admin.TabularInline):
    model = IndustryChain
    extra = 0


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "county", "category", "level", "approved_on", "planned_area")
    list_filter = ("city", "category", "level")
    search_fields = ("name", "short_name", "county")
    inlines = [ParkInline, IndustryChainInline]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "zone", "area")
    search_fields = ("name", "zone__name")
    autocomplete_fields = ("zone",)


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ("name", "zone", "research_group", "group_leader")
    search_fields = ("name", "zone__name")
    autocomplete_fields = ("zone",)
