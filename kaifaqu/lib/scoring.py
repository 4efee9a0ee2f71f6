"""The arithmetic of a zone assessment (考核, issue 12): a scheme's scoring rules, deductions, vetoes, grades, ranks
with ties and warnings — pure functions over plain values, every point explained.

A :class:`Scheme` is data (the platform stores it per year and category): indicator groups with weights, items
with a weight in points and a :class:`Rule`, deduction and bonus items (points per case, optionally at most so
many points), vetoes (a case removes the zone from the top grade), a :class:`Grading` (score thresholds, or the top
N of the ranking) and the number of zones at the bottom that are warned. :func:`validate` refuses a scheme whose
weights do not add up, whose rule lacks a parameter or has a benchmark of zero, or that uses an indicator twice.
:func:`assess` scores every zone: each item's points with the inputs and the arithmetic, the bonuses and
deductions, the total, the rank (equal totals share a rank: 1, 2, 2, 4; the order among them is by name, so a run
is reproducible), the grade and the warning; :func:`ranks_within` ranks the same totals within a city or a
sub-group.

Rules (``v`` the zone's value, ``w`` the item's points):

- ``share_of_best``: v / best × w (for "lower is better": best / v × w), best over the zones assessed;
- ``ratio_to_target``: min(v / target, cap) × w (lower: min(target / v, cap)); cap defaults to 1;
- ``growth``: the same on a growth rate, a negative growth earning nothing;
- ``min_max``: (v − min) / (max − min) × w (lower: (max − v) / (max − min)); all equal: full points;
- ``rank_points``: w × (n − rank) / (n − 1) by the value's rank among the n zones (ties share the rank).

A zone without a value for an item gets no points for it, and the explanation says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

RULES = ("share_of_best", "ratio_to_target", "growth", "min_max", "rank_points")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value) -> str:
    """A value in an explanation as it reads: 80, 12.5 (no trailing zeros, no exponent)."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class Rule:
    kind: str
    target: Decimal | None = None  # ratio_to_target, growth
    cap: Decimal | None = None  # the largest ratio that counts (1 when not given)
    lower_is_better: bool = False


@dataclass(frozen=True)
class Item:
    code: str  # the indicator
    name: str
    group: str
    weight: Decimal  # points
    rule: Rule


@dataclass(frozen=True)
class Deduction:
    code: str
    name: str
    per_case: Decimal  # points taken off per case (0.3 per central inspection finding …)
    max_points: Decimal | None = None  # at most this many points off for the item (none: no limit)

    def applied(self, cases: int) -> Decimal:
        """The points for ``cases`` cases, limited to ``max_points``."""
        full = self.per_case * cases
        return points(min(full, self.max_points) if self.max_points is not None else full)


@dataclass(frozen=True)
class Bonus(Deduction):
    """Points added per case (a national demonstration title, a first-of-its-kind reform …), at most ``max_points``."""


@dataclass(frozen=True)
class Veto:
    code: str
    name: str  # a case removes the zone from the top grade (重大安全事故)


@dataclass(frozen=True)
class Grading:
    """Grades best first: by ``thresholds`` (grade, least score) or by ``top`` (grade, how many zones by rank); the
    last grade takes the rest."""

    grades: tuple[str, ...] = ("优秀", "良好", "合格", "不合格")
    thresholds: tuple[tuple[str, Decimal], ...] = ()
    top: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Scheme:
    groups: tuple[tuple[str, Decimal], ...]  # (group, weight in points); they add up to 100
    items: tuple[Item, ...]
    deductions: tuple[Deduction, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    grading: Grading = Grading()
    warn_bottom: int = 0  # the last N of the ranking are warned
    bonuses: tuple[Bonus, ...] = ()


def validate(scheme: Scheme) -> list[str]:
    """Every rule the scheme breaks, each a sentence naming what to fix (empty: the scheme can be used)."""
    errors = []
    total = sum((w for _g, w in scheme.groups), Decimal(0))
    if total != HUNDRED:
        errors.append(_("各指标组权重之和应为100，现为%(t)s") % {"t": total})
    weights = dict(scheme.groups)
    for group, weight in scheme.groups:
        items = sum((i.weight for i in scheme.items if i.group == group), Decimal(0))
        if items != weight:
            errors.append(_("“%(g)s”组内各指标分值之和应为%(w)s，现为%(i)s") % {"g": group, "w": weight, "i": items})
    seen = set()
    for item in scheme.items:
        if item.group not in weights:
            errors.append(_("指标“%(i)s”所属的“%(g)s”组不存在") % {"i": item.name, "g": item.group})
        if item.code in seen:
            errors.append(_("指标“%(i)s”重复使用") % {"i": item.name})
        seen.add(item.code)
        rule = item.rule
        if rule.kind not in RULES:
            errors.append(_("指标“%(i)s”的计分方法“%(r)s”不存在") % {"i": item.name, "r": rule.kind})
        elif rule.kind in ("ratio_to_target", "growth"):
            if rule.target is None:
                errors.append(_("指标“%(i)s”按目标值计分，须填写目标值") % {"i": item.name})
            elif rule.target == 0:
                errors.append(_("指标“%(i)s”的目标值不能为0") % {"i": item.name})
        if rule.cap is not None and rule.cap < 1:
            errors.append(_("指标“%(i)s”的封顶倍数不能小于1") % {"i": item.name})
    for d in scheme.deductions:
        if d.per_case <= 0:
            errors.append(_("扣分项“%(d)s”每次扣分应大于0") % {"d": d.name})
    for b in scheme.bonuses:
        if b.per_case <= 0:
            errors.append(_("加分项“%(d)s”每次加分应大于0") % {"d": b.name})
    for d in (*scheme.deductions, *scheme.bonuses):
        if d.max_points is not None and d.max_points <= 0:
            errors.append(_("“%(d)s”的最高分值应大于0") % {"d": d.name})
    g = scheme.grading
    named = {name for name, _v in (*g.thresholds, *g.top)}
    if named - set(g.grades):
        errors.append(_("等次规则中有未定义的等次：%(n)s") % {"n": "、".join(sorted(named - set(g.grades)))})
    return errors


@dataclass
class ItemScore:
    item: Item
    value: Decimal | None
    points: Decimal
    best_points: Decimal  # what the best zone of the group got
    explanation: str

    @property
    def lost(self) -> Decimal:
        """Points lost against the best zone assessed."""
        return self.best_points - self.points


@dataclass
class ZoneResult:
    zone: str
    items: list[ItemScore] = field(default_factory=list)
    deductions: list[tuple[Deduction, int, Decimal]] = field(default_factory=list)  # item, cases, points
    bonuses: list[tuple[Bonus, int, Decimal]] = field(default_factory=list)
    vetoes: list[Veto] = field(default_factory=list)
    score: Decimal = Decimal(0)
    total: Decimal = Decimal(0)  # with bonuses, after deductions
    rank: int = 0
    tied: bool = False
    grade: str = ""
    warned: bool = False
    grade_note: str = ""

    def group_points(self, group: str) -> Decimal:
        return sum((s.points for s in self.items if s.item.group == group), Decimal(0))


def _ranks(values: dict[str, Decimal], higher_first: bool = True) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of ``values``."""
    first: dict = {}
    for position, v in enumerate(sorted(values.values(), reverse=higher_first), start=1):
        first.setdefault(v, position)
    return {k: first[v] for k, v in values.items()}


def _item_points(item: Item, values: dict[str, Decimal | None]) -> dict[str, tuple[Decimal, str]]:
    """Each zone's points for one item and the arithmetic behind them."""
    rule, w = item.rule, item.weight
    known = {z: v for z, v in values.items() if v is not None}
    zero = points(Decimal(0))
    out: dict[str, tuple[Decimal, str]] = {z: (zero, _("未填报，不得分")) for z in values if z not in known}
    if not known:
        return out
    lower = rule.lower_is_better
    if rule.kind == "share_of_best":
        positive = [v for v in known.values() if v > 0]
        best = (min(positive) if lower else max(positive)) if positive else None
        for z, v in known.items():
            if best is None or v <= 0:
                out[z] = (zero, _("%(v)s，不大于0，不得分") % {"v": plain(v)})
                continue
            share = best / v if lower else v / best
            out[z] = (
                points(share * w),
                _("%(v)s，最优%(b)s：%(f)s × %(w)s = %(p)s分")
                % {
                    "v": plain(v),
                    "b": plain(best),
                    "f": f"{plain(best)}/{plain(v)}" if lower else f"{plain(v)}/{plain(best)}",
                    "w": plain(w),
                    "p": points(share * w),
                },
            )
    elif rule.kind in ("ratio_to_target", "growth"):
        cap = rule.cap or Decimal(1)
        for z, v in known.items():
            if rule.kind == "growth" and v <= 0:
                out[z] = (zero, _("增速%(v)s%%，未增长，不得分") % {"v": plain(v)})
                continue
            ratio = (rule.target / v if v else cap) if lower else v / rule.target
            used = min(max(ratio, Decimal(0)), cap)
            formula = f"{plain(rule.target)}/{plain(v)}" if lower else f"{plain(v)}/{plain(rule.target)}"
            capped = _("（封顶%(c)s倍）") % {"c": plain(cap)} if ratio > cap else ""
            out[z] = (
                points(used * w),
                _("%(v)s，目标%(t)s：%(f)s%(c)s × %(w)s = %(p)s分")
                % {
                    "v": plain(v),
                    "t": plain(rule.target),
                    "f": formula,
                    "c": capped,
                    "w": plain(w),
                    "p": points(used * w),
                },
            )
    elif rule.kind == "min_max":
        lo, hi = min(known.values()), max(known.values())
        for z, v in known.items():
            if hi == lo:
                out[z] = (points(w), _("%(v)s，各开发区相同，得满分%(w)s分") % {"v": plain(v), "w": plain(w)})
                continue
            share = (hi - v) / (hi - lo) if lower else (v - lo) / (hi - lo)
            formula = (
                f"({plain(hi)}−{plain(v)})/({plain(hi)}−{plain(lo)})"
                if lower
                else f"({plain(v)}−{plain(lo)})/({plain(hi)}−{plain(lo)})"
            )
            out[z] = (
                points(share * w),
                _("%(v)s：%(f)s × %(w)s = %(p)s分")
                % {"v": plain(v), "f": formula, "w": plain(w), "p": points(share * w)},
            )
    elif rule.kind == "rank_points":
        ranks = _ranks(known, higher_first=not lower)
        n = len(known)
        for z, v in known.items():
            share = Decimal(1) if n == 1 else Decimal(n - ranks[z]) / Decimal(n - 1)
            out[z] = (
                points(share * w),
                _("%(v)s，第%(r)s名（共%(n)s个）：(%(n)s−%(r)s)/(%(n)s−1) × %(w)s = %(p)s分")
                % {"v": plain(v), "r": ranks[z], "n": n, "w": plain(w), "p": points(share * w)},
            )
    return out


def assess(
    scheme: Scheme,
    values: dict[str, dict[str, Decimal | None]],
    cases: dict[str, dict[str, int]] | None = None,
    vetoed: dict[str, set[str]] | None = None,
) -> list[ZoneResult]:
    """Every zone's result, in rank order (ties by name): ``values`` {zone: {indicator code: value}}, ``cases``
    {zone: {deduction or bonus code: number of cases}}, ``vetoed`` {zone: {veto codes}}."""
    cases, vetoed = cases or {}, vetoed or {}
    zones = sorted(values)
    results = {z: ZoneResult(z) for z in zones}
    for item in scheme.items:
        scored = _item_points(item, {z: values[z].get(item.code) for z in zones})
        best = max((p for p, _e in scored.values()), default=Decimal(0))
        for z, (p, explanation) in scored.items():
            results[z].items.append(ItemScore(item, values[z].get(item.code), p, best, explanation))
    deductions = {d.code: d for d in scheme.deductions}
    bonuses = {b.code: b for b in scheme.bonuses}
    vetoes = {v.code: v for v in scheme.vetoes}
    for z, r in results.items():
        r.score = points(sum((s.points for s in r.items), Decimal(0)))
        for code, n in sorted(cases.get(z, {}).items()):
            if code in deductions and n:
                r.deductions.append((deductions[code], n, deductions[code].applied(n)))
            elif code in bonuses and n:
                r.bonuses.append((bonuses[code], n, bonuses[code].applied(n)))
        added = sum((p for _b, _n, p in r.bonuses), Decimal(0))
        r.total = points(r.score + added - sum((p for _d, _n, p in r.deductions), Decimal(0)))
        r.vetoes = [vetoes[c] for c in sorted(vetoed.get(z, set())) if c in vetoes]
    ranks = _ranks({z: r.total for z, r in results.items()})
    counts: dict[int, int] = {}
    for rank in ranks.values():
        counts[rank] = counts.get(rank, 0) + 1
    for z, r in results.items():
        r.rank, r.tied = ranks[z], counts[ranks[z]] > 1
    ordered = sorted(results.values(), key=lambda r: (r.rank, r.zone))
    _grade(scheme.grading, ordered)
    if scheme.warn_bottom and ordered:
        # The last N by rank; a tie at the boundary warns every zone of the tie.
        cut = ordered[-min(scheme.warn_bottom, len(ordered))].rank
        for r in ordered:
            r.warned = r.rank >= cut
    return ordered


def ranks_within(results: list[ZoneResult], group_of: dict[str, str]) -> dict[str, tuple[int, int, bool]]:
    """Each zone's (rank, zones ranked, tied) among the zones of its group — its city, its sub-group — by total;
    zones without a group are left out."""
    members: dict[str, dict[str, Decimal]] = {}
    for r in results:
        if group_of.get(r.zone):
            members.setdefault(group_of[r.zone], {})[r.zone] = r.total
    out = {}
    for totals in members.values():
        ranks = _ranks(totals)
        shared = Counter(ranks.values())
        for zone, rank in ranks.items():
            out[zone] = (rank, len(totals), shared[rank] > 1)
    return out


def _grade(grading: Grading, ordered: list[ZoneResult]) -> None:
    last = grading.grades[-1]
    for r in ordered:
        r.grade = last
        if grading.thresholds:
            r.grade = next((g for g, least in grading.thresholds if r.total >= least), last)
        elif grading.top:
            places = 0
            for g, n in grading.top:
                places += n
                if r.rank <= places:  # a tie at the boundary keeps every zone of the tie in the better grade
                    r.grade = g
                    break
        if r.vetoes and r.grade == grading.grades[0] and len(grading.grades) > 1:
            r.grade = grading.grades[1]
            r.grade_note = _("因“%(v)s”一票否决，不得评为%(g)s") % {"v": r.vetoes[0].name, "g": grading.grades[0]}


def repeated_warnings(history: dict[int, set[str]], year: int, times: int = 2, window: int = 3) -> set[str]:
    """Zones warned (in the bottom N) ``times`` or more within the ``window`` years ending with ``year``, from the
    warned sets of each year: "twice in the bottom 5 within three years"."""
    seen: dict[str, int] = {}
    for y in range(year - window + 1, year + 1):
        for zone in history.get(y, set()):
            seen[zone] = seen.get(zone, 0) + 1
    return {z for z, n in seen.items() if n >= times}
