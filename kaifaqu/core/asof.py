"""Records as they stood at the end of a past day, rebuilt from the change history (issue 13, "as of any past day").

Every write of a tracked record, by any path (page, API, import, admin, command), leaves a :class:`ChangeRecord`
with the full row before and after (:mod:`kaifaqu.core.history`). So the row on a day is the "after" of its last
change up to the end of that day, or — when its first change came later — the "before" of that first change (none
when that change created it); a row without any recorded change is taken as it is now if it was created by then.

The rebuilt rows are unsaved model instances with their primary keys; the figures computed from them apply the
same rules as the live queries, each written once as a ``Q`` and evaluated in Python (:mod:`kaifaqu.lib.qeval`).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Max, Min
from django.db.models.functions import Cast
from django.utils import timezone

from .models import ChangeAction, ChangeRecord

CHUNK = 500


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the platform's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def rebuild(model, data: dict, pk) -> object:
    """An unsaved ``model`` instance from a history snapshot (field names with stored values)."""
    values = {}
    for name, value in data.items():
        try:
            f = model._meta.get_field(name)
        except Exception:  # a field since removed: the snapshot keeps it, the model does not
            continue
        if f.concrete:
            values[f.attname] = None if value is None else f.to_python(value)
    return model(pk=pk, **values)


class Snapshot:
    """The tracked records as they stood at the end of ``day``; each model's rows are rebuilt once."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.moment = end_of(day)
        self._rows: dict = {}

    def rows(self, model, pks=None) -> dict:
        """{pk: instance} of ``model`` at the end of the day (only those of ``pks`` when given)."""
        key = (model, None if pks is None else frozenset(pks))
        if key not in self._rows:
            self._rows[key] = self._rebuild(model, pks)
        return self._rows[key]

    def _rebuild(self, model, pks) -> dict:
        pk_field = model._meta.pk
        records = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=True)
        )
        current = model._default_manager.all()
        if pks is not None:
            records = records.filter(object_id__in=[str(pk) for pk in pks])
            current = current.filter(pk__in=list(pks))

        def per_object(recorded, pick) -> dict:
            """{object_id: the id of its change that ``pick`` (Max: the last, Min: the first) chooses}."""
            return dict(recorded.values("object_id").annotate(n=pick("pk")).values_list("object_id", "n").order_by())

        last = per_object(records.filter(time__lt=self.moment), Max)
        first = {k: v for k, v in per_object(records.filter(time__gte=self.moment), Min).items() if k not in last}
        out = {}
        ids = [*last.values(), *first.values()]
        for at in range(0, len(ids), CHUNK):
            chunk = records.filter(pk__in=ids[at : at + CHUNK]).values("object_id", "action", "before", "after")
            for r in chunk:
                pk = pk_field.to_python(r["object_id"])
                if r["object_id"] in last:
                    data = None if r["action"] == ChangeAction.DELETE else r["after"]
                else:
                    data = None if r["action"] == ChangeAction.CREATE else r["before"]
                if data is not None:
                    out[pk] = rebuild(model, data, pk)
        # Rows no recorded change ever touched: as they are, if they existed by then.
        untouched = current.exclude(pk__in=records.annotate(oid=Cast("object_id", IntegerField())).values("oid"))
        if any(f.name == "created_at" for f in model._meta.concrete_fields):
            untouched = untouched.filter(created_at__lt=self.moment)
        for obj in untouched.order_by():
            out[obj.pk] = obj
        return out


def first_recorded(model) -> datetime.date | None:
    """The day the first change of ``model`` was recorded (before it the history holds nothing of that kind)."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    first = ChangeRecord.objects.filter(content_type=ct).aggregate(t=Min("time"))["t"]
    return timezone.localtime(first).date() if first else None
