"""数据核验: a text's figures (a zone's report, a news article, a draft bulletin) checked against the text itself and
against the ledgers the user can see.

:mod:`kaifaqu.lib.figures` reads the claims and checks each rate against the counts of its sentence. Here a
rate of the 三率 (开工率, 复工率, 开复工率, 投资完成率) is also matched with the platform's figure for the zone the
text names and the period its sentence names (the year from the sentence, else the current one), and when they
differ the nearest period at which the ledger gives the published figure is named ("holds for 1–5月, not
1–6月"). A figure whose place or period cannot be resolved is "not checkable" with the reason, never guessed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.lib import figures
from kaifaqu.lib.units import quantize
from kaifaqu.projects import rates
from kaifaqu.projects.models import AnnualPlan, Project
from kaifaqu.zones.models import Zone

# The rate a published word names: its attribute of projects.rates.Rates.
RATE_WORDS = [("开复工率", "start_resume_rate"), ("复工率", "resume_rate"), ("开工率", "start_rate")]
RATE_WORDS += [("投资完成率", "completion_rate"), ("完成率", "completion_rate")]
SHORT_FORMS = [("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("经济开发区", "经开区")]
MAX_CHARS = 20000


@dataclass
class Verdict:
    claim: figures.Claim
    status: str  # consistent / inconsistent / internally_inconsistent / not_checkable
    message: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "consistent": gettext_lazy("相符"),
    "inconsistent": gettext_lazy("与台账不符"),
    "internally_inconsistent": gettext_lazy("自相矛盾"),
    "not_checkable": gettext_lazy("无法核验"),
}


def zone_names(zone: Zone) -> list[str]:
    """The ways a text names a zone: 云冈经济技术开发区, 云冈经开区."""
    names = [zone.name]
    for long, short in SHORT_FORMS:
        if zone.name.endswith(long):
            names.append(zone.name.removesuffix(long) + short)
    return names


def zone_in(text: str, user) -> Zone | None:
    """The one zone of the user's scope that the text names (None when it names none or several)."""
    found = {z for z in Zone.objects.for_user(user) for n in zone_names(z) if n in text}
    return found.pop() if len(found) == 1 else None


def _year(sentence: str, today: datetime.date) -> int:
    m = re.search(r"(\d{4})\s*年", sentence)
    return int(m.group(1)) if m else today.year


def _period(claim: figures.Claim, sentence: str, today: datetime.date) -> rates.Period | None:
    m = re.fullmatch(r"(\d+)–(\d+)月", claim.period)
    if not m or int(m.group(1)) != 1 or not 1 <= int(m.group(2)) <= 12:
        return None
    return rates.Period(_year(sentence, today), int(m.group(2)))


def _rate_of(subject: str) -> str | None:
    return next((attr for word, attr in RATE_WORDS if subject.endswith(word)), None)


def check(text: str, user, today: datetime.date | None = None) -> dict:
    """The claims of ``text`` with their verdicts, and the zone the text was matched to."""
    today = today or timezone.localdate()
    claims = figures.find(text)
    zone = zone_in(text, user)
    sentences = [m.group() for m in figures.SENTENCE.finditer(text)]
    internal = {id(c.claim): c for c in figures.internal_checks(claims)}
    cache: dict[tuple, rates.Rates] = {}

    def ledger(period: rates.Period) -> rates.Rates:
        key = (period.year, period.month)
        if key not in cache:
            plans = AnnualPlan.objects.for_user(user).filter(project__zone=zone)
            projects = Project.objects.for_user(user).filter(zone=zone)
            cache[key], _units = rates.compute(plans, projects, period, today=today)
        return cache[key]

    verdicts = []
    for claim in claims:
        own = internal[id(claim)]
        if own.status == "internally_inconsistent":
            verdicts.append(Verdict(claim, own.status, own.message))
            continue
        attr = _rate_of(claim.subject) if claim.kind == "percent" else None
        period = _period(claim, sentences[claim.sentence], today) if attr else None
        why = None  # why the ledger cannot be asked
        if attr is None:
            why = _("平台暂无与此对应的统计口径")
        elif zone is None:
            why = _("文中未指明（或指明了多个）您管辖范围内的开发区")
        elif period is None:
            why = _("文中未写明统计期（如“1~9月”“截至9月底”）")
        elif period.last_month > today.replace(day=1):
            why = _("统计期在未来")
        if why is None:
            verdicts.append(_against_ledger(claim, attr, period, zone, ledger, today))
        elif own.status == "consistent":  # it follows from its own sentence; the ledger could not be asked
            verdicts.append(
                Verdict(claim, "consistent", _("%(own)s；未与台账核对：%(why)s") % {"own": own.message, "why": why})
            )
        else:
            verdicts.append(Verdict(claim, "not_checkable", why))
    return {"claims": claims, "verdicts": verdicts, "zone": zone}


def _against_ledger(claim, attr, period, zone, ledger, today) -> Verdict:
    ours = getattr(ledger(period), attr)
    where = {"z": zone, "p": period.label()}
    if ours is None:
        return Verdict(claim, "not_checkable", _("%(z)s %(p)s 没有可计算该比率的计划项目") % where)
    if as_published(ours, claim) == claim.value:
        return Verdict(claim, "consistent", _("与台账相符：%(z)s %(p)s 为 %(v)s%%") % {**where, "v": ours})
    message = _("与台账不符：%(z)s %(p)s 为 %(v)s%%") % {**where, "v": ours}
    for shift in (-1, 1, -2, 2):  # the nearest period at which the ledger gives the published figure
        month = period.month + shift
        if 1 <= month <= 12 and rates.Period(period.year, month).last_month <= today.replace(day=1):
            other = rates.Period(period.year, month)
            value = getattr(ledger(other), attr)
            if value is not None and as_published(value, claim) == claim.value:
                message += _("；与 %(o)s 的数字相符，而不是 %(p)s") % {"o": other.label(), "p": period.label()}
                break
    return Verdict(claim, "inconsistent", message)


def as_published(ours, claim) -> object:
    """The platform's rate (one decimal) to the digits the claim shows."""
    return quantize(ours, min(claim.places, 1))


def segments(text: str, verdicts: list[Verdict]) -> list[tuple[str, Verdict | None]]:
    """The text cut into plain runs and claims, for showing it (escaped) with each claim highlighted."""
    out, at = [], 0
    for v in sorted(verdicts, key=lambda v: v.claim.start):
        if v.claim.start < at:
            continue
        out.append((text[at : v.claim.start], None))
        out.append((text[v.claim.start : v.claim.end], v))
        at = v.claim.end
    out.append((text[at:], None))
    return [(t, v) for t, v in out if t]
