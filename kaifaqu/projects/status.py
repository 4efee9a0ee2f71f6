"""Project status colour (red / yellow / green) from the configurable StatusRule, as SQL annotations.

The one definition of the colour: lists (filter and badge), the 挂图作战 board, the dashboard and the bulletin's
red projects all read :func:`annotate_status`, and show a colour with :data:`COLOURS`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import date_label
from kaifaqu.lib.units import percent, quantize

from .models import MILESTONES, AnnualPlan, Problem, StatusRule
from .rates import Period, latest_ytd, reporting_period
from .stages import stage_expression


class Colour(NamedTuple):
    label: str
    badge: str  # Bootstrap contextual colour (``text-bg-…``) of lists and panels
    hex: str  # the same colour in charts (the board)


COLOURS = {
    "red": Colour(_("红色"), "danger", "#dc3545"),
    "yellow": Colour(_("黄色"), "warning", "#ffc107"),
    "green": Colour(_("绿色"), "success", "#198754"),
    "none": Colour(_("—"), "secondary", "#6c757d"),
}
COLOUR_CHOICES = [(key, c.label) for key, c in COLOURS.items()]


def annotate_status(
    queryset,
    *,
    today: datetime.date | None = None,
    rule: StatusRule | None = None,
    period: Period | None = None,
    reasons: bool = False,
):
    """Add ``stage_value``, ``plan_investment``, ``ytd_amount``, ``has_overdue_problem`` and ``colour`` to a Project
    queryset: the colour on ``today`` (default: the date), judged against the figures of ``period`` (default: the
    reporting period of ``today``; a bulletin passes its own month and that month's last day).

    ``reasons`` also adds, from the same conditions, ``late_<milestone>`` and ``behind_red`` (booleans) that
    :func:`red_reasons` puts into words."""
    today = today or timezone.localdate()
    rule = rule or StatusRule.current()
    period = period or reporting_period(today)
    money = DecimalField(max_digits=18, decimal_places=2)
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=period.year).values("planned_investment")[:1]
    red_cutoff = today - datetime.timedelta(days=rule.red_milestone_days)
    late_by = {
        actual: Q(**{f"{planned}__lt": red_cutoff}) & (Q(**{f"{actual}__isnull": True}) | Q(**{f"{actual}__gt": today}))
        for _stage, planned, actual, _label in MILESTONES
    }
    late = Q()
    for q in late_by.values():
        late |= q

    def behind(points) -> Q:
        # ytd / plan * 100 < schedule - points   ⇔   ytd * 100 < plan * (schedule - points)
        threshold = (period.schedule - Decimal(points)) / 100
        return Q(plan_investment__gt=0) & Q(ytd_amount__lt=F("plan_investment") * Value(threshold, output_field=money))

    overdue = Exists(Problem.objects.filter(Problem.overdue_q(today), project=OuterRef("pk")))
    yellow = behind(rule.yellow_gap_points)
    if rule.yellow_on_overdue_problem:
        yellow |= Q(has_overdue_problem=True)
    queryset = queryset.annotate(
        stage_value=stage_expression(),
        plan_investment=Subquery(plan, output_field=money),
        ytd_amount=Subquery(latest_ytd(period, "pk"), output_field=money),
        has_overdue_problem=overdue,
    ).annotate(
        colour=Case(
            When(terminated_on__lte=today, then=Value("none")),
            When(late | behind(rule.red_gap_points), then=Value("red")),
            When(yellow, then=Value("yellow")),
            default=Value("green"),
            output_field=CharField(),
        )
    )
    if reasons:
        flags = {f"late_{actual}": q for actual, q in late_by.items()} | {"behind_red": behind(rule.red_gap_points)}
        queryset = queryset.annotate(
            **{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in flags.items()}
        )
    return queryset


def red_reasons(project, *, rule: StatusRule, period: Period) -> list[str]:
    """Why a project annotated with ``reasons=True`` is red, in words: each milestone overdue by more than the rule's
    days, and an investment completion further behind the 序时进度 than the rule's points."""
    words = []
    for _stage, planned, actual, label in MILESTONES:
        if getattr(project, f"late_{actual}", False):
            words.append(gettext("%(m)s逾期（计划%(d)s）") % {"m": label, "d": date_label(getattr(project, planned))})
    if getattr(project, "behind_red", False):
        rate = percent(project.ytd_amount or 0, project.plan_investment)
        words.append(
            gettext("投资完成率%(r)s%%，低于序时进度%(s)s%%超过%(n)s个百分点")
            % {
                "r": rate,
                "s": quantize(period.schedule, 1),
                "n": quantize(Decimal(rule.red_gap_points), 1),
            }
        )
    return words
