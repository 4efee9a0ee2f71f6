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

    def adjustment(cls, a):
        return cls(str(a.pk), a.name, a.per_case, max_points=a.max_points)

    limits = [(g, v) for g, v in zip(GRADES[:3], (record.excellent, record.good, record.passing), strict=True) if v]
    if record.grading == "top":
        grading = scoring.Grading(GRADES, top=tuple((g, int(v)) for g, v in limits))
    else:
        grading = scoring.Grading(GRADES, thresholds=tuple((g, Decimal(v)) for g, v in limits))
    return scoring.Scheme(
        groups=tuple((str(g), Decimal(str(w))) for g, w in record.groups),
        items=items,
        deductions=tuple(adjustment(scoring.Deduction, a) for a in adjustments if a.kind == AdjustmentKind.DEDUCTION),
        bonuses=tuple(adjustment(scoring.Bonus, a) for a in adjustments if a.kind == AdjustmentKind.BONUS),
        vetoes=tuple(scoring.Veto(str(a.pk), a.name) for a in adjustments if a.kind == AdjustmentKind.VETO),
        grading=grading,
        warn_bottom=record.warn_bottom,
    )


def zones_of(run: AssessmentRun):
    """The zones a run assesses: the scheme's category, or only its sub-group (县管工业类开发区 …) when it has one."""
    zones = Zone.objects.filter(category=run.scheme.category)
    if run.scheme.sub_group:
        zones = zones.filter(assessment_group=run.scheme.sub_group)
    return zones.select_related("city").order_by("name")


def inputs(run: AssessmentRun) -> tuple[dict, dict, dict]:
    """{zone name: {indicator code: value}} for the run's last month — December, or the quarter's last month —
    entered, else derived; the bonus and deduction cases and the vetoes of the run."""
    month = run.last_month
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


def checked_scheme(run: AssessmentRun) -> scoring.Scheme:
    scheme = scheme_of(run.scheme)
    errors = scoring.validate(scheme)
    if errors:
        raise ValidationError(errors)
    return scheme


def compute(run: AssessmentRun) -> list[dict]:
    """The run's results as the pages read them (and as publishing keeps them), computed from today's data."""
    return as_data(scoring.assess(checked_scheme(run), *inputs(run)), _places(run))


def _places(run: AssessmentRun) -> dict[str, tuple[str, str]]:
    """{zone name: (city, sub-group)} of the run's zones: the ranks within each."""
    return {z.name: (z.city.name, z.assessment_group) for z in zones_of(run)}


def as_data(results: list[scoring.ZoneResult], places: dict[str, tuple[str, str]]) -> list[dict]:
    """The results as the run keeps them when published (JSON), with each zone's rank in its city and sub-group."""
    in_city = scoring.ranks_within(results, {z: city for z, (city, _g) in places.items()})
    in_group = scoring.ranks_within(results, {z: group for z, (_c, group) in places.items()})
    return [
        {
            "zone": r.zone,
            "rank": r.rank,
            "tied": r.tied,
            "ranked": len(results),
            "city": places.get(r.zone, ("", ""))[0],
            "city_rank": in_city.get(r.zone, (None, None, False))[0],
            "city_ranked": in_city.get(r.zone, (None, None, False))[1],
            "sub_group": places.get(r.zone, ("", ""))[1],
            "sub_group_rank": in_group.get(r.zone, (None, None, False))[0],
            "sub_group_ranked": in_group.get(r.zone, (None, None, False))[1],
            "score": str(r.score),
            "bonus": str(sum((p for _b, _n, p in r.bonuses), Decimal(0))),
            "deducted": str(sum((p for _d, _n, p in r.deductions), Decimal(0))),
            "total": str(r.total),
            "grade": r.grade,
            "grade_note": r.grade_note,
            "warned": r.warned,
            "items": [
                {
                    "code": s.item.code,
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
            "bonuses": [{"name": b.name, "cases": n, "points": str(p)} for b, n, p in r.bonuses],
            "deductions": [{"name": d.name, "cases": n, "points": str(p)} for d, n, p in r.deductions],
            "vetoes": [v.name for v in r.vetoes],
        }
        for r in results
    ]


def results_of(run: AssessmentRun) -> list[dict]:
    """What the run says: the frozen results once published, else computed now."""
    return run.results if run.results is not None else compute(run)


def period_end(run: AssessmentRun) -> datetime.date:
    month = run.last_month
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def publish(run_pk: int, user) -> AssessmentRun:
    """Freeze a run: its results — and the scheme and figures they came from, for the "what if" — are computed once
    now and never again. A period that has not ended cannot be published."""
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().select_related("scheme").get(pk=run_pk)
        if run.status == RunStatus.PUBLISHED:
            raise ValidationError(_("考核结果已发布，不能重复发布"))
        if period_end(run) >= timezone.localdate():
            raise ValidationError(
                _("%(p)s的数据期到%(d)s才结束，尚不能发布") % {"p": run.period_label, "d": _date(period_end(run))}
            )
        scheme = checked_scheme(run)
        values, cases, vetoed = inputs(run)
        places = _places(run)
        run.results = as_data(scoring.assess(scheme, values, cases, vetoed), places)
        if not run.results:
            raise ValidationError(_("该类别没有开发区，无可发布的结果"))
        run.frozen = frozen_data(scheme, values, cases, vetoed, places)
        run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, timezone.now(), user
        run.save()
    return run


def _date(day: datetime.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _dec(value) -> str | None:
    return None if value is None else str(value)


def _rule_data(rule: scoring.Rule) -> list:
    return [rule.kind, _dec(rule.target), _dec(rule.cap), rule.lower_is_better]


def frozen_data(scheme: scoring.Scheme, values: dict, cases: dict, vetoed: dict, places: dict) -> dict:
    """What a published run was computed from, as JSON: the scheme's arithmetic and every input."""
    return {
        "scheme": {
            "groups": [[g, str(w)] for g, w in scheme.groups],
            "items": [[i.code, i.name, i.group, str(i.weight), *_rule_data(i.rule)] for i in scheme.items],
            "deductions": [[d.code, d.name, str(d.per_case), _dec(d.max_points)] for d in scheme.deductions],
            "bonuses": [[b.code, b.name, str(b.per_case), _dec(b.max_points)] for b in scheme.bonuses],
            "vetoes": [[v.code, v.name] for v in scheme.vetoes],
            "grades": list(scheme.grading.grades),
            "thresholds": [[g, str(v)] for g, v in scheme.grading.thresholds],
            "top": [[g, n] for g, n in scheme.grading.top],
            "warn_bottom": scheme.warn_bottom,
        },
        "values": {z: {c: _dec(v) for c, v in row.items()} for z, row in values.items()},
        "cases": cases,
        "vetoed": {z: sorted(codes) for z, codes in vetoed.items()},
        "places": {z: list(p) for z, p in places.items()},
    }


def _undec(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def thawed(frozen: dict) -> tuple[scoring.Scheme, dict, dict, dict, dict]:
    """:func:`frozen_data` read back."""
    s = frozen["scheme"]
    scheme = scoring.Scheme(
        groups=tuple((g, Decimal(w)) for g, w in s["groups"]),
        items=tuple(
            scoring.Item(code, name, group, Decimal(w), scoring.Rule(kind, _undec(target), _undec(cap), lower))
            for code, name, group, w, kind, target, cap, lower in s["items"]
        ),
        deductions=tuple(scoring.Deduction(c, n, Decimal(p), _undec(m)) for c, n, p, m in s["deductions"]),
        bonuses=tuple(scoring.Bonus(c, n, Decimal(p), _undec(m)) for c, n, p, m in s["bonuses"]),
        vetoes=tuple(scoring.Veto(c, n) for c, n in s["vetoes"]),
        grading=scoring.Grading(
            tuple(s["grades"]),
            thresholds=tuple((g, Decimal(v)) for g, v in s["thresholds"]),
            top=tuple((g, n) for g, n in s["top"]),
        ),
        warn_bottom=s["warn_bottom"],
    )
    values = {z: {c: _undec(v) for c, v in row.items()} for z, row in frozen["values"].items()}
    vetoed = {z: set(codes) for z, codes in frozen["vetoed"].items()}
    places = {z: tuple(p) for z, p in frozen["places"].items()}
    return scheme, values, frozen["cases"], vetoed, places


def what_if(run: AssessmentRun, zone: str, code: str, value: Decimal) -> dict:
    """How many points and places ``zone`` would have earned in ``run`` had its value of indicator ``code`` been
    ``value`` (every other zone's figures as the run has them: frozen once published, else today's)."""
    if run.frozen is not None:
        scheme, values, cases, vetoed, places = thawed(run.frozen)
    else:
        scheme = checked_scheme(run)
        values, cases, vetoed = inputs(run)
        places = _places(run)
    if zone not in values:
        raise ValidationError(_("该开发区不在本次考核之列"))
    item = next((i for i in scheme.items if i.code == code), None)
    if item is None:
        raise ValidationError({"indicator": _("本次考核没有该指标")})
    before = {r["zone"]: r for r in as_data(scoring.assess(scheme, values, cases, vetoed), places)}[zone]
    changed = {z: dict(row) for z, row in values.items()}
    changed[zone][code] = value
    after = {r["zone"]: r for r in as_data(scoring.assess(scheme, changed, cases, vetoed), places)}[zone]
    return {
        "item": item,
        "value_before": None if values[zone].get(code) is None else scoring.plain(values[zone][code]),
        "value_after": scoring.plain(value),
        "before": before,
        "after": after,
        "points": Decimal(after["total"]) - Decimal(before["total"]),
        "places": before["rank"] - after["rank"],
    }


def changed_since(run: AssessmentRun) -> list[dict]:
    """For a published run: the zones whose total would differ today (later data corrections)."""
    if run.results is None:
        return []
    try:
        live = {r["zone"]: r for r in compute(run)}
    except ValidationError:
        return []
    return [
        {"zone": r["zone"], "published": r["total"], "now": live[r["zone"]]["total"]}
        for r in run.results
        if r["zone"] in live and live[r["zone"]]["total"] != r["total"]
    ]
