import datetime

import django_filters
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.accounts.models import User
from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YearFilter
from kaifaqu.core.forms import AutocompleteSelect
from kaifaqu.lib.workdays import OutsideCalendar
from kaifaqu.projects.models import Project
from kaifaqu.zones.models import Zone

from . import calendar as holiday_calendar
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

STATUS_CHOICES = [
    ("open", _("办理中")),
    ("due_soon", _("即将到期")),
    ("overdue", _("已超期")),
    ("paused", _("暂停计时")),
    ("done", _("已办结")),
    ("done_late", _("超期办结")),
    ("error", _("计时异常")),
    ("waiting", _("未受理")),
]


def status_q(status: str, today: datetime.date | None = None, prefix: str = "") -> Q:
    """A clock status as a filter on the stored due date (kept consistent by services.refresh_clock).

    ``prefix`` ("procedures__") applies it from a related model, e.g. to count an agent's procedures.
    """
    today = today or timezone.localdate()

    def q(**lookups) -> Q:
        return Q(**{prefix + k: v for k, v in lookups.items()})

    open_ = q(accepted_on__isnull=False, completed_on__isnull=True, clock_error="")
    if status == "open":
        return open_
    if status == "overdue":
        return open_ & q(due_on__lt=today)
    if status == "due_soon":
        try:
            horizon = holiday_calendar.current().add_workdays(today, settings.KFQ_DUE_SOON_DAYS)
        except OutsideCalendar:
            horizon = today + datetime.timedelta(days=settings.KFQ_DUE_SOON_DAYS)
        return open_ & q(due_on__gte=today, due_on__lte=horizon)
    if status == "paused":
        return open_ & q(pauses__paused_on__lte=today, pauses__resumed_on__isnull=True)
    if status == "done":
        return q(completed_on__isnull=False, completed_on__lte=F(prefix + "due_on"))
    if status == "done_late":
        return q(completed_on__isnull=False, completed_on__gt=F(prefix + "due_on"))
    if status == "error":
        return ~q(clock_error="")
    if status == "waiting":
        return q(accepted_on__isnull=True)
    return Q()


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
        q = status_q(value)
        return queryset.filter(q).distinct() if value == "paused" else queryset.filter(q)


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

    class Meta:
        model = Commitment
        fields = ["q", "status"]


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
