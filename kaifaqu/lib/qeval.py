"""Evaluate a simple ``Q`` against a Python object, without a database query.

Imports validate thousands of rows; Django's ``CheckConstraint.validate`` costs one query per row.
For conditions built from ``exact``, ``isnull`` and ``in`` lookups on local fields (the kind our
check constraints use) this evaluates them in Python; anything else raises ``Unsupported`` and the
caller falls back to the database.
"""

from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP


class Unsupported(Exception):
    pass


def _lookup(obj, key: str, expected) -> bool:
    name, _, lookup = key.partition(LOOKUP_SEP)
    if LOOKUP_SEP in lookup:
        raise Unsupported(key)
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    if lookup in ("", "exact"):
        return value == expected
    if lookup == "isnull":
        return (value is None) == bool(expected)
    if lookup == "in":
        return value in expected
    raise Unsupported(key)


def evaluate(q: Q, obj) -> bool:
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(evaluate(child, obj))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(obj, *child))
        else:
            raise Unsupported(child)
    outcome = all(results) if q.connector == Q.AND else any(results)
    return not outcome if q.negated else outcome
