"""Django validators wrapping the pure rules in :mod:`kaifaqu.lib`, with messages that name the rule."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaifaqu.lib import creditcode

_CREDIT_MESSAGES = {
    "length": _("统一社会信用代码应为18位（当前%(length)s位）"),
    "charset": _("统一社会信用代码只能由数字和大写字母组成，且不含 I、O、S、V、Z"),
    "division": _("统一社会信用代码第3至8位应为行政区划代码（6位数字）"),
    "check": _("统一社会信用代码校验位错误（GB 32100-2015）"),
}


def validate_credit_code(value: str) -> None:
    reason = creditcode.problem(value)
    if reason:
        raise ValidationError(_CREDIT_MESSAGES[reason], code=f"credit_code_{reason}", params={"length": len(value)})


def validate_division_code(value: str) -> None:
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(_("行政区划代码应为6位数字"), code="division_code")


# What no stored text may hold: control characters (NUL is refused by PostgreSQL; the other C0 controls
# cannot be written to XML, so a single one made every .xlsx export of its list fail), DEL and the C1
# controls, lone surrogates (not encodable) and the non-characters U+FFFE/U+FFFF (not XML). A multi-line
# text may hold tabs and line breaks; a one-line text may not.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_FORBIDDEN_MULTILINE = re.compile(f"[{_NEVER}]")
_FORBIDDEN_ONE_LINE = re.compile(f"[{_NEVER}\t\n\r]")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why ``value`` cannot be stored as text (a message naming the character and where), or None."""
    m = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_ONE_LINE).search(value)
    if m is None:
        return None
    char, pos = m.group(0), m.start() + 1
    if char in "\t\n\r":
        return gettext("只能填写一行文字，不能包含换行符或制表符（第 %(pos)s 个字符）") % {"pos": pos}
    return gettext("不能包含控制字符或无效字符 U+%(code)04X（第 %(pos)s 个字符），请删除后重新填写") % {
        "code": ord(char),
        "pos": pos,
    }


@deconstructible
class TextCharactersValidator:
    """:func:`text_problem` as a field validator; core.apps puts it on every text field of every model."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str):
            problem = text_problem(value, multiline=self.multiline)
            if problem:
                raise ValidationError(problem, code="text_characters")

    def __eq__(self, other):
        return isinstance(other, TextCharactersValidator) and other.multiline == self.multiline
