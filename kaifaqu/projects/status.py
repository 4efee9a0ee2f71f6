"""Project status colour (red / yellow / green) from the configurable StatusRule, as SQL annotations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Case, CharField, DecimalField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MILESTONES, AnnualPlan, MonthlyReport, Problem, ProblemStatus, StatusRule
from .stages import stage_expression

COLOURS = {"red": _("红色"), "yellow": _("黄色"), "green": _("绿色"), "none": _("—")}


def status_period(today: datetime.date) -> tuple[int, int]:
    """The month whose report is the latest due: the month before ``today``."""
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def annotate_status(queryset, *, today: datetime.date | None = None, rule: StatusRule | None = None):
    """Add ``stage``, ``plan_investment``, ``ytd``, ``late_days`` flags and ``colour`` to a Project queryset."""
    today = today or timezone.localdate()
    rule = rule or StatusRule.current()
    year, month = status_period(today)
    money = DecimalField(max_digits=18, decimal_places=2)
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")[:1]
    ytd = (
        MonthlyReport.objects.filter(
            project=OuterRef("pk"), month__gte=datetime.date(year, 1, 1), month__lte=datetime.date(year, month, 1)
        )
        .order_by("-month")
        .values("year_to_date")[:1]
    )
    red_cutoff = today - datetime.timedelta(days=rule.red_milestone_days)
    late = Q()
    for _stage, planned, actual, _label in MILESTONES:
        late |= Q(**{f"{planned}__lt": red_cutoff, f"{actual}__isnull": True})
    schedule = Decimal(month) * 100 / 12

    def behind(points) -> Q:
        # ytd / plan * 100 < schedule - points   ⇔   ytd * 100 < plan * (schedule - points)
        threshold = (schedule - Decimal(points)) / 100
        return Q(plan_investment__gt=0) & Q(ytd_amount__lt=F("plan_investment") * Value(threshold, output_field=money))

    overdue = Exists(
        Problem.objects.filter(project=OuterRef("pk"), deadline__lt=today).exclude(status=ProblemStatus.CLOSED)
    )
    yellow = behind(rule.yellow_gap_points)
    if rule.yellow_on_overdue_problem:
        yellow |= Q(has_overdue_problem=True)
    return queryset.annotate(
        stage_value=stage_expression(),
        plan_investment=Subquery(plan, output_field=money),
        ytd_amount=Subquery(ytd, output_field=money),
        has_overdue_problem=overdue,
    ).annotate(
        colour=Case(
            When(terminated_on__isnull=False, then=Value("none")),
            When(late | behind(rule.red_gap_points), then=Value("red")),
            When(yellow, then=Value("yellow")),
            default=Value("green"),
            output_field=CharField(),
        )
    )
