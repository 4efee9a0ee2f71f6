from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import AutocompleteSelect, AutocompleteSelectMultiple, ScopedModelForm

from . import services
from .models import Agreement, FollowUp, Lead, LeadStage, PromotionMode, SourceRegion, Trip


class LeadForm(ScopedModelForm):
    trip = forms.ModelChoiceField(
        queryset=Trip.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("从外出招商页面新建时，自动关联到该次外出"),
    )

    class Meta:
        model = Lead
        fields = [
            "zone",
            "company",
            "enterprise",
            "credit_code",
            "project_name",
            "contact_person",
            "contact_phone",
            "source_region",
            "chain",
            "mode",
            "intended_investment",
            "land_need",
            "factory_need",
            "liaison_leader",
            "owner",
            "stage",
            "stage_reason",
            "likelihood",
            "likelihood_reason",
            "first_contact_on",
        ]
        widgets = {
            "enterprise": AutocompleteSelect("enterprise_autocomplete"),
            "chain": AutocompleteSelect("industrychain_autocomplete"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._old = Lead.objects.get(pk=self.instance.pk) if self.instance.pk else None
        self.fields["stage"].choices = [c for c in LeadStage.choices if c[0] not in ("signed", "landed")] + (
            [(self.instance.stage, self.instance.get_stage_display())]
            if self.instance.stage in ("signed", "landed")
            else []
        )
        for name in ("source_region", "mode"):
            self.fields[name].queryset = self.fields[name].queryset.filter(is_active=True)
        if not self.instance.pk:
            del self.fields["stage_reason"]  # the reason a lead moves back a stage: not of a new lead
        if not self.instance.pk and getattr(self.user, "zone_id", None):
            self.initial.setdefault("zone", self.user.zone_id)
            self.initial.setdefault("owner", self.user.pk)

    def save_scoped(self):
        lead = services.save_lead(self.save(commit=False), old=self._old)
        trip = self.cleaned_data.get("trip")
        if trip is not None:
            trip.leads.add(lead)  # an enterprise met on a trip, entered as a new lead
        return lead


class FollowUpForm(ScopedModelForm):
    class Meta:
        model = FollowUp
        fields = ["lead", "kind", "date", "people", "content", "next_step"]
        widgets = {"lead": AutocompleteSelect("lead_autocomplete")}


class TripForm(ScopedModelForm):
    class Meta:
        model = Trip
        fields = ["zone", "start_on", "end_on", "destination", "leader", "participants", "leads", "outcomes"]
        widgets = {"leads": AutocompleteSelectMultiple("lead_autocomplete")}


class AgreementForm(ScopedModelForm):
    class Meta:
        model = Agreement
        fields = ["lead", "kind", "signed_on", "amount", "note"]
        widgets = {"lead": AutocompleteSelect("lead_autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = True
        self.fields["amount"].error_messages["required"] = _("签约须填写签约金额")

    def save_scoped(self):
        return services.sign(self.save(commit=False))


class SourceRegionForm(ScopedModelForm):
    class Meta:
        model = SourceRegion
        fields = ["name", "order", "is_active"]


class PromotionModeForm(ScopedModelForm):
    class Meta:
        model = PromotionMode
        fields = ["name", "order", "is_active"]
