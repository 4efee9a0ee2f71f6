from kaifaqu.core.forms import AutocompleteSelect, ScopedModelForm

from . import services
from .models import (
    Bundle,
    CalendarYear,
    Commitment,
    Holiday,
    Procedure,
    ProcedurePause,
    ProcedureType,
    ServiceLog,
)


class ProcedureTypeForm(ScopedModelForm):
    class Meta:
        model = ProcedureType
        fields = [
            "name",
            "stage",
            "authority",
            "limit_days",
            "day_kind",
            "extension_days",
            "allows_commitment",
            "materials",
            "is_active",
        ]


class CalendarYearForm(ScopedModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source"]


class HolidayForm(ScopedModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "kind", "name"]


class ProcedureForm(ScopedModelForm):
    class Meta:
        model = Procedure
        fields = [
            "project",
            "type",
            "mode",
            "applied_on",
            "accepted_on",
            "completed_on",
            "certificate_no",
            "agent",
            "lead_agent",
            "bundle",
            "notes",
        ]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("agent", "lead_agent"):
            self.fields[name].queryset = self.fields[name].queryset.filter(role="agent")
        self.fields["type"].queryset = self.fields["type"].queryset.filter(is_active=True)

    def save_scoped(self):
        return services.save_procedure(self.save(commit=False))


class PauseForm(ScopedModelForm):
    class Meta:
        model = ProcedurePause
        fields = ["procedure", "paused_on", "resumed_on", "reason", "note"]

    def save_scoped(self):
        return services.save_pause(self.save(commit=False))


class CommitmentForm(ScopedModelForm):
    class Meta:
        model = Commitment
        fields = ["procedure", "promise", "due_on", "status", "checked_on"]


class BundleForm(ScopedModelForm):
    class Meta:
        model = Bundle
        fields = ["project", "name", "planned_on", "status"]  # 实际同发日期 is derived (Bundle.clean)
        widgets = {"project": AutocompleteSelect("project_autocomplete")}


class ServiceLogForm(ScopedModelForm):
    class Meta:
        model = ServiceLog
        fields = ["zone", "project", "agent", "served_on", "content"]
        widgets = {"project": AutocompleteSelect("project_autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = self.fields["agent"].queryset.filter(role="agent")
