from kaifaqu.core.api import ScopedModelSerializer, ScopedViewSet

from .models import City, IndustryChain, Park, Zone
from .resources import CityResource, IndustryChainResource, ParkResource, ZoneResource


class CitySerializer(ScopedModelSerializer):
    class Meta:
        model = City
        fields = ["id", "code", "name"]


class ZoneSerializer(ScopedModelSerializer):
    class Meta:
        model = Zone
        fields = [
            "id",
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
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ParkSerializer(ScopedModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "zone", "name", "area", "leading_industries", "notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class IndustryChainSerializer(ScopedModelSerializer):
    class Meta:
        model = IndustryChain
        fields = ["id", "zone", "name", "research_group", "group_leader", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class CityViewSet(ScopedViewSet):
    resource = CityResource
    serializer_class = CitySerializer
    ordering_fields = ["code", "name"]


class ZoneViewSet(ScopedViewSet):
    resource = ZoneResource
    serializer_class = ZoneSerializer
    ordering_fields = ["name", "approved_on", "planned_area"]


class ParkViewSet(ScopedViewSet):
    resource = ParkResource
    serializer_class = ParkSerializer
    ordering_fields = ["name", "area"]


class IndustryChainViewSet(ScopedViewSet):
    resource = IndustryChainResource
    serializer_class = IndustryChainSerializer
    ordering_fields = ["name"]
