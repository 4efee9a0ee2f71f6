"""The holiday calendar is versioned in the database (issue 10, part 3): every change (page, API, import,
admin) bumps the version and recomputes the open clocks in its own transaction; every process reads the
version on its next use of the calendar; and a procedure saved at the moment the calendar changes ends with
the clock of the new calendar."""

import datetime
import io
import threading

import pytest
from django.db import transaction
from django.urls import reverse

from kaifaqu.approvals import calendar as holiday_calendar
from kaifaqu.approvals import services
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Holiday, Procedure, ProcedureType
from kaifaqu.lib.workdays import Calendar
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.concurrency import Meeting, needs_concurrent_writers, run_together
from kaifaqu.testing.xlsx import upload, workbook

D = datetime.date
FIRE = "消防设计审查"  # 15 working days
ACCEPTED = D(2025, 6, 3)  # a Tuesday; 15 working days end on 2025-06-24
EXTRA_DAY_OFF = D(2025, 6, 10)  # a Tuesday within those 15 days, an ordinary working day in 2025


@pytest.fixture
def calendar_and_catalogue(db):
    clock.seed_calendar()
    load_defaults()


@pytest.fixture
def project(calendar_and_catalogue, zone_a):
    return f.ProjectFactory(zone=zone_a, name="碳纤维一期", code="2024-140200-36-03-000001")


def due_with(extra_off=()) -> datetime.date:
    """The due date on the stored calendar without EXTRA_DAY_OFF, plus ``extra_off``."""
    cal = holiday_calendar.current()
    changed = Calendar(years=cal.years, off=(cal.off - {EXTRA_DAY_OFF}) | set(extra_off), worked=cal.worked)
    return changed.add_workdays(ACCEPTED, ProcedureType.objects.get(name=FIRE).limit_days)


def fire_procedure(project) -> Procedure:
    return Procedure(project=project, type=ProcedureType.objects.get(name=FIRE), accepted_on=ACCEPTED)


def xlsx(rows) -> io.BytesIO:
    return upload(workbook(rows), "节假日.xlsx")


def test_a_change_by_another_worker_is_seen_on_the_next_read(project, monkeypatch):
    services.save_procedure(fire_procedure(project))
    assert EXTRA_DAY_OFF not in holiday_calendar.current().off  # this process has the calendar now
    # The change comes from another web worker: nothing tells this process's cache about it.
    monkeypatch.setattr(holiday_calendar, "forget", lambda: None)
    Holiday.objects.create(date=EXTRA_DAY_OFF, kind="off", name="临时调整")
    assert EXTRA_DAY_OFF in holiday_calendar.current().off
    # The clocks recomputed in that change's transaction were computed from the new calendar.
    assert Procedure.objects.get().due_on == due_with([EXTRA_DAY_OFF]) != due_with()


def test_an_imported_holiday_moves_the_open_clocks(project, client_for, province_user):
    services.save_procedure(fire_procedure(project))
    assert Procedure.objects.get().due_on == due_with()
    sheet = xlsx([["日期", "类别", "节日"], [EXTRA_DAY_OFF.isoformat(), "放假", "临时调整"]])
    r = client_for(province_user).post(reverse("holiday_import"), {"file": sheet})
    assert r.status_code == 200, r.context["result"].errors
    assert Procedure.objects.get().due_on == due_with([EXTRA_DAY_OFF])


def test_every_path_that_changes_the_calendar_bumps_its_version(project, client_for, province_user):
    province_user.is_staff = province_user.is_superuser = True
    province_user.save()
    c = client_for(province_user)
    start = holiday_calendar.version()
    r = c.post(reverse("holiday_add"), {"date": "2025-06-10", "kind": "off", "name": "页面"})
    assert r.status_code == 302 and holiday_calendar.version() == start + 1
    r = c.post("/api/holidays/", {"date": "2025-06-11", "kind": "off", "name": "接口"}, content_type="application/json")
    assert r.status_code == 201 and holiday_calendar.version() == start + 2
    r = c.post(
        reverse("admin:approvals_holiday_add"), {"date": "2025-06-12", "kind": "off", "name": "后台"}, follow=True
    )
    assert r.status_code == 200 and holiday_calendar.version() == start + 3
    holiday = Holiday.objects.get(date=D(2025, 6, 12))
    assert c.post(reverse("holiday_delete", args=[holiday.pk])).status_code == 302
    assert holiday_calendar.version() == start + 4
    sheet = xlsx([["日期", "类别", "节日"], ["2025-06-13", "放假", "导入"]])
    assert c.post(reverse("holiday_import"), {"file": sheet}).status_code == 200
    assert holiday_calendar.version() == start + 5


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_a_procedure_saved_while_the_calendar_changes_ends_with_the_new_calendars_clock(project, monkeypatch):
    """The procedure's writer reads the calendar and, before it stores the clock, the administrator's change
    commits (without the lock nothing stops it; with the lock the change waits for the save, then
    recomputes its clock)."""
    meeting, change_committed = Meeting(2), threading.Event()
    original = services.statutory_due

    def due_after_the_change(procedure, cal, pauses=()):
        if threading.current_thread().name == "procedure" and not hasattr(due_after_the_change, "done"):
            due_after_the_change.done = True
            meeting.wait()  # the calendar has been read
            change_committed.wait(timeout=3)  # held by the lock, the change cannot commit: give up
        return original(procedure, cal, pauses)

    monkeypatch.setattr(services, "statutory_due", due_after_the_change)

    def save_procedure():
        return services.save_procedure(fire_procedure(project)).pk

    def change_calendar():
        meeting.wait()
        with transaction.atomic():
            Holiday.objects.create(date=EXTRA_DAY_OFF, kind="off", name="临时调整")
        change_committed.set()

    results = run_together(save_procedure, change_calendar, names=["procedure", "calendar"])
    assert [kind for kind, _v in results] == ["ok", "ok"], results
    holiday_calendar.forget()
    assert Procedure.objects.get().due_on == due_with([EXTRA_DAY_OFF]) != due_with()
