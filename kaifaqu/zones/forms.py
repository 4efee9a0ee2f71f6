from kaifaqu.core.forms import ScopedModelForm

from .models import City, IndustryChain, Park, Zone


class CityForm(ScopedModelForm):
    class Meta:
        model = City
        fields = ["code", "name"]


class ZoneForm(ScopedModelForm):
    class Meta:
        model = Zone
        fields = [
            "name",
            "short_name",
            "city",
            "county",
            "category",
            "level",
            "approved_on",
            "planned_area",
            "leading_industries",
            "platform_company",
            "assessment_group",
            "longitude",
            "latitude",
            "source",
            "notes",
            "four_eyes",
        ]


class ParkForm(ScopedModelForm):
    class Meta:
        model = Park
        fields = ["zone", "name", "area", "leading_industries", "notes"]


class IndustryChainForm(ScopedModelForm):
    class Meta:
        model = IndustryChain
        fields = ["zone", "name", "research_group", "group_leader", "description"]
