"""Django validators wrapping the pure rules in :mod:`kaifaqu.lib`, with messages that name the rule."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaifaqu.lib import creditcode

_CREDIT_MESSAGES = {
    "length": _("统一社会信用代码应为18位(当前%(length)s位)"),
    "charset": _("统一社会信用代码只能由数字和大写字母组成,且不含 I、O、S、V、Z"),
    "division": _("统一社会信用代码第3至8位应为行政区划代码(6位数字)"),
    "check": _("统一社会信用代码校验位错误(GB 32100-2015)"),
}


def validate_credit_code(value: str) -> None:
    reason = creditcode.problem(value)
    if reason:
        raise ValidationError(_CREDIT_MESSAGES[reason], code=f"credit_code_{reason}", params={"length": len(value)})


def validate_division_code(value: str) -> None:
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(_("行政区划代码应为6位数字"), code="division_code")
