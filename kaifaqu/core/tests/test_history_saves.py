"""An edit does not read its row again before writing it (the history's "before" is what the instance
loaded or last saved), and the history stays exactly as complete: another instance's save, a rollback,
a refresh, a partial save."""

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifaqu.core.models import ChangeRecord
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Park


def records(obj):
    return list(ChangeRecord.objects.for_object(obj).order_by("id"))


def selects_from(table: str, ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]]


def test_an_edit_of_a_loaded_record_does_not_read_it_again(zone_a):
    park = f.ParkFactory(zone=zone_a, name="东区园", area=Decimal("100"))
    park = Park.objects.get(pk=park.pk)
    park.area = Decimal("120.5")
    with CaptureQueriesContext(connection) as ctx:
        park.save()
    assert selects_from("zones_park", ctx) == []
    assert (records(park)[-1].before["area"], records(park)[-1].after["area"]) == ("100.00", "120.50")


def test_a_second_save_of_the_same_instance_does_not_read_it_either(zone_a):
    park = Park.objects.create(zone=zone_a, name="东区园")
    park.name = "西区园"
    with CaptureQueriesContext(connection) as ctx:
        park.save()
        park.name = "南区园"
        park.save()
    assert selects_from("zones_park", ctx) == []
    _created, first, second = records(park)
    assert (first.before["name"], first.after["name"]) == ("东区园", "西区园")
    assert (second.before["name"], second.after["name"]) == ("西区园", "南区园")


def test_the_web_edit_reads_the_record_once(client_for, alice, zone_a):
    park = f.ParkFactory(zone=zone_a, name="东区园")
    c = client_for(alice)
    with CaptureQueriesContext(connection) as ctx:
        r = c.post(reverse("park_edit", args=[park.pk]), {"zone": zone_a.pk, "name": "东区园", "area": "120.5"})
    assert r.status_code == 302
    full_reads = [q for q in selects_from("zones_park", ctx) if re.match(r'SELECT "zones_park"\."id", ', q)]
    assert len(full_reads) == 1, full_reads  # the page's own read; none again for the history


def test_history_is_exact_when_another_instance_saved_the_row_meanwhile(zone_a):
    park = f.ParkFactory(zone=zone_a, name="东区园", area=Decimal("100"))
    mine, theirs = Park.objects.get(pk=park.pk), Park.objects.get(pk=park.pk)
    theirs.name = "西区园"
    theirs.save()
    mine.area = Decimal("150")
    mine.save()  # writes the old name back: the history says so, as the row changed
    last = records(park)[-1]
    assert (last.before["name"], last.after["name"]) == ("西区园", "东区园")
    assert (last.before["area"], last.after["area"]) == ("100.00", "150.00")
    assert Park.objects.get(pk=park.pk).name == "东区园"


def test_history_is_exact_after_a_rolled_back_save(zone_a):
    park = Park.objects.get(pk=f.ParkFactory(zone=zone_a, name="东区园").pk)
    park.name = "西区园"
    with pytest.raises(RuntimeError), transaction.atomic():
        park.save()
        raise RuntimeError("undone")
    assert Park.objects.get(pk=park.pk).name == "东区园"
    park.save()  # the same values again: now they really change the row
    last = records(park)[-1]
    assert (last.action, last.before["name"], last.after["name"]) == ("update", "东区园", "西区园")


def test_a_reloaded_instance_still_records_its_changes(zone_a):
    park = f.ParkFactory(zone=zone_a, name="东区园")
    Park.objects.filter(pk=park.pk).update(name="西区园")  # behind the history's back
    park.refresh_from_db()
    park.name = "南区园"
    park.save()
    last = records(park)[-1]
    assert (last.before["name"], last.after["name"]) == ("西区园", "南区园")


def test_a_partial_save_leaves_the_next_save_exact(zone_a):
    park = Park.objects.get(pk=f.ParkFactory(zone=zone_a, name="东区园", area=Decimal("100")).pk)
    park.name = "西区园"
    park.area = Decimal("200")
    park.save(update_fields=["name", "updated_at"])  # the area stays 100 in the row
    park.save()
    last = records(park)[-1]
    assert (last.before["area"], last.after["area"]) == ("100.00", "200.00")
