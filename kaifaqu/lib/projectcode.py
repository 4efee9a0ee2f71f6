"""National project code (全国投资项目在线审批监管平台项目代码): ``YYYY-AAAAAA-II-TT-NNNNNN``.

year, 6-digit administrative division code, 2-digit industry code, 2-digit type
(01 审批, 02 核准, 03 备案) and a 6-digit serial number.
"""

import re

PATTERN = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
TYPES = {"01": "审批", "02": "核准", "03": "备案"}


def problem(code: str, *, max_year: int) -> str | None:
    """Why ``code`` is not a valid project code, or None. ``max_year`` is the latest year allowed."""
    m = PATTERN.match(code)
    if not m:
        return "format"
    year, division, _industry, kind, _serial = m.groups()
    if not 2000 <= int(year) <= max_year:
        return "year"
    if not division.startswith("14"):
        return "division"
    if kind not in TYPES:
        return "type"
    return None
