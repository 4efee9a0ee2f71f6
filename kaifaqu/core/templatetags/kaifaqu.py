from django import template

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
