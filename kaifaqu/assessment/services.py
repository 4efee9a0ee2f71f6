"""The rules of zone figures and what is computed from them: the write checks, 同比 from the same period a year
earlier beside the reported growth, the figures derived from the platform's own ledgers, and roll-ups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.fields import month_label
from kaifaqu.lib.units import percent, quantize

from .models import AssessmentScheme, Derivation, Indicator, SchemeAdjustment, SchemeItem, ZoneFigure

COUNT_UNITS = ("个", "家", "项", "人", "次", "宗", "件")
GROWTH_QUERY = Decimal(1000)  # a growth above this (in percent) is most likely a fraction typed as a percent
GROWTH_GAP = Decimal(1)  # percentage points between reported and computed growth that are flagged


def check_figure(figure: ZoneFigure) -> None:
    """The rules of a zone figure, for every write path (form, API, import, admin): a period of the indicator's
    kind that has ended, no negative or fractional count, a reported growth that is a percentage."""
    errors: dict = {}
    indicator = figure.indicator if figure.indicator_id else None
    if figure.month and indicator:
        if figure.month.month not in indicator.months():
            months = "、".join(str(m) for m in indicator.months())
            errors["month"] = _("“%(i)s”为%(k)s数据，统计期末月应为 %(m)s 月") % {
                "i": indicator,
                "k": indicator.get_period_kind_display(),
                "m": months,
            }
        elif figure.month >= timezone.localdate().replace(day=1):
            errors["month"] = _("%(m)s尚未结束，不能填报该期数据") % {"m": month_label(figure.month)}
    # The field's own checks refuse a value out of its digits; here only one it can hold.
    value_ok = isinstance(figure.value, Decimal) and figure.value.is_finite() and figure.value.adjusted() < 12
    if indicator and value_ok and indicator.unit.strip() in COUNT_UNITS:
        if figure.value < 0:
            errors["value"] = _("“%(i)s”是个数，不能为负数") % {"i": indicator}
        elif figure.value != figure.value.to_integral_value():
            errors["value"] = _("“%(i)s”是个数，应为整数") % {"i": indicator}
    growth_value = figure.reported_growth
    if isinstance(growth_value, Decimal) and growth_value.is_finite() and growth_value.copy_abs() > GROWTH_QUERY:
        errors["reported_growth"] = _(
            "增速 %(g)s%% 超过 1000%%，请核实：增速按百分数填写（增长13.8%%填13.8，不填0.138），确属实请在备注中说明"
        ) % {"g": figure.reported_growth}
        if figure.note.strip():
            errors.pop("reported_growth")
    if errors:
        raise ValidationError(errors)


def year_before(month: datetime.date) -> datetime.date:
    return month.replace(year=month.year - 1)


def growth(indicator: Indicator, value, previous) -> Decimal | None:
    """同比 of ``value`` over ``previous`` (the same period a year earlier): in percent for an amount, in
    percentage points for a rate or share; None without a base."""
    if value is None or previous is None:
        return None
    if not indicator.additive or indicator.is_percent:
        return quantize(Decimal(value) - Decimal(previous), 2)
    if not previous:
        return None
    return quantize((Decimal(value) / Decimal(previous) - 1) * 100, 2)


def in_unit(wan: Decimal, unit: str) -> Decimal:
    """An amount in 万元 in the indicator's unit (亿元 or 万元)."""
    return quantize(wan / 10000, 4) if unit.strip() == "亿元" else quantize(wan, 4)


def derived_value(indicator: Indicator, zones, month: datetime.date) -> Decimal | None:
    """The indicator's figure for ``zones`` (a Zone queryset) and the period ending in ``month``, from the
    ledgers: None for an indicator the ledgers do not hold."""
    from kaifaqu.approvals.services import commitment_share
    from kaifaqu.projects import rates
    from kaifaqu.projects.models import AnnualPlan, Project
    from kaifaqu.promotion.models import Agreement

    kind = indicator.derivation
    if not kind:
        return None
    period = rates.Period(month.year, month.month)
    projects = Project.objects.filter(zone__in=zones)
    plans = AnnualPlan.objects.filter(project__zone__in=zones)

    def completed(transformation: bool | None = None) -> Decimal:
        p, q = (plans, projects)
        if transformation is not None:
            p, q = plans.filter(project__is_transformation=True), projects.filter(is_transformation=True)
        total, _units = rates.compute(p, q, period)
        return total.completed

    if kind == Derivation.INDUSTRIAL_INVESTMENT:
        return in_unit(completed(), indicator.unit)
    if kind == Derivation.TRANSFORMATION_INVEST:
        return in_unit(completed(True), indicator.unit)
    if kind == Derivation.TRANSFORMATION_SHARE:
        return percent(completed(True), completed(), places=2)
    if kind == Derivation.SIGNED_INVESTMENT:
        signed = Agreement.objects.filter(lead__zone__in=zones, signed_on__range=(period.start, period.end))
        return in_unit(signed.aggregate(s=Sum("amount"))["s"] or Decimal(0), indicator.unit)
    if kind == Derivation.COMMITMENT_SHARE:
        rate = commitment_share(projects, period.start, period.end).rate
        return None if rate is None else Decimal(rate)
    return None


def derived_by_zone(indicator: Indicator, zones: list, month: datetime.date) -> dict[int, Decimal | None]:
    """:func:`derived_value` of each of ``zones`` at once: a grouped query per figure, not one per zone."""
    from kaifaqu.projects import rates
    from kaifaqu.projects.models import AnnualPlan, Project
    from kaifaqu.promotion.models import Agreement

    kind = indicator.derivation
    ids = [z.pk for z in zones]
    if not kind:
        return dict.fromkeys(ids)
    period = rates.Period(month.year, month.month)

    def completed(transformation: bool) -> dict[int, Decimal]:
        plans = AnnualPlan.objects.filter(project__zone__in=ids)
        projects = Project.objects.filter(zone__in=ids)
        if transformation:
            plans, projects = plans.filter(project__is_transformation=True), projects.filter(is_transformation=True)
        _total, units = rates.compute(plans, projects, period, group_by="project__zone")
        return {u.key: u.completed for u in units}

    if kind in (Derivation.INDUSTRIAL_INVESTMENT, Derivation.TRANSFORMATION_INVEST):
        done = completed(kind == Derivation.TRANSFORMATION_INVEST)
        return {z: in_unit(done.get(z, Decimal(0)), indicator.unit) for z in ids}
    if kind == Derivation.TRANSFORMATION_SHARE:
        part, whole = completed(True), completed(False)
        return {z: percent(part.get(z, 0), whole.get(z, 0), places=2) for z in ids}
    if kind == Derivation.SIGNED_INVESTMENT:
        signed = Agreement.objects.filter(lead__zone__in=ids, signed_on__range=(period.start, period.end))
        sums = dict(signed.values_list("lead__zone").annotate(s=Sum("amount")).order_by())
        return {z: in_unit(sums.get(z) or Decimal(0), indicator.unit) for z in ids}
    return {z.pk: derived_value(indicator, type(z).objects.filter(pk=z.pk), month) for z in zones}


@dataclass
class Row:
    """One indicator of the overview: what was entered, what the ledgers give, and the growth of each."""

    indicator: Indicator
    value: Decimal | None = None  # entered (summed over the zones for an additive indicator)
    previous: Decimal | None = None
    reported_growth: Decimal | None = None  # of one zone only: a reported growth does not add up
    reporting: int = 0  # zones with an entered figure
    derived: Decimal | None = None
    derived_previous: Decimal | None = None

    @property
    def growth(self) -> Decimal | None:
        return growth(self.indicator, self.value, self.previous)

    @property
    def derived_growth(self) -> Decimal | None:
        return growth(self.indicator, self.derived, self.derived_previous)

    @property
    def growth_gap(self) -> bool:
        """The reported growth is far from the one computed from the same period a year earlier."""
        computed = self.growth
        return (
            self.reported_growth is not None
            and computed is not None
            and abs(computed - self.reported_growth) > GROWTH_GAP
        )

    @property
    def alarm(self) -> bool:
        i, v = self.indicator, self.value if self.value is not None else self.derived
        if v is None or i.alarm_threshold is None:
            return False
        return v < i.alarm_threshold if i.direction == "higher" else v > i.alarm_threshold


def overview(zones, month: datetime.date, single: bool) -> list[Row]:
    """Each active indicator for ``zones`` (one zone when ``single``) and the period ending in ``month``: entered
    figures (summed when the indicator adds up; for several zones a rate is not rolled up), the same period a year
    earlier, and the ledgers' figures. Indicators whose period kind has no period ending in ``month`` are left out."""
    indicators = [i for i in Indicator.objects.filter(is_active=True) if month.month in i.months()]
    months = (month, year_before(month))
    figures = ZoneFigure.objects.filter(zone__in=zones, indicator__in=indicators, month__in=months)
    by = {}
    for f in figures.values("indicator_id", "month", "value", "reported_growth"):
        by.setdefault((f["indicator_id"], f["month"]), []).append(f)
    rows = []
    for indicator in indicators:
        row = Row(indicator)
        now, before = by.get((indicator.pk, month), []), by.get((indicator.pk, months[1]), [])
        row.reporting = len(now)
        if single or indicator.additive:
            row.value = sum((f["value"] for f in now), Decimal(0)) if now else None
            row.previous = sum((f["value"] for f in before), Decimal(0)) if before else None
        if single and now:
            row.reported_growth = now[0]["reported_growth"]
        if indicator.derivation:
            row.derived = derived_value(indicator, zones, month)
            row.derived_previous = derived_value(indicator, zones, months[1])
        rows.append(row)
    return rows


def trend(zones, indicator: Indicator, year: int, single: bool) -> list[dict]:
    """An indicator's entered figures by period end month in ``year`` and the year before, with the computed
    同比: the series of the overview's chart (one query)."""
    if not (single or indicator.additive):
        return []
    rows = ZoneFigure.objects.filter(zone__in=zones, indicator=indicator, month__year__in=(year - 1, year))
    sums: dict = {}
    for month, value in rows.values_list("month", "value"):
        sums[month] = sums.get(month, Decimal(0)) + value
    out = []
    for m in indicator.months():
        now, before = sums.get(datetime.date(year, m, 1)), sums.get(datetime.date(year - 1, m, 1))
        out.append({"month": m, "value": now, "previous": before, "growth": growth(indicator, now, before)})
    return out


def copy_scheme(source, *, year: int, category: str, sub_group: str, name: str):
    """A new scheme for ``year`` and ``category`` (and ``sub_group``) with ``source``'s groups, grading, items and
    adjustments — a template or last year's scheme carried forward — in one transaction; the copy is no template."""
    with transaction.atomic():
        scheme = AssessmentScheme(
            year=year,
            category=category,
            sub_group=sub_group,
            name=name,
            groups=source.groups,
            grading=source.grading,
            excellent=source.excellent,
            good=source.good,
            passing=source.passing,
            warn_bottom=source.warn_bottom,
            is_template=False,
        )
        scheme.full_clean()
        scheme.save()
        for item in source.items.all():
            SchemeItem.objects.create(
                scheme=scheme,
                indicator_id=item.indicator_id,
                group=item.group,
                weight=item.weight,
                rule=item.rule,
                target=item.target,
                cap=item.cap,
            )
        for a in source.adjustments.all():
            SchemeAdjustment.objects.create(
                scheme=scheme, kind=a.kind, name=a.name, per_case=a.per_case, max_points=a.max_points
            )
    return scheme
