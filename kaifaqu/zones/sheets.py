"""Excel layouts of the zone registries (export, template and import share them)."""

from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import City, IndustryChain, Park, Zone


class CitySheet(SheetSpec):
    model = City
    key = ("code",)
    columns = [C("code"), C("name")]


class ZoneSheet(SheetSpec):
    model = Zone
    columns = [
        C("name"),
        C("short_name"),
        C("city"),
        C("county"),
        C("category"),
        C("level"),
        C("approved_on"),
        C("planned_area"),
        C("leading_industries"),
        C("platform_company"),
        C("assessment_group"),
        C("longitude"),
        C("latitude"),
        C("source"),
        C("notes"),
    ]


class ParkSheet(SheetSpec):
    model = Park
    key = ("zone", "name")
    columns = [C("zone"), C("name"), C("area"), C("leading_industries"), C("notes")]


class IndustryChainSheet(SheetSpec):
    model = IndustryChain
    key = ("zone", "name")
    columns = [C("zone"), C("name"), C("research_group"), C("group_leader"), C("description")]
