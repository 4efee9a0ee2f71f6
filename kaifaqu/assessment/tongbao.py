"""The assessment ranking as a 通报: the same official-document layout (reports/gongwen.py) as the monthly bulletin.

:func:`document` turns a run and the results its reader may see into a :class:`gongwen.Document`; the bulletin's
writer (reports/exporters.docx_of) lays it out, so both documents share the 版头, fonts, margins and 版记.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.reports import gongwen
from kaifaqu.reports.gongwen import Block, Table

from .models import AssessmentRun


def title_of(run: AssessmentRun) -> str:
    scheme = run.scheme
    period = run.period_label if run.quarter else _("%(y)s年度") % {"y": run.data_year}
    category = scheme.get_category_display()
    if scheme.sub_group:
        category = _("%(c)s（%(g)s）") % {"c": category, "g": scheme.sub_group}
    return _("关于%(p)s全省%(c)s开发区考核结果的通报") % {"p": period, "c": category}


def _names(rows: list[dict]) -> str:
    return "、".join(r["zone"] for r in rows)


def _signed(value: str) -> str | None:
    """加减分 as the 通报 prints it: "+1.5", "−0.6", or nothing."""
    amount = Decimal(value or 0)
    if not amount:
        return None
    return f"+{amount}" if amount > 0 else f"−{-amount}"


def document(run: AssessmentRun, results: list[dict], shown: list[dict]) -> gongwen.Document:
    """``results``: every zone's result (for the counts); ``shown``: the rows the reader may see in detail."""
    published = run.results is not None
    day = timezone.localtime(run.published_at).date() if published else timezone.localdate()
    title = title_of(run)
    if not published:
        title += _("（草稿，按当前数据计算）")
    doc = gongwen.Document(
        authority=settings.KFQ_BULLETIN_AUTHORITY,
        issue="",
        doc_number="",
        title=title,
        date=day,
        copy_to=settings.KFQ_BULLETIN_COPY_TO,
        printed_by=settings.KFQ_BULLETIN_AUTHORITY,
    )
    grades: dict[str, list[dict]] = {}
    for r in results:
        grades.setdefault(r["grade"], []).append(r)
    counts = "、".join(_("%(g)s%(n)s个") % {"g": g, "n": len(rows)} for g, rows in grades.items())
    overall = _("按照《%(s)s》，对全省%(n)s个%(c)s开发区%(p)s的工作进行了考核。经综合评定，%(counts)s。") % {
        "s": run.scheme.name,
        "n": len(results),
        "c": run.scheme.get_category_display(),
        "p": run.period_label,
        "counts": counts,
    }
    visible = {r["zone"] for r in shown}
    sections: list[tuple[str, list[Block]]] = [(_("总体情况"), [Block("p", overall)])]

    by_grade = [
        Block("p", _("%(g)s（%(n)s个）：%(z)s。") % {"g": g, "n": len(rows), "z": _names(rows)})
        for g, rows in grades.items()
        if all(r["zone"] in visible for r in rows)
    ]
    if by_grade:
        sections.append((_("考核等次"), by_grade))

    # Columns: 名次, 开发区, 所属地市, 得分, [加分 — only where the scheme gave any], 扣分, 总分, 等次.
    bonus = any(Decimal(r.get("bonus") or 0) for r in results)
    headers = [_("名次"), _("开发区"), _("所属地市"), _("得分"), _("加分"), _("扣分"), _("总分"), _("等次")]
    rows = [
        [
            r["rank"],  # equal totals print the same rank (the note says so)
            r["zone"],
            r.get("city") or None,
            r["score"],
            _signed(r.get("bonus")),
            _signed("-" + r.get("deducted", "0")),
            r["total"],
            r["grade"],
        ]
        for r in shown
    ]
    widths = [2, 7, 2, 2, 2, 2, 2, 3]
    if not bonus:
        headers, widths = headers[:4] + headers[5:], widths[:4] + widths[5:]
        rows = [row[:4] + row[5:] for row in rows]
    table = Table(
        headers,
        rows,
        widths,
        sheet=_("考核排名"),
        numeric=frozenset({0, *range(3, len(headers) - 1)}),
        note=_("共%(n)s个开发区参加排名，总分相同者名次并列。") % {"n": len(results)},
    )
    sections.append((_("考核排名"), [Block("table", table=table)] if shown else [Block("p", _("无。"))]))

    warned = [r for r in shown if r["warned"]]
    sections.append(
        (
            _("末位预警"),
            [
                Block(
                    "p",
                    _("%(z)s排名末位，予以预警，请认真分析原因，限期整改。") % {"z": _names(warned)}
                    if warned
                    else _("本期无。"),
                )
            ],
        )
    )

    lost = [
        _("%(z)s：%(d)s。")
        % {
            "z": r["zone"],
            "d": "；".join(
                [_("%(n)s扣%(p)s分") % {"n": d["name"], "p": d["points"]} for d in r["deductions"]]
                + ([r["grade_note"]] if r["grade_note"] else [])
            ),
        }
        for r in shown
        if r["deductions"] or r["grade_note"]
    ]
    sections.append((_("扣分及否决情况"), [Block("p", line) for line in lost] or [Block("p", _("本期无。"))]))

    for i, (heading, blocks) in enumerate(sections):
        doc.blocks.append(Block("h1", _("%(n)s、%(t)s") % {"n": gongwen.ORDINALS[i], "t": heading}))
        doc.blocks += blocks
    return doc
