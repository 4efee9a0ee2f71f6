"""Months (报告期): a period stored as the 1st day of its month, entered as YYYY-MM, shown as 2026年11月.

:class:`MonthField` is the model field of every month column. Its form field offers the browser's month picker
(``<input type="month">``) and accepts ``2026-11`` (and, as before, ``2026-11-01``); the API accepts the same two
(:class:`MonthSerializerField`, registered by ``core.api``), the Excel import reads ``2026-11`` as well as a date
(``core.excel``), and pages show the month with :func:`month_label`.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d"]
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_label(day: datetime.date | None) -> str:
    """A month as pages show it: 2026年11月 ("—" for none)."""
    if day is None:
        return "—"
    return gettext("%(year)s年%(month)s月") % {"year": day.year, "month": day.month}


def date_label(day: datetime.date | str | None) -> str:
    """A day as Chinese documents write it: 2026年11月3日 ("—" for none); a day kept as ISO text (a frozen
    bulletin's content) is read first."""
    if not day:
        return "—"
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return gettext("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def parse_month(text: str) -> datetime.date | None:
    """``2026-11`` as the 1st of that month; None when the text is not a YYYY-MM month."""
    m = MONTH_RE.match(text.strip())
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    return datetime.date(year, month, 1)


class MonthInput(forms.DateInput):
    """The browser's month picker; the value is written as YYYY-MM."""

    input_type = "month"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m")


class MonthFormField(forms.DateField):
    """A month entered as YYYY-MM (or a date of that month), cleaned to the 1st of the month."""

    widget = MonthInput
    input_formats = MONTH_INPUT_FORMATS
    default_error_messages = {"invalid": _("请填写月份，格式 YYYY-MM（如 2026-11）")}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class MonthField(models.DateField):
    """A month, stored as its 1st day (the month's own rules, such as "该月1日", stay with its model)."""

    description = _("月份")

    def formfield(self, **kwargs):
        # The model's help text says how the month is stored (该月1日); the month picker needs none.
        return super().formfield(**{"form_class": MonthFormField, "help_text": "", **kwargs})
