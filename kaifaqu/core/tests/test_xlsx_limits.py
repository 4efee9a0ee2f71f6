"""Issue 9: an upload is read within bounds — a far cell, a zip bomb, a file that is not a workbook
get a clear message before anything large is allocated; formulas without a result are named."""

import io
import re

import pytest

from kaifaqu.testing import xlsx as X
from kaifaqu.testing.xlsx import post_import
from kaifaqu.zones.models import Park

PARK_HEADER = ["所属开发区", "名称", "面积（亩）", "主导产业", "备注"]
BY = pytest.mark.parametrize("api", [False, True], ids=["page", "api"])


def far_cell(ref: str, dimension: str) -> bytes:
    """A 5 KB workbook: a header, one data row, and a single cell far away."""
    rows = [PARK_HEADER, ["云冈经济技术开发区", "远园"]]
    row = re.search(r"\d+", ref).group(0)
    return X.package(X.sheet(rows, dimension=dimension, extra_cells=f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'))


def test_far_cell_workbooks_are_small(zone_a):
    assert len(far_cell("XFD1048576", "A1:XFD1048576")) < 5000


@BY
@pytest.mark.parametrize(
    ("ref", "dimension", "said"),
    [
        # The whole grid (512 GB for calamine) and a tall one (1.3 GB), declared and not declared.
        ("XFD1048576", "A1:XFD1048576", "1,048,576 行"),
        ("XFD1048576", "A1:E2", "1,048,576 行"),
        ("Z1048576", "A1:Z1048576", "1,048,576 行"),
        ("Z1048576", "A1:E2", "1,048,576 行"),
        ("XFD2", "A1:E2", "16,384 列，超过上限 200 列"),
    ],
)
def test_a_far_cell_is_refused_before_the_sheet_is_read(client_for, alice, zone_a, ref, dimension, said, api):
    status, errors = post_import(client_for(alice), "park", far_cell(ref, dimension), api=api)
    assert status == 400
    [(row, column, message)] = errors
    assert (row, column) == (0, "") and said in message
    assert ("声明的范围" in message) == (dimension != "A1:E2")
    assert not Park.objects.exists()


def test_the_row_limit_is_the_import_limit(settings, alice, zone_a, client_for):
    settings.KFQ_IMPORT_MAX_ROWS = 3
    rows = [PARK_HEADER] + [[zone_a.name, f"园{i}"] for i in range(4)]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 400 and "5 行（含表头）" in errors[0][2] and "最多导入 3 行" in errors[0][2]
    rows = rows[:4]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet(rows)), api=False)
    assert status == 200, errors


def read_first_sheet(data: bytes):
    from kaifaqu.core.xlsxread import read_first_sheet

    return read_first_sheet(io.BytesIO(data))


def refused(data: bytes, client, said: str) -> None:
    """The park import refuses ``data`` as a whole, with a message saying ``said``."""
    status, errors = post_import(client, "park", data, api=False)
    assert status == 400
    [(row, column, message)] = errors
    assert (row, column) == (0, "") and said in message, message


def test_the_cell_limit_counts_the_grid(settings, client_for, alice, zone_a):
    settings.KFQ_IMPORT_MAX_CELLS = 100
    rows = [PARK_HEADER + [None] * 5] + [[zone_a.name, f"园{r}"] + [None] * 7 + ["x"] for r in range(10)]
    refused(X.package(X.sheet(rows, dimension="A1")), client_for(alice), "110 个单元格，超过上限 100 个")
    assert len(read_first_sheet(X.package(X.sheet(rows[:10], dimension="A1")))) == 10


def test_cells_without_references_are_placed_and_counted(settings):
    """References are optional: a cell without one follows the previous one (calamine does the same)."""
    settings.KFQ_IMPORT_MAX_COLUMNS = 5
    row = lambda n: "<row>" + "<c><v>1</v></c>" * n + "</row>"  # noqa: E731
    body = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    ok = X.package(body + row(5) + row(3) + "</sheetData></worksheet>")
    assert read_first_sheet(ok) == [[1.0] * 5, [1.0] * 3 + ["", ""]]
    wide = X.package(body + row(2) + row(6) + "</sheetData></worksheet>")
    with pytest.raises(Exception, match="6 列，超过上限 5 列"):
        read_first_sheet(wide)


def test_a_zip_bomb_is_refused_on_its_declared_sizes(client_for, alice):
    padding = " " * (30 * 1024 * 1024)  # 30 MB of XML whitespace deflates to ~30 KB
    bomb = X.package(X.sheet([PARK_HEADER]).replace("<sheetData>", padding + "<sheetData>"))
    assert len(bomb) < 100_000
    refused(bomb, client_for(alice), "“xl/worksheets/sheet1.xml”解压后 30.0 MB")


def test_a_small_shared_strings_bomb_is_refused(client_for, alice):
    strings = X.shared_strings(["重复的字符串" * 10] * 200_000)  # ~40 MB of shared strings
    bomb = X.package(X.sheet([['<c r="A1" t="s"><v>0</v></c>']]), shared_strings=strings)
    assert len(bomb) < 300_000
    refused(bomb, client_for(alice), "“xl/sharedStrings.xml”解压后")


def test_the_total_inflated_size_is_bounded(settings, client_for, alice):
    settings.KFQ_IMPORT_MAX_UNZIPPED_MB = 1
    strings = X.shared_strings(f"第{i}个不同的字符串" for i in range(60_000))  # ~2 MB, compresses ~5×
    data = X.package(X.sheet([['<c r="A1" t="s"><v>0</v></c>']]), shared_strings=strings)
    refused(data, client_for(alice), "超过上限 1.0 MB")


def test_a_part_lying_about_its_size_is_cut_at_the_size_it_declares():
    """Python's zipfile stops at the declared size: calamine reads the rebuilt copy, never the rest."""
    import struct
    import zlib

    xml = X.sheet([["名称"], ["甲"]]).encode()
    big = xml.replace(b"<sheetData>", b" " * 5_000_000 + b"<sheetData>")
    raw = bytearray(X.package(big))
    # Declare the first len(xml) bytes only, with their CRC, in the local and central headers.
    name = b"xl/worksheets/sheet1.xml"
    for sig, crc_at, size_at in ((b"PK\x03\x04", 14, 22), (b"PK\x01\x02", 16, 24)):
        at = raw.find(sig + b"")
        while raw[at + (30 if sig == b"PK\x03\x04" else 46) :][: len(name)] != name:
            at = raw.find(sig, at + 4)
        struct.pack_into("<I", raw, at + crc_at, zlib.crc32(big[: len(xml)]))
        struct.pack_into("<I", raw, at + size_at, len(xml))
    try:
        rows = read_first_sheet(bytes(raw))
    except Exception:
        rows = []
    assert rows == []  # the cells after the declared size were never read


@BY
@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "文件是空的"),
        (b"name,area\n\xe5\x9b\xad,1\n", "不是 .xlsx 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 .xls"),
        (X.zip_of({"readme.txt": b"hello"}), "这是一个压缩包，但不是 Excel 工作簿"),
        (X.zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), ".ods"),
        (b"PK\x03\x04" + b"\0" * 100, "文件已损坏"),
        (X.package("<worksheet><sheetData><row r='1'><c r='A1'"), "无法读取该文件"),
    ],
    ids=["empty", "csv", "xls", "renamed-zip", "ods", "truncated-zip", "broken-xml"],
)
def test_a_file_that_is_not_a_workbook_gets_a_clear_message(client_for, alice, data, said, api):
    status, errors = post_import(client_for(alice), "park", data, api=api)
    assert status == 400
    [(row, column, message)] = errors
    assert (row, column) == (0, "") and said in message


def test_a_formula_without_a_saved_result_is_named_not_read_as_blank(alice, zone_a, client_for):
    cells = [
        zone_a.name,
        '<c r="B2"><f>"甲"&amp;"园"</f><v>甲园</v></c>',  # saved by Excel: its result is used
        '<c r="C2"><f>1+1</f><v></v></c>',  # written by a program: no result
        '<c r="D2" t="str"><f>IF(1,"","x")</f><v></v></c>',  # evaluated to "": fine
        '<c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    ]
    status, errors = post_import(client_for(alice), "park", X.package(X.sheet([PARK_HEADER, cells])), api=False)
    assert status == 400
    assert {(r, c) for r, c, _m in errors} == {(2, "面积（亩）"), (2, "备注")}
    messages = {c: m for _r, c, m in errors}
    assert "公式" in messages["面积（亩）"] and "计算结果" in messages["面积（亩）"]
    assert "错误值" in messages["备注"]


def test_limits_come_from_settings(settings):
    from kaifaqu.core.xlsxread import Limits

    settings.KFQ_IMPORT_MAX_ROWS = 7
    settings.KFQ_IMPORT_MAX_COLUMNS = 9
    assert Limits.from_settings().rows == 8 and Limits.from_settings().columns == 9
