"""Figures in Chinese text as zones and newspapers write them, and whether a quoted rate follows from the
counts quoted beside it.

The first step of the published-figure checker (数据核验, issue 13): :func:`find` reads a text into
:class:`Claim` s — counts (25个, 171项, 210余次), amounts (379.85亿元), percentages and growth rates, each with
what it is said of (签约项目, 开工率), whether it is a lower bound (余, 多, 以上) or approximate (约, 近), and the
period its sentence names (1~6月, 上半年, 截至9月底). :func:`internal_checks` tests every rate against the
counts of its own sentence by interval arithmetic on the digits shown: a rate is consistent when some values
that round to the published inputs give it (161/171 → 94.2%), and otherwise the nearest explanation is looked
for (15/25 is 60.0%, not 62.5%; 15/24 is: one fewer in the denominator, as when a terminated project is left
out). Matching claims against the ledgers is the checker's next step and not done here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an
from django.utils.translation import gettext as _

COUNT_UNITS = ("个", "项", "家", "宗", "次", "人", "批", "条")
AMOUNT_UNITS = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}  # in 万元
OTHER_UNITS = ("万平方米", "平方米", "万吨", "吨", "万千瓦", "千瓦", "亩")
UNITS = sorted((*AMOUNT_UNITS, *OTHER_UNITS, *COUNT_UNITS, "%"), key=len, reverse=True)
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
FIGURE = re.compile(
    r"(?P<pre>约|近|超过|逾|超)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_DIGITS}]+)"
    r"(?P<mid>余|多)?"
    rf"(?P<unit>{'|'.join(map(re.escape, UNITS))})"
    r"(?P<post>以上|左右|多)?"
)
CLAUSE_BREAK = "，,；;。：:、！？!?（）()\n"
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# Verbs and particles between what a figure is said of and the figure: 开工率达62.5%, 共签约项目25个.
TRAILING = ("达到", "达", "为", "均", "完成", "实现", "共计", "合计", "累计", "约", "近", "超过", "逾", "超")
LEADING = ("目前", "其中", "共", "累计", "合计", "已有", "现有")
GROWTH = ("同比增长", "同比下降", "增长", "下降", "增速", "同比")


@dataclass
class Claim:
    """One figure of a text: where it is (``start``, ``end``), what it says and of what."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    kind: str  # count / amount / percent / growth / other
    subject: str  # what the figure is said of, from the words before it (开工率, 签约项目)
    after: str = ""  # the words right after it (171项 重点工程项目)
    bound: str = "exact"  # exact / lower (210余次, 2亿元以上) / approximate (约120亩)
    period: str = ""  # the period its sentence names: 1–6月, 1–9月, 2020–2024年
    sentence: int = 0
    parts: list[Claim] = field(default_factory=list)  # for a total followed by 其中: the parts it lists

    def in_wan(self) -> tuple[Decimal, Decimal | None]:
        """:meth:`interval` of an amount in 万元 (of any other figure in its own unit)."""
        factor = AMOUNT_UNITS.get(self.unit, Decimal(1))
        lo, hi = self.interval()
        return lo * factor, None if hi is None else hi * factor

    @property
    def places(self) -> int:
        """Decimal places shown: the precision the figure was published with."""
        exponent = self.value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0

    def interval(self) -> tuple[Decimal, Decimal | None]:
        """The true values the shown figure allows: ±half its last digit (rounded half up), from the figure up for a
        lower bound (None: no upper limit), ±10% for an approximate one."""
        if self.bound == "lower":
            return self.value, None
        if self.bound == "approximate":
            return self.value * Decimal("0.9"), self.value * Decimal("1.1")
        if self.kind == "count" and self.places == 0:
            return self.value, self.value  # a count is exact
        half = Decimal(5).scaleb(-(self.places + 1))
        return self.value - half, self.value + half

    @property
    def wan(self) -> Decimal | None:
        """An amount in 万元."""
        return self.value * AMOUNT_UNITS[self.unit] if self.unit in AMOUNT_UNITS else None


@dataclass
class Check:
    """The verdict on one claim from the text alone."""

    claim: Claim
    status: str  # consistent / internally_inconsistent / not_checkable
    message: str
    inputs: list[Claim] = field(default_factory=list)


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text.replace(",", ""))
    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except (ValueError, KeyError, InvalidOperation):
        return None


def _clause_before(text: str, at: int, limit: int = 16) -> str:
    start = at
    while start > 0 and text[start - 1] not in CLAUSE_BREAK and at - start < limit:
        start -= 1
    return text[start:at]


def _clause_after(text: str, at: int, limit: int = 10) -> str:
    end = at
    while end < len(text) and text[end] not in CLAUSE_BREAK and end - at < limit:
        end += 1
    return text[at:end]


def _subject(words: str) -> str:
    words = re.sub(r"[\d.,%×]+$", "", words).strip()  # digits just before (2×100万) are not a subject
    changed = True
    while changed and words:
        changed = False
        for w in TRAILING:
            if words.endswith(w) and len(words) > len(w):
                words, changed = words[: -len(w)], True
        for w in LEADING:
            if words.startswith(w) and len(words) > len(w):
                words, changed = words[len(w) :], True
    return words.strip()


def period_of(sentence: str) -> str:
    """The period a sentence names, written as 1–6月 / 2020–2024年, or "" when it names none."""
    m = re.search(r"(\d{1,2})\s*[~～\-—–至到]\s*(\d{1,2})\s*月", sentence)
    if m:
        return f"{int(m.group(1))}–{int(m.group(2))}月"
    m = re.search(r"截至(?:今年|本年|\d{4}年)?\s*(\d{1,2})\s*月(?:底|末)?", sentence)
    if m:
        return f"1–{int(m.group(1))}月"
    for words, months in (("上半年", 6), ("前三季度", 9), ("一季度", 3), ("第一季度", 3), ("全年", 12)):
        if words in sentence:
            return f"1–{months}月"
    m = re.search(r"(\d{4})\s*年?\s*[至到—–~\-]\s*(\d{4})\s*年", sentence)
    if m:
        return f"{m.group(1)}–{m.group(2)}年"
    return ""


def find(text: str) -> list[Claim]:
    """Every figure of ``text`` with a unit, in order."""
    claims = []
    for number, m in enumerate(SENTENCE.finditer(text)):
        sentence, offset = m.group(), m.start()
        period = period_of(sentence)
        previous_end = 0
        for f in FIGURE.finditer(sentence):
            value = _number(f.group("num"))
            if value is None:
                continue
            if f.group("num") == "一" or (f.start() > 0 and sentence[f.start() - 1] == "第"):
                continue  # 一个缩影, 一批项目: a manner of speaking; 第一批: an ordinal
            unit = f.group("unit")
            before = sentence[: f.start()]
            words = _clause_before(sentence, f.start())
            if f.start() - len(words) < previous_end:  # 总投资264.2亿元的171项: the subject starts after the figure
                words = sentence[previous_end : f.start()].removeprefix("的")
            previous_end = f.end()
            kind = (
                "count"
                if unit in COUNT_UNITS
                else "amount"
                if unit in AMOUNT_UNITS
                else ("growth" if any(g in words for g in GROWTH) else "percent")
                if unit == "%"
                else "other"
            )
            pre, mid, post = f.group("pre"), f.group("mid"), f.group("post")
            bound = "lower" if mid or post in ("以上", "多") or pre in ("超过", "逾", "超") else "exact"
            if pre in ("约", "近") or post == "左右":
                bound = "approximate"
            if re.search(r"[\d.]$", before):
                continue  # 2×100万千瓦: part of a larger figure
            claims.append(
                Claim(
                    start=offset + f.start(),
                    end=offset + f.end(),
                    text=f.group(),
                    value=value,
                    unit=unit,
                    kind=kind,
                    subject=_subject(words),
                    after=_clause_after(sentence, f.end()),
                    bound=bound,
                    period=period,
                    sentence=number,
                )
            )
    _breakdowns(text, claims)
    return claims


def _breakdowns(text: str, claims: list[Claim]) -> None:
    """A total followed by 其中 and its parts (共签约项目25个，其中工业项目18个、服务业项目7个): the parts are
    the figures of the same kind (and, for counts, unit) after 其中 in the sentence."""
    for number, m in enumerate(SENTENCE.finditer(text)):
        at = m.group().find("其中")
        if at < 0:
            continue
        at += m.start()
        mine = [c for c in claims if c.sentence == number and c.kind in ("count", "amount")]
        before = [c for c in mine if c.end <= at]
        if not before:
            continue
        total = before[-1]
        total.parts = [
            c for c in mine if c.start > at and c.kind == total.kind and (c.kind == "amount" or c.unit == total.unit)
        ]


def quotient_interval(num: Claim, den: Claim) -> tuple[Decimal, Decimal | None]:
    """The percentages ``num`` / ``den`` can be, given the intervals their shown digits allow."""
    n_lo, n_hi = num.interval()
    d_lo, d_hi = den.interval()
    lo = n_lo * 100 / d_hi if d_hi else Decimal(0)
    hi = None if n_hi is None or not d_lo else n_hi * 100 / d_lo
    return lo, hi


def rounds_to(lo: Decimal, hi: Decimal | None, shown: Claim) -> bool:
    """Whether some value in [lo, hi] rounds (half up, to the digits shown) to the published rate."""
    r_lo, r_hi = shown.interval()
    return (hi is None or hi >= r_lo) and (r_hi is None or lo <= r_hi)


def _pct(n: Decimal, d: Decimal, places: int) -> Decimal:
    return (n * 100 / d).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _inputs(rate: Claim, claims: list[Claim]) -> tuple[Claim, Claim] | None:
    """The numerator and denominator a rate is quoted with in its sentence: the count whose subject names what the
    rate measures (开工 for 开工率), and the nearest larger count before it (after it when none is before)."""
    stem = rate.subject.removesuffix("率").removeprefix("已")
    if not stem or not rate.subject.endswith("率"):
        return None
    counts = [c for c in claims if c.sentence == rate.sentence and c.kind == "count" and c.start < rate.start]
    numerators = [c for c in counts if stem in c.subject or stem in c.after]
    if not numerators:
        return None
    num = numerators[-1]
    larger = [c for c in counts if c is not num and c.value >= num.value]
    if not larger:
        return None
    earlier = [c for c in larger if c.start < num.start]
    den = earlier[-1] if earlier else larger[0]
    return num, den


def internal_checks(claims: list[Claim]) -> list[Check]:
    """Each rate against the counts of its own sentence; every other claim is not checkable from the text alone."""
    checks = []
    for claim in claims:
        if claim.parts:
            checks.append(_breakdown_check(claim))
            continue
        pair = _inputs(claim, claims) if claim.kind == "percent" else None
        if pair is None:
            checks.append(Check(claim, "not_checkable", _("文中没有可据以核算的分子和分母")))
            continue
        num, den = pair
        shown = f"{num.value}/{den.value}"
        lo, hi = quotient_interval(num, den)
        if rounds_to(lo, hi, claim):
            checks.append(Check(claim, "consistent", _("与文中数字相符：%(q)s") % {"q": shown}, [num, den]))
            continue
        exact = _pct(num.value, den.value, claim.places) if den.value else None
        message = _("与文中数字不符：%(q)s = %(r)s%%，不是 %(v)s%%") % {"q": shown, "r": exact, "v": claim.value}
        for k in range(1, 6):  # the nearest explanation: a few fewer in the denominator, or more in the numerator
            if den.value - k > 0 and _pct(num.value, den.value - k, claim.places) == claim.value:
                message += _("；若分母少 %(k)s 个（如不计已终止的项目）则相符：%(q)s") % {
                    "k": k,
                    "q": f"{num.value}/{den.value - k}",
                }
                break
            if _pct(num.value + k, den.value, claim.places) == claim.value:
                message += _("；若分子多 %(k)s 个则相符：%(q)s") % {"k": k, "q": f"{num.value + k}/{den.value}"}
                break
        checks.append(Check(claim, "internally_inconsistent", message, [num, den]))
    return checks


def _breakdown_check(total: Claim) -> Check:
    """Parts that cannot add up to their total: even at the least their shown digits allow, they exceed it."""
    lows, highs = zip(*(p.in_wan() for p in total.parts), strict=True)
    least = sum(lows)
    most = None if None in highs else sum(highs)
    t_lo, t_hi = total.in_wan()
    parts = "+".join(p.text for p in total.parts)
    if t_hi is not None and least > t_hi:
        message = _("其中各项（%(parts)s）之和超过合计 %(t)s") % {"parts": parts, "t": total.text}
        return Check(total, "internally_inconsistent", message, total.parts)
    if most is not None and most >= t_lo:
        return Check(total, "consistent", _("其中各项（%(parts)s）与合计相符") % {"parts": parts}, total.parts)
    return Check(total, "not_checkable", _("其中所列各项（%(parts)s）少于合计，可能未列全") % {"parts": parts})
