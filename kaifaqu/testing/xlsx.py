"""Workbooks for the import tests: ordinary ones (openpyxl) and hand-made packages a tool would not write."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def upload(data: bytes, name: str = "upload.xlsx") -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def workbook(rows) -> bytes:
    """An ordinary workbook of ``rows`` (lists of values), as openpyxl writes it."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def text_cell(ref: str, text: str) -> str:
    """An inline-string cell; ``text`` may hold Excel escapes such as ``_x0000_``."""
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet(rows: list[list], *, dimension: str | None = None, extra_cells: str = "") -> str:
    """Sheet XML from rows of raw cell XML or plain values (text as inline strings, numbers as numbers)."""
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{column_letter(c)}{r}"
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("<c"):
                cells.append(value)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                cells.append(text_cell(ref, str(value)))
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    dim = dimension or f"A1:{column_letter(max((len(r) for r in rows), default=1))}{max(len(rows), 1)}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dim}"/><sheetData>{"".join(out)}{extra_cells}</sheetData></worksheet>'
    )


def package(sheet_xml: str | bytes, *, shared_strings: str | bytes | None = None, parts: dict | None = None) -> bytes:
    """A minimal .xlsx around ``sheet_xml`` (deflated, as every tool writes it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def shared_strings(strings) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>'
    )


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def api_prefix(slug: str) -> str:
    """The API route of a resource's import, from the router."""
    from kaifaqu.urls import router

    return next(p for p, viewset, _b in router.registry if viewset.resource.slug() == slug)


def post_import(client, slug: str, data: bytes, *, api: bool, **extra):
    """(status, [(row, column, message)]) of importing ``data`` through the page or the API."""
    from django.urls import reverse

    if api:
        r = client.post(f"/api/{api_prefix(slug)}/import/", {"file": upload(data), **extra})
        return r.status_code, [(e["row"], e["column"], e["message"]) for e in r.json().get("errors", [])]
    r = client.post(reverse(f"{slug}_import"), {"file": upload(data), **extra})
    result = r.context.get("result") if r.context else None
    return r.status_code, [(e.row, e.column, e.message) for e in (result.errors if result else [])]
