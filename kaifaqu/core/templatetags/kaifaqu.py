from decimal import Decimal

from django import template
from django.utils.formats import number_format

from kaifaqu.core.fields import date_label as _date_label
from kaifaqu.core.fields import month_label as _month_label

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ d|get_item:k }}`` — a dictionary value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def month_label(day):
    """``{{ report.month|month_label }}`` — a month as pages show it: 2026年11月."""
    return _month_label(day)


@register.filter
def date_label(day):
    """``{{ p.deadline|date_label }}`` — a day as Chinese documents write it: 2026年9月30日 (a date, or a date stored
    as ISO text in a frozen bulletin)."""
    return _date_label(day)


@register.filter
def wan(amount):
    """``{{ plan.planned_investment|wan }}`` — an amount in 万元 as pages show it: 17510.59 (two decimals; grouped
    as the language groups numbers, which Chinese statistics do not)."""
    if amount is None or amount == "":
        return "—"
    return number_format(Decimal(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
