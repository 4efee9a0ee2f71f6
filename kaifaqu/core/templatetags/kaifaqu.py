from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ d|get_item:k }}`` — a dictionary value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
