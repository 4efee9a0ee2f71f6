"""Reading an uploaded .xlsx without trusting it: bounded memory and time, a clear message otherwise.

python-calamine reads fast but sizes its cell grid from the cells the sheet holds: one cell at
``XFD1048576`` makes it allocate the whole 1,048,576 × 16,384 grid (512 GB); and it inflates zip
parts without looking at their declared size. So before calamine sees anything:

1. the upload must be a zip holding ``xl/workbook.xml`` (an empty file, an old .xls, an .xlsb or
   .ods, a renamed zip are told apart, each with its own message);
2. the XML parts are judged on their declared sizes: at most ``unzipped_bytes`` in total, and a
   part above 1 MB may not inflate more than ``ratio`` times (Apache POI's zip-bomb rule);
3. the first sheet (the one calamine reads) is inflated chunk by chunk and its tags scanned with
   regular expressions: the declared ``<dimension>`` and every cell's position (with or without
   an ``r`` attribute) against the row, column and cell limits, stopping at the first chunk past
   a limit;
4. calamine reads a copy of the package rebuilt from exactly the bytes that were checked (Python's
   zipfile stops at a part's declared size and verifies its CRC), from a temporary file, so nothing
   it inflates is larger than what was measured and the package is not held twice in memory.

Memory is therefore bounded by the shared strings (within ``unzipped_bytes``) plus calamine's grid
of at most ``cells`` cells. Formula cells without a saved result and error cells (``#N/A``) come
back as :data:`UNEVALUATED` and :data:`ERROR_VALUE`, so the importer names the cell instead of
reading it as blank.
"""

from __future__ import annotations

import functools
import re
import tempfile
import zipfile
from dataclasses import dataclass
from posixpath import join, normpath

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

CHUNK = 1 << 20
RATIO_GRACE = 1 << 20  # parts smaller than this are not held to the compression ratio
MAX_MARKS = 200_000  # formula and error cells remembered for the importer

_P = rb"(?:[A-Za-z_][\w.\-]*:)?"  # an optional namespace prefix
_Q = rb"""["']"""
# Fast scan: cells spelled '<c r="B7"' (Excel, LibreOffice, openpyxl, WPS write them so).
_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,9})"')
_ANY_CELL = re.compile(rb"<" + _P + rb"c[\s/>]")
# A formula without a saved result: no <v>, or an empty one where the result is not text (t="str").
_PLAIN_UNEVALUATED = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,9})"(?![^<>]*\st="str")[^<>]*>'
    rb"(?:<f[^<>]*/>|<f(?:\s[^<>]*)?>[^<]*</f>)(?:<v></v>|<v/>)?</c>"
)
_UNEVALUATED_HINTS = (b"<v></v></c>", b"<v/></c>", b"</f></c>", b"/></c>")
_PLAIN_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,9})"[^<>]*\st="e"')
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\s[^<>]*?\bref\s*=\s*" + _Q + rb"([^\"']*)" + _Q)
# Sequential scan: any spelling, references optional.
_TAG = re.compile(rb"<" + _P + rb"(c|row|f|v)(?=[\s/>])([^<>]*)>")
_R = re.compile(rb"(?:^|\s)r\s*=\s*" + _Q + rb"([A-Za-z]*)(\d*)" + _Q)
_TYPE = re.compile(rb"(?:^|\s)t\s*=\s*" + _Q + rb"(\w*)" + _Q)
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,9})$")
# The workbook's first sheet and its relationship.
_SHEET = re.compile(rb"<" + _P + rb"sheet\s[^<>]*>")
_SHEET_RID = re.compile(rb"\s(?:[\w.\-]+:)?id\s*=\s*" + _Q + rb"([^\"']*)" + _Q)
_RELATIONSHIP = re.compile(rb"<" + _P + rb"Relationship\s[^<>]*>")
_ATTR = re.compile(rb"\s([\w.\-:]+)\s*=\s*" + _Q + rb"([^\"']*)" + _Q)


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def __str__(self):  # never blank: a row holding only such cells is still read (and refused)
        return "#"


UNEVALUATED = _Marker("UNEVALUATED")  # a formula whose result the file does not hold
ERROR_VALUE = _Marker("ERROR_VALUE")  # an Excel error value: #N/A, #DIV/0!, #REF! …


class Unreadable(Exception):
    """The upload cannot be read within the limits; ``str(exc)`` is the message for the user."""


class _NotFast(Exception):
    """A cell without a leading reference: the sheet is scanned again, tag by tag."""


@dataclass(frozen=True)
class Limits:
    rows: int  # sheet rows, the header included
    columns: int
    cells: int
    unzipped_bytes: int
    ratio: int = 100
    parts: int = 1000

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            rows=settings.KFQ_IMPORT_MAX_ROWS + 1,
            columns=settings.KFQ_IMPORT_MAX_COLUMNS,
            cells=settings.KFQ_IMPORT_MAX_CELLS,
            unzipped_bytes=settings.KFQ_IMPORT_MAX_UNZIPPED_MB * 1024 * 1024,
            ratio=settings.KFQ_IMPORT_MAX_ZIP_RATIO,
        )


_COLUMNS: dict[bytes, int] = {}


def _col_number(letters: bytes) -> int:
    n = _COLUMNS.get(letters)
    if n is None:
        n = 0
        for ch in letters.upper():
            n = n * 26 + ch - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = n
    return n


def _above(n: int) -> str:
    """A pattern for the decimal numbers greater than ``n`` (leading zeros allowed)."""
    digits = str(n)
    alternatives = [rf"[1-9]\d{{{len(digits)},}}"]
    for i, ch in enumerate(digits):
        if ch != "9":
            alternatives.append(
                f"{digits[:i]}[{int(ch) + 1}-9]" + (rf"\d{{{len(digits) - i - 1}}}" if i < len(digits) - 1 else "")
            )
    return "0*(?:" + "|".join(alternatives) + ")"


def _letters_above(col: int) -> str:
    """A pattern for the column letters after column ``col``."""
    letters = get_column_letter(col) if col else ""
    alternatives = [f"[A-Z]{{{len(letters) + 1},3}}"] if len(letters) < 3 else []
    for i, ch in enumerate(letters):
        if ch != "Z":
            rest = len(letters) - i - 1
            alternatives.append(f"{letters[:i]}[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(alternatives) + ")" if alternatives else "(?!)"


@functools.lru_cache(maxsize=64)
def _beyond(row: int, col: int) -> re.Pattern:
    """Plain cell references past row ``row`` or column ``col``."""
    past = f'(?:{_letters_above(col)}\\d|[A-Z]{{1,3}}{_above(row)}")'
    return re.compile(f'<c r="(?={past})([A-Z]{{1,3}})(\\d{{1,9}})"'.encode())


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f}"


def _extent_error(where: str, rows: int, cols: int, limits: Limits) -> str | None:
    if rows > limits.rows:
        return _("%(where)s 有 %(n)s 行（含表头），超过上限：一次最多导入 %(max)s 行数据，请拆分文件") % {
            "where": where,
            "n": f"{rows:,}",
            "max": f"{limits.rows - 1:,}",
        }
    if cols > limits.columns:
        return _("%(where)s 有 %(n)s 列，超过上限 %(max)s 列，请删除多余的列") % {
            "where": where,
            "n": f"{cols:,}",
            "max": limits.columns,
        }
    if rows * cols > limits.cells:
        return _("%(where)s 共 %(n)s 个单元格，超过上限 %(max)s 个，请拆分文件") % {
            "where": where,
            "n": f"{rows * cols:,}",
            "max": f"{limits.cells:,}",
        }
    return None


class _SheetScan:
    """Where a worksheet's cells are, fed chunk by chunk; raises Unreadable as soon as a limit is passed.

    ``fast`` scans with whole-chunk regular expressions and needs every cell to carry its reference
    first (raising _NotFast otherwise); the sequential scan follows the tags one by one and places
    cells without a reference after the previous one, as the format says.
    """

    def __init__(self, limits: Limits, *, fast: bool):
        self.limits = limits
        self.fast = fast
        self.row = self.col = 0  # the current position (1-based), for cells without a reference
        self.max_row = self.max_col = 0
        self.cells = 0
        self.marks: dict[tuple[int, int], object] = {}
        self.carry = b""
        self.dimension_seen = False
        self.cell_type = b"n"

    def feed(self, data: bytes, final: bool = False) -> None:
        data = self.carry + data
        cut = len(data) if final else max(data.rfind(b"<"), 0)
        self.carry = data[cut:]
        if len(self.carry) > CHUNK:  # a "tag" longer than a chunk: not a worksheet
            raise Unreadable(_("无法读取该文件：工作表的内容格式异常"))
        if not self.dimension_seen:  # it comes before the cells, in the first chunk
            self.dimension_seen = True
            m = _DIMENSION.search(data, 0, cut)
            if m:
                self._check_declared(m.group(1).decode("ascii", "replace"))
        if self.fast:
            self._fast(data, cut)
        else:
            self._sequential(data, cut)
        self._check_extent()

    def _fast(self, data: bytes, end: int) -> None:
        """Whole-chunk patterns, nothing built per cell: a 10,000-row sheet costs tens of milliseconds."""
        plain = data.count(b'<c r="', 0, end)
        # "<c" also counts <col>, <cfRule> … (before and after the cells); the exact pattern then decides.
        if data.count(b"<c", 0, end) != plain and len(_ANY_CELL.findall(data, 0, end)) != plain:
            raise _NotFast  # a cell spelled otherwise: the sheet is followed tag by tag
        if not plain:
            return
        self.cells += plain
        # The last cells of a chunk are (in a sheet written in order) the farthest; the cells beyond them,
        # or beyond what was seen before, are then found by one pattern made for those bounds.
        last_row = data.rfind(b"<row", 0, end)
        tail = max(data.rfind(b"<row", 0, last_row), 0) if last_row > 0 else 0  # the last complete row on
        for letters, digits in _PLAIN_CELL_REF.findall(data, tail, end):
            self._reach(int(digits), _col_number(letters))
        for letters, digits in _beyond(self.max_row, self.max_col).findall(data, 0, end):
            self._reach(int(digits), _col_number(letters))
        if any(data.find(hint, 0, end) >= 0 for hint in _UNEVALUATED_HINTS):
            for m in _PLAIN_UNEVALUATED.finditer(data, 0, end):
                self._mark(int(m.group(2)), _col_number(m.group(1)), UNEVALUATED)
        if data.find(b't="e"', 0, end) >= 0:
            for m in _PLAIN_ERROR_CELL.finditer(data, 0, end):
                self._mark(int(m.group(2)), _col_number(m.group(1)), ERROR_VALUE)

    def _reach(self, row: int, col: int) -> None:
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col

    def _sequential(self, data: bytes, end: int) -> None:
        for m in _TAG.finditer(data, 0, end):
            kind, attrs = m.group(1), m.group(2)
            if kind == b"c":
                r = _R.search(attrs)
                if r and r.group(1):
                    self.col = _col_number(r.group(1))
                    if r.group(2):
                        self.row = int(r.group(2))
                else:
                    self.col += 1
                self.row = max(self.row, 1)
                self.cells += 1
                self._reach(self.row, self.col)
                t = _TYPE.search(attrs)
                self.cell_type = t.group(1) if t else b"n"
                if self.cell_type == b"e":
                    self._mark(self.row, self.col, ERROR_VALUE)
                if self.cells % 4096 == 0:
                    self._check_extent()
            elif kind == b"row":
                r = _R.search(attrs)
                self.row = int(r.group(2)) if r and r.group(2) else self.row + 1
                self.col = 0
            elif kind == b"f":
                if self.cell_type != b"str":
                    self._mark(self.row, self.col, UNEVALUATED)
            elif (
                not attrs.endswith(b"/")
                and m.end() < end
                and data[m.end()] != 60  # "<": a <v> holding a value
                and self.marks.get((self.row, self.col)) is UNEVALUATED
            ):
                del self.marks[(self.row, self.col)]

    def _mark(self, row: int, col: int, what) -> None:
        if len(self.marks) >= MAX_MARKS:
            raise Unreadable(
                _("工作表中的公式或错误值单元格超过 %(n)s 个，请先“选择性粘贴为数值”后再导入") % {"n": f"{MAX_MARKS:,}"}
            )
        if self.marks.get((row, col)) is not ERROR_VALUE:
            self.marks[(row, col)] = what

    def _check_declared(self, ref: str) -> None:
        m = _A1.match(ref.split(":")[-1])
        if not m:
            return  # calamine does not use it either; the cells themselves are checked
        rows, cols = int(m.group(2)), _col_number(m.group(1).encode())
        message = _extent_error(_("工作表声明的范围 %(ref)s") % {"ref": ref[:40]}, rows, cols, self.limits)
        if message:
            raise Unreadable(message)

    def _check_extent(self) -> None:
        lim = self.limits
        if (
            self.max_row <= lim.rows
            and self.max_col <= lim.columns
            and max(self.max_row * self.max_col, self.cells) <= lim.cells
        ):
            return
        ref = f"A1:{get_column_letter(min(self.max_col, 18278))}{self.max_row}" if self.max_col else "A1"
        message = _extent_error(
            _("工作表中单元格的范围 %(ref)s") % {"ref": ref}, self.max_row, self.max_col, self.limits
        ) or _("%(where)s 共 %(n)s 个单元格，超过上限 %(max)s 个，请拆分文件") % {
            "where": _("工作表"),
            "n": f"{self.cells:,}",
            "max": f"{self.limits.cells:,}",
        }
        raise Unreadable(message)


def _attrs(tag: bytes) -> dict[str, str]:
    return {
        name.decode("ascii", "replace").split(":")[-1]: value.decode("utf-8", "replace")
        for name, value in _ATTR.findall(tag)
    }


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:
        return fh.read(info.file_size)


def _first_sheet_path(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str:
    """The part calamine reads as sheet 0: the workbook's first ``<sheet>``, through its relationship."""
    sheet = _SHEET.search(_read_part(zf, names["xl/workbook.xml"]))
    if sheet is None:
        raise Unreadable(_("无法读取该文件：工作簿中没有工作表"))
    rid = _SHEET_RID.search(sheet.group(0))
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rid and rels is not None:
        wanted = rid.group(1).decode("utf-8", "replace")
        for tag in _RELATIONSHIP.findall(_read_part(zf, rels)):
            a = _attrs(tag)
            if a.get("Id") == wanted and "Target" in a:
                target = a["Target"]
                path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
                if path in names:
                    return path
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    raise Unreadable(_("无法读取该文件：找不到第一张工作表"))


def _refuse_non_xlsx(head: bytes) -> None:
    if not head:
        raise Unreadable(_("文件是空的（0 字节），请上传由模板填写的 .xlsx 文件"))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(
            _("无法读取该文件：这是旧版 .xls 文件或设置了密码的工作簿；请在 Excel 中取消密码并“另存为” .xlsx 后再导入")
        )
    if not head.startswith(b"PK"):
        raise Unreadable(_("无法读取该文件：不是 .xlsx 工作簿，请上传由模板填写的 .xlsx 文件"))


def _parts(zf: zipfile.ZipFile, limits: Limits) -> tuple[dict[str, zipfile.ZipInfo], list[zipfile.ZipInfo]]:
    """The package's parts by name and its XML parts, refused on their declared sizes."""
    infos = zf.infolist()
    if len(infos) > limits.parts:
        raise Unreadable(
            _("无法读取该文件：文件包含 %(n)s 个部件，超过上限 %(max)s 个") % {"n": len(infos), "max": limits.parts}
        )
    names: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.filename in names:
            raise Unreadable(_("无法读取该文件：文件中有重复的部件“%(part)s”") % {"part": info.filename[:100]})
        names[info.filename] = info
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names or "mimetype" in names or "content.xml" in names:
            raise Unreadable(_("无法读取该文件：不支持 .xlsb、.ods 等格式，请在 Excel 中“另存为” .xlsx 后再导入"))
        raise Unreadable(
            _("无法读取该文件：这是一个压缩包，但不是 Excel 工作簿（.xlsx），请上传由模板填写的 .xlsx 文件")
        )
    xml = [i for i in infos if i.filename.endswith((".xml", ".rels")) and not i.is_dir()]
    total = 0
    for info in xml:
        if info.flag_bits & 0x1:
            raise Unreadable(_("无法读取该文件：文件内容已加密，请取消密码后另存再导入"))
        total += info.file_size
        if info.file_size > RATIO_GRACE and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Unreadable(
                _(
                    "无法读取该文件：其中“%(part)s”解压后 %(size)s MB，是压缩后的 %(ratio)s 倍（上限 %(max)s 倍），"
                    "疑为恶意构造的文件"
                )
                % {
                    "part": info.filename[:100],
                    "size": _mb(info.file_size),
                    "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                    "max": limits.ratio,
                }
            )
    if total > limits.unzipped_bytes:
        raise Unreadable(
            _("无法读取该文件：解压后共 %(size)s MB，超过上限 %(max)s MB，请拆分文件")
            % {"size": _mb(total), "max": _mb(limits.unzipped_bytes)}
        )
    return names, xml


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    with zf.open(info) as src:
        left = info.file_size
        while left > 0:
            chunk = src.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _scan(chunks, limits: Limits, *, fast: bool) -> _SheetScan:
    scan = _SheetScan(limits, fast=fast)
    for chunk in chunks:
        scan.feed(chunk)
    scan.feed(b"", final=True)
    return scan


def read_first_sheet(fileobj, limits: Limits | None = None) -> list[list]:
    """The first sheet's rows as calamine gives them (from A1, empty cells as ""), within ``limits``."""
    from python_calamine import CalamineWorkbook

    limits = limits or Limits.from_settings()
    fileobj.seek(0)
    _refuse_non_xlsx(fileobj.read(8))
    fileobj.seek(0)
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise Unreadable(_("无法读取该文件：文件已损坏或不是 .xlsx 工作簿，请上传由模板填写的 .xlsx 文件")) from exc
    with zf, tempfile.NamedTemporaryFile(suffix=".xlsx") as copy_file:
        try:
            names, xml = _parts(zf, limits)
            sheet_path = _first_sheet_path(zf, names)
            scan = _SheetScan(limits, fast=True)
            with zipfile.ZipFile(copy_file, "w", zipfile.ZIP_STORED) as copy:
                for info in xml:
                    with copy.open(info.filename, "w") as dst:
                        for chunk in _chunks(zf, info):
                            if info.filename == sheet_path and scan is not None:
                                try:
                                    scan.feed(chunk)
                                except _NotFast:
                                    scan = None
                            dst.write(chunk)
            if scan is not None:
                try:
                    scan.feed(b"", final=True)
                except _NotFast:
                    scan = None
            if scan is None:  # some cell without a leading reference: follow the tags one by one
                scan = _scan(_chunks(zf, names[sheet_path]), limits, fast=False)
        except Unreadable:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise Unreadable(_("无法读取该文件：文件已损坏（%(why)s）") % {"why": str(exc)[:100]}) from exc
        copy_file.flush()
        try:
            wb = CalamineWorkbook.from_path(copy_file.name)
            rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own types for every malformed part
            raise Unreadable(_("无法读取该文件：工作表内容无法解析，请上传由模板填写的 .xlsx 文件")) from exc
    if scan.marks:
        # Calamine's grid ends at the last cell with a value: a formula without one may lie beyond it.
        width = max(max(len(r) for r in rows) if rows else 0, max(c for _r, c in scan.marks))
        rows.extend([] for _ in range(max(r for r, _c in scan.marks) - len(rows)))
        for row in rows:
            row.extend([""] * (width - len(row)))
        for (r, c), what in scan.marks.items():
            if what is ERROR_VALUE or rows[r - 1][c - 1] in ("", None):
                rows[r - 1][c - 1] = what
    return rows


__all__ = ["ERROR_VALUE", "UNEVALUATED", "Limits", "Unreadable", "read_first_sheet"]
