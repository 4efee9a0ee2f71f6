"""The bulletin as .docx (official-document layout), .xlsx (its tables) and .pdf (WeasyPrint).

Layout after GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in
小标宋 二号 (22 pt), body in 仿宋_GB2312 三号 (16 pt). Those fonts are often absent; the documents name
them first and fall back to the fonts the set-up installs (Noto Serif CJK SC, from Debian's
fonts-noto-cjk), then to common Windows fonts — see FONT_FALLBACKS.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from kaifaqu.core.excel import save_workbook, xlsx_row

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
FONT_FALLBACKS = {TITLE_FONT: ["Noto Serif CJK SC", "SimSun"], BODY_FONT: ["FangSong", "Noto Serif CJK SC"]}

TABLES = [
    ("completion_rate", "投资完成率排名(%)"),
    ("start_resume_rate", "开复工率排名(%)"),
    ("signed_yi", "签约投资排名(亿元)"),
]


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def to_docx(c: dict) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(c["title"]), TITLE_FONT, 22)
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(32)
    _font(body.add_run(c["summary"]), BODY_FONT, 16)

    def heading(text):
        p = doc.add_paragraph()
        _font(p.add_run(text), "黑体", 16)

    def table(headers, rows):
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), "黑体", 12)
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run("—" if value is None else str(value)), BODY_FONT, 12)

    numbers = ["一", "二", "三", "四", "五", "六"]
    for i, (field, label) in enumerate(TABLES):
        heading(f"{numbers[i]}、{c['unit_label']}{label}")
        table(["名次", c["unit_label"], label], [(r["rank"], r["unit"], r["value"]) for r in c["rankings"][field]])
    for number, (name, title, _sheet, headers, rows) in zip(numbers[3:], _lists(c), strict=True):
        heading(f"{number}、{title}")
        table(headers, rows)
        if _more(c, name):
            _font(doc.add_paragraph().add_run(_more(c, name)), BODY_FONT, 12)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_xlsx(c: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(xlsx_row(ws, [c["title"]]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(xlsx_row(ws, [c["summary"]]))
    ws.append([])
    ws.append(
        xlsx_row(
            ws,
            [
                c["unit_label"],
                "开复工率(%)",
                "投资完成率(%)",
                "较序时进度(百分点)",
                "完成投资(亿元)",
                "年度计划(亿元)",
                "签约投资(亿元)",
                "终止项目",
            ],
        )
    )
    for r in c["units"]:
        ws.append(
            xlsx_row(
                ws,
                [
                    r["unit"],
                    _n(r["start_resume_rate"]),
                    _n(r["completion_rate"]),
                    _n(r["gap"]),
                    _n(r["completed_yi"]),
                    _n(r["planned_yi"]),
                    _n(r["signed_yi"]),
                    r["terminated"],
                ],
            )
        )
    t = c["totals"]
    ws.append(
        xlsx_row(
            ws,
            [
                "合计",
                _n(t["start_resume_rate"]),
                _n(t["completion_rate"]),
                _n(t["gap"]),
                _n(t["completed_yi"]),
                _n(t["planned_yi"]),
                _n(t["signed_yi"]),
                t["terminated"],
            ],
        )
    )
    for field, label in TABLES:
        sheet = wb.create_sheet(label[:31].replace("(", "").replace(")", "").replace("%", ""))
        sheet.append(xlsx_row(sheet, ["名次", c["unit_label"], label]))
        for r in c["rankings"][field]:
            sheet.append(xlsx_row(sheet, [r["rank"], r["unit"], _n(r["value"])]))
    for name, _title, sheet_name, headers, rows in _lists(c, money=_n):
        sheet = wb.create_sheet(sheet_name)
        sheet.append(xlsx_row(sheet, headers))
        for row in rows:
            sheet.append(xlsx_row(sheet, list(row)))
        if _more(c, name):
            sheet.append(xlsx_row(sheet, [_more(c, name)]))
    return save_workbook(wb)


def _more(c: dict, name: str) -> str:
    """The note under a cut list ("及其他 N 项"); bulletins published before lists were cut have none."""
    return c.get("more", {}).get(name, "")


def _lists(c: dict, money=str) -> list[tuple]:
    """The bulletin's lists (name, title, sheet name, headers, rows; amounts through ``money``), each possibly cut:
    ``c["more"]`` says by how much."""
    return [
        (
            "red_projects",
            "红色预警项目",
            "红色预警项目",
            ["项目", "开发区", "阶段", "总投资(亿元)"],
            [(p["name"], p["zone"], p["stage"], money(p["investment_yi"])) for p in c["red_projects"]],
        ),
        (
            "overdue_problems",
            "逾期未销号问题",
            "逾期问题",
            ["项目", "开发区", "类别", "责任单位", "时限"],
            [(p["project"], p["zone"], p["category"], p["owner"], p["deadline"]) for p in c["overdue_problems"]],
        ),
        (
            "overdue_procedures",
            "超期审批事项",
            "超期审批",
            ["项目", "开发区", "事项", "法定期限"],
            [(p["project"], p["zone"], p["type"], p["due_on"]) for p in c["overdue_procedures"]],
        ),
    ]


def _n(value):
    """Numbers as numbers in the sheet (exact decimals from their string form), "—" stays empty."""
    from decimal import Decimal

    return None if value in (None, "") else Decimal(value)


def to_pdf(c: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/bulletin_print.html", {"c": c, "tables": TABLES})
    return HTML(string=html).write_pdf()
