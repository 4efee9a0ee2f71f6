import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter
from kaifaqu.core.forms import AutocompleteSelect
from kaifaqu.projects.models import Project
from kaifaqu.zones.models import Zone

from .models import (
    ApprovalStage,
    Bundle,
    CalendarYear,
    Commitment,
    CommitmentStatus,
    Holiday,
    Mode,
    Procedure,
    ProcedurePause,
    ProcedureType,
    ServiceLog,
)
from .services import STATUS_LABELS, status_q

# The list's clock statuses: "open" (办理中, any of services.OPEN_STATUSES) and each status with its clock label.
STATUS_CHOICES = [
    ("open", _("办理中")),
    *((s, STATUS_LABELS[s]) for s in ("due_soon", "overdue", "paused", "running", "done", "done_late", "error")),
    ("waiting", STATUS_LABELS["waiting"]),
]


class ProcedureFilterSet(SearchFilterSet):
    search_fields = ("project__name", "project__code", "type__name", "certificate_no")
    zone = ScopedChoiceFilter(field_name="project__zone", model=Zone, label=_("开发区"))
    project = ScopedChoiceFilter(model=Project, label=_("项目"), widget=AutocompleteSelect("project_autocomplete"))
    agent = ScopedChoiceFilter(model=User, label=_("代办员"), widget=AutocompleteSelect("accounts:user_autocomplete"))
    stage = django_filters.ChoiceFilter(field_name="type__stage", choices=ApprovalStage.choices, label=_("阶段"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("办理方式"))
    status = django_filters.ChoiceFilter(method="by_status", choices=STATUS_CHOICES, label=_("计时状态"))

    class Meta:
        model = Procedure
        fields = ["q", "zone", "project", "agent", "stage", "mode", "status"]

    def by_status(self, queryset, name, value):
        return queryset.filter(status_q(value))


class ProcedureTypeFilterSet(SearchFilterSet):
    search_fields = ("name", "authority")
    stage = django_filters.ChoiceFilter(choices=ApprovalStage.choices, label=_("阶段"))

    class Meta:
        model = ProcedureType
        fields = ["q", "stage"]


class HolidayFilterSet(SearchFilterSet):
    search_fields = ("name",)
    year = YearFilter(field_name="date__year", label=_("年度"))

    class Meta:
        model = Holiday
        fields = ["q", "year", "kind"]


class CalendarYearFilterSet(SearchFilterSet):
    search_fields = ("source",)

    class Meta:
        model = CalendarYear
        fields = ["q"]


class PauseFilterSet(SearchFilterSet):
    search_fields = ("procedure__project__name", "note")

    class Meta:
        model = ProcedurePause
        fields = ["q", "reason"]


class CommitmentFilterSet(SearchFilterSet):
    search_fields = ("procedure__project__name", "promise")
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices, label=_("状态"))
    due = django_filters.ChoiceFilter(
        choices=[("overdue", _("已超过履约期限")), ("due_soon", _("即将到期"))],
        label=_("履约提醒"),
        method="filter_due",
    )

    class Meta:
        model = Commitment
        fields = ["q", "status", "due"]

    def filter_due(self, queryset, name, value):
        return queryset.filter(Commitment.due_q(value, timezone.localdate()))


class BundleFilterSet(SearchFilterSet):
    search_fields = ("project__name", "name")

    class Meta:
        model = Bundle
        fields = ["q", "status"]


class ServiceLogFilterSet(SearchFilterSet):
    search_fields = ("project__name", "content")
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))

    class Meta:
        model = ServiceLog
        fields = ["q", "zone"]
