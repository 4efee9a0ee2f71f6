"""Proposals from a checked text (数据核验, issue 13): the projects and investors a text names that the platform does
not have yet, for a zone user to confirm one by one.

Nothing is written here. Each proposal links to the record's own add form, preset with what the text says (name,
zone, total investment, the sentence it came from); saving that form is the confirmation, through the record's one
write path. A proposal whose record exists by then (same name in the zone) is shown as such, not proposed again.

Project names are runs of text ending in 项目 after the last 的/建设/签约… before them (总投资10亿元的年产5万吨磷酸
铁锂正极材料项目 → 年产5万吨磷酸铁锂正极材料项目), leaving out the generic ones (重点项目, 签约项目); investors are
company names (…有限公司, …集团) in a sentence about courting or signing. Zone figures are not proposed: the platform
has no zone indicator records yet (issue 12).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.scoping import can_write
from kaifaqu.lib import figures
from kaifaqu.lib.units import quantize
from kaifaqu.projects.models import Project
from kaifaqu.promotion.models import Lead, name_key
from kaifaqu.zones.models import Zone

from . import checker

PROJECT = re.compile(r"[“\"]?([^，,；;。：:、！？!?（）()\n“”\"]{2,60}?项目)")
# What comes before a project's name in a sentence: the name starts after the last of these.
NAME_STARTS = (
    "的",
    "了",
    "建设",
    "实施",
    "推进",
    "签约",
    "开工",
    "投产",
    "竣工",
    "引进",
    "落地",
    "是",
    "有",
    "为",
    "加快",
)
GENERIC = (
    "重点",
    "签约",
    "开工",
    "投产",
    "竣工",
    "在建",
    "续建",
    "新建",
    "转型",
    "储备",
    "招商",
    "工程",
    "产业",
    "各类",
)
# A name says what is built (年产…, …生产线, …电站) unless an amount right before it marks it as a project; words of
# a manner of speaking (抓项目, 一批项目, …等项目) mark it as none.
FACILITY = (
    "年产",
    "万吨",
    "生产线",
    "制造",
    "产业园",
    "基地",
    "电站",
    "发电",
    "加工",
    "材料",
    "装备",
    "综合利用",
    "技改",
    "扩建",
    "一期",
    "二期",
    "三期",
    "科技城",
    "中心",
    "工厂",
    "光伏",
    "储能",
    "风电",
    "铸造",
    "冶金",
    "物流园",
)
NOT_A_NAME = (
    "抓",
    "上项目",
    "掌握",
    "关注",
    "解决",
    "谋划",
    "推动",
    "衡量",
    "听",
    "申报",
    "服务",
    "落实",
    "考量",
    "启动",
    "成立",
    "开展",
    "实行",
    "吹响",
    "围绕",
    "进行",
    "加强",
    "一批",
    "一个个",
    "批批",
    "等",
    "入区",
    "下沉",
    "个",
    "《",
    "》",
)
PLACE_ENDS = ("开发区", "高新区", "经开区", "园区", "示范区", "综改区")
COMPANY = re.compile(r"([\u4e00-\u9fa5（）()A-Za-z0-9]{2,40}?(?:有限责任公司|股份有限公司|有限公司|集团))")
COMPANY_STARTS = ("与", "同", "和", "及", "对接", "考察", "拜访", "走访", "引进", "签约", "洽谈", "会见", "由", "来到")
COMPANY_STARTS += ("企业", "走进", "调研", "赴", "到")
COURTING = ("洽谈", "对接", "考察", "拜访", "走访", "来访", "签约", "签订", "招商", "引进", "会见")
STAGES = [
    ("投产", gettext_lazy("已投产")),
    ("竣工", gettext_lazy("已竣工")),
    ("开工", gettext_lazy("已开工")),
    ("签约", gettext_lazy("已签约")),
]


@dataclass
class Proposal:
    kind: str  # project / lead
    name: str
    zone: Zone
    sentence: str
    total_investment: object = None  # 万元
    stage: str = ""
    exists: bool = False
    url: str = ""

    @property
    def kind_label(self) -> str:
        return _("项目") if self.kind == "project" else _("招商线索")


def _project_name(raw: str) -> str | None:
    """The project's name in a run of text ending in 项目, or None when it is a manner of speaking."""
    name = raw.strip('“”" ')
    cut = max((name.rfind(w) + len(w) for w in (*NAME_STARTS, *PLACE_ENDS) if w in name[:-2]), default=0)
    name = name[cut:]
    core = name.removesuffix("项目")
    if len(core) < 4 or any(core.endswith(g) or core == g for g in GENERIC):
        return None
    if any(w in name for w in NOT_A_NAME):
        return None
    return name


def _company(raw: str) -> str | None:
    cut = max((raw.rfind(w) + len(w) for w in COMPANY_STARTS if w in raw), default=0)
    name = raw[cut:]
    return name if len(name) >= 6 else None


def _investment_before(sentence: str, at: int):
    """总投资 of a project: the amount said just before its name in the sentence (总投资10亿元的…项目)."""
    amounts = [c for c in figures.find(sentence) if c.kind == "amount" and c.end <= at and "投资" in c.subject]
    if not amounts or at - amounts[-1].end > 4:
        return None
    return quantize(amounts[-1].wan, 2)


def propose(text: str, user, default_zone: Zone | None) -> list[Proposal]:
    """The projects and investors ``text`` names that the user's zone does not have, each with the link that
    creates it (for a user who may)."""
    places = checker.Places(text, user, default_zone or checker.resolve_zone(text, user)[0])
    out: list[Proposal] = []
    seen = set()
    for m in figures.SENTENCE.finditer(text):
        sentence = m.group()
        place = places.of(sentence)
        zone = Zone.objects.filter(pk=place.zone_id).first() if place and place.zone_id else None
        if zone is None:
            continue
        for p in PROJECT.finditer(sentence):
            name = _project_name(p.group(1))
            if not name or ("project", zone.pk, name) in seen:
                continue
            invested = _investment_before(sentence, p.end(1) - len(name))
            if invested is None and not any(w in name for w in FACILITY):
                continue
            seen.add(("project", zone.pk, name))
            stage = next((label for word, label in STAGES if word in sentence), "")
            out.append(Proposal("project", name, zone, sentence.strip(), invested, stage))
        if any(w in sentence for w in COURTING):
            for c in COMPANY.finditer(sentence):
                name = _company(c.group(1))
                if not name or ("lead", zone.pk, name) in seen:
                    continue
                seen.add(("lead", zone.pk, name))
                out.append(Proposal("lead", name, zone, sentence.strip()))
    _mark_existing(out, user)
    return out


def _mark_existing(proposals: list[Proposal], user) -> None:
    names = {p.name for p in proposals if p.kind == "project"}
    have = set(Project.objects.for_user(user).filter(name__in=names).values_list("zone_id", "name"))
    keys = {name_key(p.name) for p in proposals if p.kind == "lead"}
    leads = set(Lead.objects.for_user(user).filter(name_key__in=keys).values_list("zone_id", "name_key"))
    may = {"project": can_write(user, Project), "lead": can_write(user, Lead)}
    for p in proposals:
        if p.kind == "project":
            p.exists = (p.zone.pk, p.name) in have
            params = {"name": p.name, "zone": p.zone.pk, "construction_content": p.sentence[:500]}
            if p.total_investment is not None:
                params["total_investment"] = p.total_investment
            add = "project_add"
        else:
            p.exists = (p.zone.pk, name_key(p.name)) in leads
            params = {"company": p.name, "zone": p.zone.pk}
            add = "lead_add"
        if may[p.kind] and not p.exists:
            p.url = reverse(add) + "?" + urlencode(params)
