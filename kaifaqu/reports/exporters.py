"""The bulletin as .docx (python-docx), .pdf (WeasyPrint) and .xlsx (openpyxl): three layouts of one
:class:`~kaifaqu.reports.gongwen.Document` (see reports/gongwen.py for the GB/T 9704-2012 rules they follow)."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kaifaqu.core.excel import save_workbook, xlsx_row

from . import gongwen
from .gongwen import BODY_FONT, HEADING_FONT, NUMBER_FONT, RED, SUBHEADING_FONT, TITLE_FONT, Document, Table

LINE_PITCH = Pt(28.9)  # 22 lines in the 225 mm text block
SIZE = {"title": 22, "body": 16, "table": 12, "page": 14, "record": 14}  # 二号, 三号, 小四, 四号


# ---------------------------------------------------------------- .docx


def _font(run, name: str, size: float, *, bold: bool = False, colour: str | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hAnsi"), name)


def _border(paragraph, *, edge: str, size: int, colour: str = "000000") -> None:
    """A rule above or below a paragraph (``size`` in eighths of a point)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    for key, value in {"val": "single", "sz": str(size), "space": "1", "color": colour}.items():
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def _page_number(footer, alignment) -> None:
    """— 1 — in 四号 at the foot (a PAGE field, so Word and LibreOffice number the pages)."""
    p = footer.paragraphs[0]
    p.alignment = alignment
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)  # one character in from the edge
    _font(p.add_run("— "), NUMBER_FONT, SIZE["page"])
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        _font(run, NUMBER_FONT, SIZE["page"])
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            run.text = text
    _font(p.add_run(" —"), NUMBER_FONT, SIZE["page"])


def _chinese_defaults(doc) -> None:
    """Body text in 三号 仿宋 with the East Asian language zh-CN (so fallbacks draw Chinese, not Japanese, glyphs)."""
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(SIZE["body"])
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)


def _docx_table(doc, table: Table) -> None:
    t = doc.add_table(rows=1, cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    widths = [Mm(w) for w in table.mm()]
    for column, width in zip(t.columns, widths, strict=True):  # the grid LibreOffice lays out by
        column.width = width
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again at the top of every page
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    rows = [(table.headers, True), *((row, False) for row in table.rows)]
    for index, (values, is_header) in enumerate(rows):
        cells = header.cells if index == 0 else t.add_row().cells
        bold = is_header or (table.total and index == len(rows) - 1)
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = widths[column]
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if is_header:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif column in table.numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(str(gongwen._cell(value))), HEADING_FONT if bold else BODY_FONT, SIZE["table"])
    if table.note:
        p = doc.add_paragraph()
        _font(p.add_run(table.note), BODY_FONT, SIZE["table"])


def to_docx(c: dict) -> bytes:
    return docx_of(gongwen.document(c))


def docx_of(d: gongwen.Document) -> bytes:
    """A 公文 as .docx: the bulletin's and every other official document the platform issues (the assessment 通报)."""
    doc = WordDocument()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    _chinese_defaults(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    def paragraph(text="", *, font=BODY_FONT, size=SIZE["body"], align=None, indent=False, colour=None):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if text:
            _font(p.add_run(text), font, size, colour=colour)
        return p

    # 版头: the issuing authority in red, 期号 and 发文字号, the red rule.
    head = paragraph(d.authority, font=TITLE_FONT, size=d.authority_pt, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED)
    head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    head.paragraph_format.space_after = Pt(12)
    numbers = "　　".join(x for x in (d.issue, d.doc_number) if x)
    rule = paragraph(numbers, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule.paragraph_format.space_after = Pt(24)
    _border(rule, edge="bottom", size=16, colour=RED)
    # Title and body.
    title = paragraph(d.title, font=TITLE_FONT, size=SIZE["title"], align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_after = LINE_PITCH
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for block in d.blocks:
        if block.kind in ("h1", "h2"):  # a heading stays on the page of what it heads
            font = HEADING_FONT if block.kind == "h1" else SUBHEADING_FONT
            paragraph(block.text, font=font, indent=True).paragraph_format.keep_with_next = True
        elif block.kind == "p":
            paragraph(block.text, indent=True)
        else:
            _docx_table(doc, block.table)
    # 落款: the authority and the date, right-aligned four characters in from the margin.
    paragraph()
    for text in (d.authority, d.date_text):
        p = paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(SIZE["body"] * 4)
        p.paragraph_format.keep_with_next = text == d.authority  # the authority and the date on one page
    # 版记: 抄送 and 印发 between rules (thick at the ends, thin between).
    paragraph()
    record = []
    if d.copy_text:
        record.append(paragraph(d.copy_text, size=SIZE["record"]))
    record.append(paragraph(f"{d.printed_by}\t{d.printed_text}", size=SIZE["record"]))
    record[-1].paragraph_format.tab_stops.add_tab_stop(Mm(gongwen.TEXT_WIDTH_MM), alignment=2)  # right tab
    for p in record:
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(SIZE["record"])
        p.paragraph_format.keep_with_next = True
    _border(record[0], edge="top", size=8)
    if len(record) > 1:
        _border(record[0], edge="bottom", size=4)
    _border(record[-1], edge="bottom", size=8)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- .pdf


def to_pdf(c: dict) -> bytes:
    from weasyprint import HTML

    d = gongwen.document(c)
    fonts = {key: _css_family(name) for key, name in FONTS.items()}
    html = render_to_string("reports/bulletin_print.html", {"d": d, "fonts": fonts, "red": f"#{RED}"})
    return HTML(string=html).write_pdf()


FONTS = {"title": TITLE_FONT, "body": BODY_FONT, "heading": HEADING_FONT, "sub": SUBHEADING_FONT}


def _css_family(name: str) -> str:
    families = [name, *gongwen.FONT_FALLBACKS[name]]
    return ", ".join(f if f in ("serif", "sans-serif") else f'"{f}"' for f in families)


# ---------------------------------------------------------------- .xlsx


def _number(value):
    """Numbers as numbers in the sheet (exact decimals from their string form); "—" stays empty."""
    if value in (None, "", "—"):
        return None
    if isinstance(value, int):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def to_xlsx(c: dict) -> bytes:
    """The bulletin as a workbook: a first sheet with the document's text, then one sheet per table, with widths
    from the document's columns and the header row frozen."""
    d: Document = gongwen.document(c)
    wb = Workbook()
    ws = wb.active
    ws.title = _("通报")
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [(d.authority, Font(bold=True, size=16, color=RED)), (f"{d.issue}　{d.doc_number}".strip(), None)]
    lines += [(d.title, Font(bold=True, size=14))]
    for block in d.blocks:
        if block.kind in ("h1", "h2"):
            lines.append((block.text, Font(bold=True)))
        elif block.kind == "p":
            lines.append((block.text, None))
        else:
            lines.append((_("（见工作表“%(s)s”）") % {"s": block.table.sheet}, Font(italic=True, color="666666")))
    lines += [(d.authority, None), (d.date_text, None)]
    if d.copy_text:
        lines.append((d.copy_text, None))
    lines.append((f"{d.printed_by}　{d.printed_text}", None))
    ws.column_dimensions["A"].width = 100
    for text, font in lines:
        ws.append(xlsx_row(ws, [text]))
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = wrap
        if font:
            cell.font = font
    thin = Side(style="thin", color="999999")
    for table in d.tables():
        sheet = wb.create_sheet(table.sheet)
        sheet.append(xlsx_row(sheet, list(table.headers)))
        for row in table.rows:
            sheet.append(xlsx_row(sheet, [_number(v) if i in table.numeric else v for i, v in enumerate(row)]))
            for cell in sheet[sheet.max_row]:  # 70.0 shows as 70.0, as in the document
                if isinstance(cell.value, Decimal) and cell.value.as_tuple().exponent < 0:
                    cell.number_format = "0." + "0" * -cell.value.as_tuple().exponent
        if table.note:
            sheet.append(xlsx_row(sheet, [table.note]))
        for i, width in enumerate(table.mm(), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(8, round(width * 0.75))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = Border(bottom=thin)
        if table.total:
            for cell in sheet[len(table.rows) + 1]:
                cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    return save_workbook(wb)
