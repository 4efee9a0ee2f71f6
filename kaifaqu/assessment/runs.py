"""Assessment runs: a stored scheme turned into :class:`kaifaqu.lib.scoring.Scheme`, the year's figures of the
category's zones (entered, else derived from the ledgers), the arithmetic, and publishing that freezes it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.lib import scoring
from kaifaqu.zones.models import Zone

from . import services
from .models import AdjustmentKind, AssessmentRun, AssessmentScheme, RunStatus, ZoneFigure

GRADES = ("优秀", "良好", "合格", "不合格")


def scheme_of(record: AssessmentScheme) -> scoring.Scheme:
    items = tuple(
        scoring.Item(
            i.indicator.code,
            i.indicator.name,
            i.group,
            i.weight,
            scoring.Rule(i.rule, target=i.target, cap=i.cap, lower_is_better=i.indicator.direction == "lower"),
        )
        for i in record.items.select_related("indicator")
    )
    adjustments = list(record.adjustments.all())
    limits = [(g, v) for g, v in zip(GRADES[:3], (record.excellent, record.good, record.passing), strict=True) if v]
    if record.grading == "top":
        grading = scoring.Grading(GRADES, top=tuple((g, int(v)) for g, v in limits))
    else:
        grading = scoring.Grading(GRADES, thresholds=tuple((g, Decimal(v)) for g, v in limits))
    return scoring.Scheme(
        groups=tuple((str(g), Decimal(str(w))) for g, w in record.groups),
        items=items,
        deductions=tuple(
            scoring.Deduction(str(a.pk), a.name, a.per_case) for a in adjustments if a.kind == AdjustmentKind.DEDUCTION
        ),
        vetoes=tuple(scoring.Veto(str(a.pk), a.name) for a in adjustments if a.kind == AdjustmentKind.VETO),
        grading=grading,
        warn_bottom=record.warn_bottom,
    )


def zones_of(run: AssessmentRun):
    return Zone.objects.filter(category=run.scheme.category).order_by("name")


def inputs(run: AssessmentRun) -> tuple[dict, dict, dict]:
    """{zone name: {indicator code: value}} for the data year's December (entered, else derived), the deduction
    cases and the vetoes of the run."""
    month = datetime.date(run.data_year, 12, 1)
    zones = list(zones_of(run))
    items = list(run.scheme.items.select_related("indicator"))
    entered = {
        (f.zone_id, f.indicator_id): f.value
        for f in ZoneFigure.objects.filter(zone__in=zones, indicator__in=[i.indicator for i in items], month=month)
    }
    derived = {i.pk: services.derived_by_zone(i.indicator, zones, month) for i in items if i.indicator.derivation}
    values = {}
    for zone in zones:
        row = {}
        for item in items:
            value = entered.get((zone.pk, item.indicator_id))
            if value is None and item.pk in derived:
                value = derived[item.pk].get(zone.pk)
            row[item.indicator.code] = value
        values[zone.name] = row
    cases: dict = {}
    vetoed: dict = {}
    for c in run.cases.select_related("zone", "adjustment"):
        if c.adjustment.kind == AdjustmentKind.VETO:
            vetoed.setdefault(c.zone.name, set()).add(str(c.adjustment_id))
        else:
            cases.setdefault(c.zone.name, {})[str(c.adjustment_id)] = c.cases
    return values, cases, vetoed


def compute(run: AssessmentRun) -> list[scoring.ZoneResult]:
    scheme = scheme_of(run.scheme)
    errors = scoring.validate(scheme)
    if errors:
        raise ValidationError(errors)
    values, cases, vetoed = inputs(run)
    return scoring.assess(scheme, values, cases, vetoed)


def as_data(results: list[scoring.ZoneResult]) -> list[dict]:
    """The results as the run keeps them when published (JSON)."""
    return [
        {
            "zone": r.zone,
            "rank": r.rank,
            "tied": r.tied,
            "score": str(r.score),
            "total": str(r.total),
            "grade": r.grade,
            "grade_note": r.grade_note,
            "warned": r.warned,
            "items": [
                {
                    "name": s.item.name,
                    "group": s.item.group,
                    "weight": str(s.item.weight),
                    "value": None if s.value is None else str(s.value),
                    "points": str(s.points),
                    "lost": str(s.lost),
                    "explanation": s.explanation,
                }
                for s in r.items
            ],
            "deductions": [{"name": d.name, "cases": n, "points": str(p)} for d, n, p in r.deductions],
            "vetoes": [v.name for v in r.vetoes],
        }
        for r in results
    ]


def results_of(run: AssessmentRun) -> list[dict]:
    """What the run says: the frozen results once published, else computed now."""
    return run.results if run.results is not None else as_data(compute(run))


def publish(run_pk: int, user) -> AssessmentRun:
    """Freeze a run: its results are computed once now and never again."""
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run_pk)
        if run.status == RunStatus.PUBLISHED:
            raise ValidationError(_("考核结果已发布，不能重复发布"))
        run.results = as_data(compute(run))
        if not run.results:
            raise ValidationError(_("该类别没有开发区，无可发布的结果"))
        run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, timezone.now(), user
        run.save()
    return run


def changed_since(run: AssessmentRun) -> list[dict]:
    """For a published run: the zones whose total would differ today (later data corrections)."""
    if run.results is None:
        return []
    try:
        live = {r["zone"]: r for r in as_data(compute(run))}
    except ValidationError:
        return []
    return [
        {"zone": r["zone"], "published": r["total"], "now": live[r["zone"]]["total"]}
        for r in run.results
        if r["zone"] in live and live[r["zone"]]["total"] != r["total"]
    ]
