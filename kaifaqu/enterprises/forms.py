from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.zones.models import Zone

from .models import Enterprise
from .services import set_zones


class EnterpriseForm(ScopedModelForm):
    zones = forms.ModelMultipleChoiceField(queryset=Zone.objects.all(), label=_("所在开发区"), required=False)

    class Meta:
        model = Enterprise
        fields = [
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
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            self.initial["zones"] = list(self.instance.zones.filter(pk__in=self.fields["zones"].queryset))
        elif getattr(user, "zone_id", None):
            self.initial["zones"] = [user.zone_id]

    def save_scoped(self):
        enterprise = self.save(commit=False)
        enterprise.save()
        set_zones(enterprise, self.cleaned_data["zones"], self.user)
        return enterprise
