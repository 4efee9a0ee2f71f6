from rest_framework import serializers

from kaifaqu.core.api import ScopedModelSerializer, ScopedViewSet
from kaifaqu.zones.models import Zone

from .models import Enterprise
from .resources import EnterpriseResource
from .services import set_zones


class EnterpriseSerializer(ScopedModelSerializer):
    zones = serializers.PrimaryKeyRelatedField(many=True, queryset=Zone.objects.all(), required=False)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "zones",
            "industry",
            "is_above_scale",
            "is_high_tech",
            "srdi_tier",
            "is_listed",
            "stock_code",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "address",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        visible = self.fields["zones"].child_relation.queryset
        data["zones"] = sorted(z.pk for z in instance.zones.all() if z in visible)
        return data

    def create(self, validated_data):
        zones = validated_data.pop("zones", [])
        enterprise = Enterprise.objects.create(**validated_data)
        set_zones(enterprise, zones, self.context["request"].user)
        return enterprise

    def update(self, instance, validated_data):
        zones = validated_data.pop("zones", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        instance.save()
        if zones is not None:
            set_zones(instance, zones, self.context["request"].user)
        return instance


class EnterpriseViewSet(ScopedViewSet):
    resource = EnterpriseResource
    serializer_class = EnterpriseSerializer
    ordering_fields = ["name", "credit_code"]
