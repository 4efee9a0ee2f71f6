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
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.scoping import can_write, scope_for
from kaifaqu.lib import figures
from kaifaqu.lib.units import quantize, wan_to_yi
from kaifaqu.projects import rates
from kaifaqu.projects.models import AnnualPlan, Project
from kaifaqu.promotion.models import SourceRegion
from kaifaqu.zones.models import City, Zone

# The rate a published word names: its attribute of projects.rates.Rates.
RATE_WORDS = [("开复工率", "start_resume_rate"), ("复工率", "resume_rate"), ("开工率", "start_rate")]
RATE_WORDS += [("投资完成率", "completion_rate"), ("完成率", "completion_rate")]
SHORT_FORMS = [("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("经济开发区", "经开区")]
MAX_CHARS = 20000


@dataclass
class Verdict:
    claim: figures.Claim
    status: str  # consistent / conditional / inconsistent / internally_inconsistent / not_checkable
    message: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "consistent": gettext_lazy("相符"),
    "inconsistent": gettext_lazy("与台账不符"),
    "internally_inconsistent": gettext_lazy("自相矛盾"),
    "conditional": gettext_lazy("有条件相符"),
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


def resolve_zone(text: str, user) -> tuple[Zone | None, str]:
    """The zone the text is checked against, and a note when it was not named: a text that names no zone is
    checked against the user's own zone when the user has exactly one."""
    zone = zone_in(text, user)
    if zone is not None:
        return zone, ""
    mine = list(Zone.objects.for_user(user)[:2])
    if len(mine) == 1 and not any(n in text for z in Zone.objects.exclude(pk=mine[0].pk) for n in zone_names(z)):
        return mine[0], _("文中未指明开发区，按您所在的%(z)s核对") % {"z": mine[0]}
    return None, ""


# Words of a count or amount said of a group of signed projects (签约项目25个, 已开工项目15个): its Cohort figure.
COHORT_COUNTS = [("开工", "started"), ("投产", "producing"), ("达产", "at_capacity"), ("达效", "at_capacity")]
COHORT_COUNTS += [("签约", "total"), ("落地", "total")]
COHORT_AMOUNTS = {"total": "investment", "started": "started_investment", "producing": "producing_investment"}
COHORT_RATES = [("投产率", "production_rate"), ("开工率", "start_rate")]
# A count of the year's key-project plan (171项重点工程项目, 已开复工161个): its Rates count.
PLAN_COUNTS = [("开复工", "started_or_resumed_count"), ("复工", "cont_resumed"), ("开工", "new_started")]
PLAN_COUNTS += [("重点", "planned_count")]
# Source regions that are also everyday words and so never name a group in a text.
GENERIC_REGIONS = {"其他", "省内"}


@dataclass
class Figure:
    """What the ledger gives for a claim: the value (a count, an amount in 万元 or a rate), what it is of, and
    for a rate the shares behind it."""

    value: object
    what: str
    place: Place | None = None
    period: rates.Period | None = None  # a key-project plan figure's period
    condition: str = ""  # for a rate that holds only as the platform counts it (terminated projects left out)


def _words(claim: figures.Claim) -> str:
    return claim.subject + claim.after


def _match(words: str, table) -> str | None:
    return next((attr for word, attr in table if word in words), None)


def _count_before(claim, mine, table):
    """The count an amount is said of: the nearest count before it in its sentence, else the next one."""
    counts = [c for c in mine if c.kind == "count" and _match(_words(c), table)]
    before = [c for c in counts if c.end <= claim.start]
    after = [c for c in counts if c.start >= claim.end]
    return before[-1] if before else after[0] if after else None


@dataclass(frozen=True)
class Place:
    """What a sentence's figures are of: one zone, the zones of one city, or all the user sees (全省)."""

    label: str
    zone_id: int | None = None
    city_id: int | None = None

    def of(self, projects, path: str = ""):
        """``projects`` (or rows whose project is at ``path``) narrowed to the place."""
        if self.zone_id:
            return projects.filter(**{f"{path}zone_id": self.zone_id})
        if self.city_id:
            return projects.filter(**{f"{path}zone__city_id": self.city_id})
        return projects


def zone_place(zone: Zone) -> Place:
    return Place(str(zone), zone_id=zone.pk)


class Places:
    """The places a text names, resolved per sentence within the user's scope: the one zone a sentence names,
    else the one city it names (大同市), else the whole scope for 全省 (a province user) or 全市 (a city user), else
    the text's own zone (:func:`resolve_zone`)."""

    def __init__(self, text: str, user, default: Zone | None):
        self.user = user
        self.default = zone_place(default) if default else None
        self.zones = [z for z in Zone.objects.for_user(user) if any(n in text for n in zone_names(z))]
        self.cities = [c for c in City.objects.for_user(user) if c.name in text]

    def of(self, sentence: str) -> Place | None:
        zones = {z for z in self.zones for n in zone_names(z) if n in sentence}
        if len(zones) == 1:
            return zone_place(zones.pop())
        if zones:
            return None  # several zones in one sentence: which one a figure is of is not known
        cities = [c for c in self.cities if c.name in sentence]
        if len(cities) == 1:
            return Place(str(cities[0]), city_id=cities[0].pk)
        scope = scope_for(self.user)
        if "全省" in sentence and scope.everything:
            return Place(_("全省"))
        if "全市" in sentence and scope.city_id:
            return Place(str(self.user.city), city_id=scope.city_id)
        return self.default


class Ledgers:
    """The ledger figures a text is checked against, for the user's scope, each computed once."""

    def __init__(self, user, today: datetime.date):
        self.user, self.today = user, today
        self._cache: dict[tuple, object] = {}
        self.regions = [r for r in SourceRegion.objects.all() if r.name not in GENERIC_REGIONS]

    def _once(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def plan(self, place: Place, period: rates.Period) -> rates.Rates:
        def compute():
            plans = place.of(AnnualPlan.objects.for_user(self.user), "project__")
            projects = place.of(Project.objects.for_user(self.user))
            return rates.compute(plans, projects, period, today=self.today)[0]

        return self._once(("plan", place, period.year, period.month), compute)

    def planned_total_investment(self, place: Place, period: rates.Period):
        """总投资 of the year's key projects still in the plan at the period's end."""

        def compute():
            live = AnnualPlan.objects.filter(year=period.year).exclude(project__terminated_on__lte=period.end)
            projects = place.of(Project.objects.for_user(self.user)).filter(pk__in=live.values("project"))
            return rates.totals(projects, period).total_investment

        return self._once(("planned_investment", place, period.year, period.month), compute)

    def cohort(self, place: Place, region, since: datetime.date | None, until: datetime.date) -> rates.Cohort:
        def compute():
            projects = place.of(Project.objects.for_user(self.user)).filter(signed_on__lte=until)
            if since:
                projects = projects.filter(signed_on__gte=since)
            if region:
                projects = projects.filter(lead__source_region=region)
            return rates.cohort(projects, until)

        return self._once(("cohort", place, region and region.pk, since, until), compute)


def check(text: str, user, today: datetime.date | None = None) -> dict:
    """The claims of ``text`` with their verdicts, and the zone the text was matched to.

    A sentence that counts signed projects (共签约项目25个，已开工项目15个，开工率达62.5%) is checked against those
    projects of its place (:class:`Places`; of the source region the sentence names, 京津冀), signed within its
    period or to date; any other sentence against its place's key-project plan for its period (the 三率 and their
    counts)."""
    today = today or timezone.localdate()
    claims = figures.find(text)
    zone, zone_note = resolve_zone(text, user)
    sentences = [m.group() for m in figures.SENTENCE.finditer(text)]
    internal = {id(c.claim): c for c in figures.internal_checks(claims)}
    places = Places(text, user, zone) if claims else None
    ledgers = Ledgers(user, today)
    verdicts = []
    for claim in claims:
        own = internal[id(claim)]
        mine = [c for c in claims if c.sentence == claim.sentence]
        sentence = sentences[claim.sentence]
        figure, why = _ledger_figure(claim, mine, sentence, places.of(sentence), ledgers, today)
        verdicts.append(_verdict(claim, own, figure, why, ledgers))
    return {"claims": claims, "verdicts": verdicts, "zone": zone, "zone_note": zone_note}


def _ledger_figure(claim, mine, sentence, place, ledgers, today) -> tuple[Figure | None, str]:
    """The ledger's figure for a claim, or why the ledger cannot be asked."""
    cohort_route = any(c.kind == "count" and "签约" in c.subject for c in mine)
    if claim.kind not in ("count", "amount", "percent"):
        return None, _("平台暂无与此对应的统计口径")
    if cohort_route:
        return _cohort_figure(claim, mine, sentence, place, ledgers, today)
    return _plan_figure(claim, mine, sentence, place, ledgers, today)


def _plan_attr(claim, mine) -> str | None:
    if claim.kind == "percent":
        return _rate_of(claim.subject)
    if claim.kind == "count":
        return _match(_words(claim), PLAN_COUNTS)
    if "总投资" in claim.subject:
        return "total_investment" if _count_before(claim, mine, PLAN_COUNTS) else None
    return "completed" if "完成" in claim.subject and "投资" in claim.subject else None


def _plan_figure(claim, mine, sentence, place, ledgers, today) -> tuple[Figure | None, str]:
    attr = _plan_attr(claim, mine)
    period = _period(claim, sentence, today) if attr else None
    if attr is None:
        return None, _("平台暂无与此对应的统计口径")
    if place is None:
        return None, _("文中未指明（或指明了多个）您管辖范围内的开发区")
    if period is None:
        return None, _("文中未写明统计期（如“1~9月”“截至9月底”）")
    if period.last_month > today.replace(day=1):
        return None, _("统计期在未来")
    where = _("%(z)s %(p)s 重点项目") % {"z": place.label, "p": period.label()}
    if attr == "total_investment":
        return Figure(ledgers.planned_total_investment(place, period), where + _("总投资"), place, period), ""
    value = getattr(ledgers.plan(place, period), attr)
    if value is None:
        return None, _("%(z)s %(p)s 没有可计算该比率的计划项目") % {"z": place.label, "p": period.label()}
    return Figure(value, where, place=place, period=period), ""


def _cohort_span(claim, sentence, today) -> tuple[datetime.date | None, datetime.date, str] | None:
    """Signed from when to when: the sentence's period (1~6月, 2020—2024年), else all signed to date."""
    m = re.fullmatch(r"(\d+)–(\d+)月", claim.period)
    if m:
        period = _period(claim, sentence, today)
        return (period.start, period.end, period.label()) if period else None
    m = re.fullmatch(r"(\d{4})–(\d{4})年", claim.period)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        return datetime.date(first, 1, 1), datetime.date(last, 12, 31), claim.period
    return None, today, _("截至%(d)s") % {"d": date_format(today, "DATE_FORMAT")}


def _cohort_figure(claim, mine, sentence, place, ledgers, today) -> tuple[Figure | None, str]:
    if claim.kind == "percent":
        attr = _match(claim.subject, COHORT_RATES)
    elif claim.kind == "count":
        attr = _match(_words(claim), COHORT_COUNTS)
    else:
        base = _count_before(claim, mine, COHORT_COUNTS) if "总投资" in claim.subject else None
        attr = COHORT_AMOUNTS.get(_match(_words(base), COHORT_COUNTS)) if base else None
    if attr is None:
        return None, _("平台暂无与此对应的统计口径")
    if place is None:
        return None, _("文中未指明（或指明了多个）您管辖范围内的开发区")
    span = _cohort_span(claim, sentence, today)
    if span is None or span[1] > today:
        return None, _("统计期在未来") if span else _("文中未写明统计期（如“1~9月”“截至9月底”）")
    since, until, label = span
    regions = [r for r in ledgers.regions if r.name in sentence]
    region = regions[0] if len(regions) == 1 else None
    cohort = ledgers.cohort(place, region, since, until)
    where = _("%(z)s%(r)s签约项目（%(p)s）") % {"z": place.label, "r": f"“{region}”" if region else "", "p": label}
    value = getattr(cohort, attr)
    if value is None:
        return None, _("%(w)s没有可计算该比率的项目") % {"w": where}
    figure = Figure(value, where)
    if attr == "start_rate" and cohort.terminated:
        every = rates.percent(cohort.started, cohort.total)
        if as_published(every, claim) != claim.value:
            figure.condition = _(
                "仅在剔除已终止的 %(t)s 个项目后相符：%(s)s/%(l)s = %(v)s%%，按全部签约项目 %(n)s 个计为 %(e)s%%"
            ) % {
                "t": cohort.terminated,
                "s": cohort.started,
                "l": cohort.live,
                "v": value,
                "n": cohort.total,
                "e": every,
            }
    return figure, ""


def _shown(claim, value) -> str:
    if claim.kind == "percent":
        return f"{value}%"
    if claim.kind == "amount":
        return _("%(y)s亿元") % {"y": wan_to_yi(value)} if claim.unit == "亿元" else _("%(w)s万元") % {"w": value}
    return f"{value}{claim.unit}"


def _agrees(claim, value) -> bool:
    if claim.kind == "percent":
        return as_published(value, claim) == claim.value
    lo, hi = claim.in_wan() if claim.kind == "amount" else claim.interval()
    return lo <= value and (hi is None or value <= hi)


def _verdict(claim, own, figure: Figure | None, why: str, ledgers) -> Verdict:
    if figure is None:
        if own.status == "consistent":  # it follows from its own sentence; the ledger could not be asked
            return Verdict(claim, "consistent", _("%(own)s；未与台账核对：%(why)s") % {"own": own.message, "why": why})
        if own.status == "internally_inconsistent":
            return Verdict(claim, own.status, own.message)
        return Verdict(claim, "not_checkable", why)
    said = {"w": figure.what, "v": _shown(claim, figure.value)}
    if _agrees(claim, figure.value):
        if figure.condition:
            message = _("%(w)s：%(c)s") % {"w": figure.what, "c": figure.condition}
            if own.status == "internally_inconsistent":
                message += "；" + own.message
            return Verdict(claim, "conditional", message)
        if own.status == "internally_inconsistent":
            return Verdict(claim, own.status, own.message + _("；台账：%(w)s 为 %(v)s") % said)
        return Verdict(claim, "consistent", _("与台账相符：%(w)s 为 %(v)s") % said)
    message = _("与台账不符：%(w)s 为 %(v)s") % said
    if claim.kind == "percent":
        message += _nearest_period(claim, figure, ledgers)
    if own.status == "internally_inconsistent":
        message += "；" + own.message
    return Verdict(claim, "inconsistent", message)


def _nearest_period(claim, figure, ledgers) -> str:
    """For a plan rate that the ledger gives at a neighbouring month: "holds for 1–5月, not 1–6月"."""
    attr = _rate_of(claim.subject)
    period = figure.period
    if attr is None or period is None:
        return ""
    for shift in (-1, 1, -2, 2):  # the nearest period at which the ledger gives the published figure
        month = period.month + shift
        if 1 <= month <= 12 and rates.Period(period.year, month).last_month <= ledgers.today.replace(day=1):
            other = rates.Period(period.year, month)
            value = getattr(ledgers.plan(figure.place, other), attr)
            if value is not None and as_published(value, claim) == claim.value:
                return _("；与 %(o)s 的数字相符，而不是 %(p)s") % {"o": other.label(), "p": period.label()}
    return ""


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


UPLOAD_LIMIT = 2 * 1024 * 1024


def text_of_upload(upload) -> str:
    """The text of an uploaded .txt (UTF-8 or GB18030, as Chinese Windows saves it) or .docx (its paragraphs and
    table cells, in order); a clear refusal for anything else."""
    from django.core.exceptions import ValidationError

    name = (upload.name or "").lower()
    if upload.size > UPLOAD_LIMIT:
        raise ValidationError(_("文件不能超过 2 MB"))
    data = upload.read()
    if name.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("无法识别文件的文字编码，请另存为 UTF-8 后再上传"))
    if name.endswith(".docx"):
        import io
        import zipfile

        from docx import Document

        try:
            doc = Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise ValidationError(_("文件无法作为 Word 文档读取")) from exc
        lines = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                lines.append("，".join(cell.text for cell in row.cells))
        return "\n".join(lines)
    raise ValidationError(_("只支持 Word 文档和纯文本文件"))


def title_of(text: str) -> str:
    """A checked text's title when none is given: its first line, cut at 30 characters."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:30] + ("…" if len(first) > 30 else "")


def stored(v: Verdict) -> dict:
    """A verdict as a check keeps it (JSON): the claim's place, figure and reading, the status and the message."""
    claim = {k: v for k, v in asdict(v.claim).items() if k != "parts"}
    return {**claim, "value": str(v.claim.value), "status": v.status, "message": v.message}


def restored(d: dict) -> Verdict:
    fields = {k: d[k] for k in figures.Claim.__dataclass_fields__ if k in d and k != "parts"}
    claim = figures.Claim(**{**fields, "value": Decimal(d["value"])})
    return Verdict(claim, d["status"], d["message"])


def save(text: str, user, title: str = "", today: datetime.date | None = None):
    """The one write path of a :class:`~kaifaqu.reports.models.FigureCheck`: the text checked now, kept with its
    verdicts and the unit of its author, in one transaction."""
    from kaifaqu.reports.models import FigureCheck

    if not can_write(user, FigureCheck):
        raise PermissionDenied(_("您没有进行数据核验的权限"))
    today = today or timezone.localdate()
    result = check(text, user, today)
    zone = user.zone if user.zone_id else None
    record = FigureCheck(
        title=title.strip() or title_of(text),
        text=text,
        checked_on=today,
        city=zone.city if zone else user.city if user.city_id else None,
        zone=zone,
        checked_zone=result["zone"],
        zone_note=result["zone_note"],
        verdicts=[stored(v) for v in result["verdicts"]],
        counts=dict(Counter(v.status for v in result["verdicts"])),
        created_by=user,
    )
    record.full_clean()
    with transaction.atomic():
        record.save()
    return record
