"""Evaluate a simple ``Q`` against a Python object, without a database query.

Imports validate thousands of rows; Django's ``CheckConstraint.validate`` costs one query per row.
For conditions built from ``exact``, ``isnull``, ``in`` and comparison lookups on local fields, with
values or ``F()`` references to other local fields (the kind our check constraints use), this
evaluates them in Python with SQL's three-valued logic: a comparison with NULL is unknown (None),
and a CHECK constraint fails only when its condition is False. Anything else raises
``Unsupported`` and the caller falls back to the database.

A lookup may follow foreign keys (``project__terminated_on__lte``) to the related instance the object holds
(set it, as :mod:`kaifaqu.core.asof` does, or it is fetched): a missing one is NULL, as in SQL's LEFT JOIN. This
is how a rule written once as a ``Q`` (the 三率 figures) is also applied to records rebuilt from the history.
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


def _follow(obj, key: str):
    """The object and lookup left after following the foreign keys at the start of ``key``."""
    parts = key.split(LOOKUP_SEP)
    while len(parts) > 2 or (len(parts) == 2 and parts[1] not in LOOKUPS):
        field = obj._meta.get_field(parts[0])
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            raise Unsupported(key)
        obj = getattr(obj, field.name)
        parts = parts[1:]
        if obj is None:
            return None, LOOKUP_SEP.join(parts)
    return obj, LOOKUP_SEP.join(parts)


LOOKUPS = {"exact", "isnull", "in", "range", *COMPARISONS}


def _lookup(obj, key: str, expected):
    obj, key = _follow(obj, key)
    name, _, lookup = key.partition(LOOKUP_SEP)
    if LOOKUP_SEP in lookup:
        raise Unsupported(key)
    if obj is None:  # through a NULL foreign key: every column is NULL
        return bool(expected) if lookup == "isnull" else None
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
    if lookup == "range":
        return expected[0] <= value <= expected[1]
    if lookup in COMPARISONS:
        return COMPARISONS[lookup](value, expected)
    raise Unsupported(key)


def evaluate(q: Q, obj, _negated: bool = False):
    """True, False or None (unknown) — as the database would evaluate ``q`` for this row.

    Inside a negation Django adds ``AND col IS NOT NULL`` to each comparison on a nullable column (``~Q(a__lte=x)``
    is ``NOT (a <= x AND a IS NOT NULL)``), so there a comparison with NULL is False, not unknown, and the row is
    selected; so here too."""
    negated = _negated != q.negated
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(evaluate(child, obj, negated))
        elif isinstance(child, tuple) and len(child) == 2:
            result = _lookup(obj, *child)
            results.append(False if result is None and negated else result)
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
