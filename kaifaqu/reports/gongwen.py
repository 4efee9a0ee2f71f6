"""The monthly bulletin as an official document (公文), laid out once for the .docx, the .pdf and the .xlsx.

:func:`document` turns a bulletin's content (reports/bulletin.py) into a :class:`Document`: the 版头 (issuing
authority, 期号, 发文字号), the title, numbered sections of text and tables, the 落款 and the 版记. The writers in
reports/exporters.py only lay this out, so the three files always say the same thing.

Layout after GB/T 9704-2012 (党政机关公文格式): A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
(a text block of 156 × 225 mm); 版头 in red 小标宋 with a red rule below; title in 二号 (22 pt) 小标宋; body in 三号
(16 pt) 仿宋_GB2312; first-level headings in 黑体, second-level in 楷体_GB2312; page numbers in 四号 (14 pt)
"— 1 —", right on odd pages and left on even ones; the 版记 (抄送, 印发机关 and 印发日期) between rules at the end.

The standard fonts are named first, so Word on an official's PC uses them. Where they are missing (a Linux server,
LibreOffice) the set-up installs free fonts and a fontconfig file (deploy/fontconfig/65-kaifaqu-gongwen.conf)
that stands them in: Noto Serif CJK SC for 仿宋 and 小标宋, Noto Sans CJK SC for 黑体, AR PL UKai CN for 楷体; the
East Asian language of the document is zh-CN so the Chinese, not the Japanese, forms of the glyphs are drawn.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kaifaqu.core.fields import date_label

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
# What stands in for each font where it is missing: named in the PDF's CSS and in the fontconfig file.
FONT_FALLBACKS = {
    TITLE_FONT: ["FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "SimSun", "serif"],
    BODY_FONT: ["FangSong", "仿宋", "Noto Serif CJK SC", "serif"],
    HEADING_FONT: ["SimHei", "Noto Sans CJK SC", "sans-serif"],
    SUBHEADING_FONT: ["KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC", "serif"],
    NUMBER_FONT: ["SimSun", "Noto Serif CJK SC", "serif"],
}
RED = "FF0000"
TEXT_WIDTH_MM = 156  # 210 − 28 − 26
ORDINALS = "一二三四五六七八九十"


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # cells: str, int or None ("—")
    widths: list[int]  # relative column widths
    sheet: str  # the .xlsx sheet name (≤ 31 characters, none of []:*?/\)
    total: bool = False  # the last row is a total (bold)
    note: str = ""  # under the table, e.g. "及其他 12 项"
    numeric: frozenset = frozenset()  # columns holding numbers (right-aligned, numbers in the sheet)

    def mm(self) -> list[float]:
        whole = sum(self.widths)
        return [TEXT_WIDTH_MM * w / whole for w in self.widths]

    def percents(self) -> list[str]:
        whole = sum(self.widths)
        return [f"{100 * w / whole:.2f}%" for w in self.widths]


@dataclass
class Block:
    kind: str  # "h1" (一、…), "h2" ((一)…), "p" (a paragraph), "table"
    text: str = ""
    table: Table | None = None


@dataclass
class Document:
    authority: str
    issue: str  # 第12期
    doc_number: str  # 发文字号, may be empty
    title: str
    blocks: list[Block] = field(default_factory=list)
    date: datetime.date | None = None
    copy_to: str = ""
    printed_by: str = ""

    @property
    def authority_pt(self) -> int:
        """The 版头's size: as large as 小初 (36 pt) allows while the authority stays on one line of the text block."""
        width_pt = TEXT_WIDTH_MM / 25.4 * 72
        return max(16, min(36, int(width_pt / (max(len(self.authority), 1) * 1.1))))

    @property
    def date_text(self) -> str:
        return date_label(self.date)

    @property
    def copy_text(self) -> str:
        return _("抄送：%(c)s。") % {"c": self.copy_to.rstrip("。")} if self.copy_to else ""

    @property
    def printed_text(self) -> str:
        return _("%(d)s印发") % {"d": self.date_text}

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table]


def _cell(value):
    return "—" if value is None or value == "" else value


def document(c: dict) -> Document:
    """The bulletin's content as a 公文. Bulletins published before the document particulars were stored get the
    defaults of their time (no 期号 shown, the province's office)."""
    from django.conf import settings

    d = c.get("document") or {}
    unit = c["unit_label"]
    doc = Document(
        authority=d.get("authority") or settings.KFQ_BULLETIN_AUTHORITY,
        issue=d.get("issue", ""),
        doc_number=d.get("doc_number", ""),
        title=c["title"],
        date=datetime.date.fromisoformat(d["date"]) if d.get("date") else None,
        copy_to=d.get("copy_to", ""),
        printed_by=d.get("printed_by") or d.get("authority") or settings.KFQ_BULLETIN_AUTHORITY,
    )
    sections: list[tuple[str, list[Block]]] = []

    sections.append((_("总体情况"), [Block("p", c["summary"])]))

    t = c["totals"]
    units = [
        [
            r["unit"],
            r["start_resume_rate"],
            r["completion_rate"],
            r["gap"],
            r["completed_yi"],
            r["planned_yi"],
            r["signed_yi"],
            r["terminated"],
        ]
        for r in c["units"]
    ]
    units.append(
        [
            _("合计"),
            t["start_resume_rate"],
            t["completion_rate"],
            t["gap"],
            t["completed_yi"],
            t["planned_yi"],
            t["signed_yi"],
            t["terminated"],
        ]
    )
    sections.append(
        (
            _("各%(u)s情况") % {"u": unit},
            [
                Block(
                    "table",
                    table=Table(
                        [
                            unit,
                            _("开复工率（%）"),
                            _("投资完成率（%）"),
                            _("较序时进度（百分点）"),
                            _("完成投资（亿元）"),
                            _("年度计划（亿元）"),
                            _("签约投资（亿元）"),
                            _("终止项目（个）"),
                        ],
                        units,
                        [4, 3, 3, 3, 3, 3, 3, 3],
                        sheet=_("汇总"),
                        total=True,
                        numeric=frozenset(range(1, 8)),
                    ),
                )
            ],
        )
    )

    rankings = []
    for i, (key, label, sheet) in enumerate(RANKINGS):
        rankings.append(Block("h2", _("（%(n)s）%(u)s%(l)s") % {"n": ORDINALS[i], "u": unit, "l": label}))
        rankings.append(
            Block(
                "table",
                table=Table(
                    [_("名次"), unit, str(label)],
                    [[r["rank"], r["unit"], r["value"]] for r in c["rankings"][key]],
                    [1, 4, 2],
                    sheet=str(sheet),
                    numeric=frozenset({0, 2}),
                ),
            )
        )
    sections.append((_("排名情况"), rankings))

    for name, title, sheet, headers, widths, rows in _lists(c):
        count = c.get("counts", {}).get(name, len(rows))
        title = title % {"n": count}
        blocks = [
            Block(
                "table",
                table=Table(headers, rows, widths, sheet=sheet, note=c.get("more", {}).get(name, "")),
            )
        ]
        if not rows:
            blocks = [Block("p", _("本月无。"))]
        sections.append((title, blocks))

    outlook = c.get("forecast")
    if outlook:  # bulletins published before forecasts have none
        blocks = [Block("p", outlook["text"])]
        risks = outlook["risks"]
        if risks:
            blocks.append(
                Block(
                    "table",
                    table=Table(
                        [_("开发区"), _("项目"), _("节点"), _("计划日期"), _("依据")],
                        [
                            [r["zone"], r["name"], r["milestone"], r["planned_on"], r["reason"]]
                            for r in outlook["risks"]
                        ],
                        [3, 4, 1, 2, 6],
                        sheet=_("预测预警"),
                    ),
                )
            )
        blocks.append(Block("p", _("测算方法：%(m)s") % {"m": outlook["method"]}))
        sections.append((_("预测预警"), blocks))

    for title, key in ((_("存在问题"), "problems"), (_("下步工作"), "next_steps")):
        text = d.get(key, "")
        if text:
            sections.append((title, [Block("p", line.strip()) for line in text.splitlines() if line.strip()]))

    for i, (heading, blocks) in enumerate(sections):
        doc.blocks.append(Block("h1", _("%(n)s、%(t)s") % {"n": ORDINALS[i], "t": heading}))
        doc.blocks += blocks
    return doc


RANKINGS = [
    ("completion_rate", _lazy("投资完成率排名（%）"), _lazy("投资完成率排名")),
    ("start_resume_rate", _lazy("开复工率排名（%）"), _lazy("开复工率排名")),
    ("signed_yi", _lazy("签约投资排名（亿元）"), _lazy("签约投资排名")),
]


def _lists(c: dict) -> list[tuple]:
    """The bulletin's lists: name, title, sheet name, headers, column widths and rows (each list possibly cut;
    ``c["more"]`` says by how much)."""
    return [
        (
            "red_projects",
            _("红色预警项目（%(n)s个）"),
            _("红色预警项目"),
            [_("项目"), _("开发区"), _("阶段"), _("总投资（亿元）"), _("预警原因")],
            [5, 4, 2, 2, 6],
            [[p["name"], p["zone"], p["stage"], p["investment_yi"], p.get("reason") or "—"] for p in c["red_projects"]],
        ),
        (
            "overdue_problems",
            _("逾期未销号问题（%(n)s个）"),
            _("逾期问题"),
            [_("项目"), _("开发区"), _("类别"), _("问题"), _("责任单位"), _("整改时限")],
            [4, 4, 2, 5, 3, 3],
            [
                [
                    p["project"],
                    p["zone"],
                    p["category"],
                    p.get("description") or "—",
                    p["owner"],
                    date_label(p["deadline"]),
                ]
                for p in c["overdue_problems"]
            ],
        ),
        (
            "overdue_procedures",
            _("超期审批事项（%(n)s项）"),
            _("超期审批"),
            [_("项目"), _("开发区"), _("事项"), _("法定期限")],
            [5, 4, 5, 3],
            [[p["project"], p["zone"], p["type"], date_label(p["due_on"])] for p in c["overdue_procedures"]],
        ),
    ]
