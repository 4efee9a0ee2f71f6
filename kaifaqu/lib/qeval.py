"""Evaluate a simple ``Q`` against a Python object, without a database query.

Imports validate thousands of rows; Django's ``CheckConstraint.validate`` costs one query per row.
For conditions built from ``exact``, ``isnull``, ``in`` and comparison lookups on local fields, with
values or ``F()`` references to other local fields (the kind our check constraints use), this
evaluates them in Python with SQL's three-valued logic: a comparison with NULL is unknown (None),
and a CHECK constraint fails only when its condition is False. Anything else raises
``Unsupported`` and the caller falls back to the database.
"""

import operator

from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP

COMPARISONS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class Unsupported(Exception):
    pass


def _value(obj, name):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)


def _lookup(obj, key: str, expected):
    name, _, lookup = key.partition(LOOKUP_SEP)
    if LOOKUP_SEP in lookup:
        raise Unsupported(key)
    value = _value(obj, name)
    if isinstance(expected, F):
        if LOOKUP_SEP in expected.name:
            raise Unsupported(key)
        expected = _value(obj, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(key)
    if lookup == "isnull":
        return (value is None) == bool(expected)
    if value is None or expected is None:
        return None  # SQL: a comparison with NULL is unknown
    if lookup in ("", "exact"):
        return value == expected
    if lookup == "in":
        return value in expected
    if lookup in COMPARISONS:
        return COMPARISONS[lookup](value, expected)
    raise Unsupported(key)


def evaluate(q: Q, obj):
    """True, False or None (unknown) — as the database would evaluate ``q`` for this row."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(evaluate(child, obj))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(obj, *child))
        else:
            raise Unsupported(child)
    if q.connector == Q.AND:
        outcome = False if False in results else (None if None in results else True)
    else:
        outcome = True if True in results else (None if None in results else False)
    if q.negated and outcome is not None:
        outcome = not outcome
    return outcome


def holds(q: Q, obj) -> bool:
    """Whether a filter would select this row: the Python value of a rule written once as a ``Q``."""
    return evaluate(q, obj) is True
