"""Clocks, compression and the writes of the agency centre (domain.md, "Approvals and agency service")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.services import Conflict, unchanged_since, write_transaction
from kaifaqu.lib.units import percent
from kaifaqu.lib.workdays import Calendar, OutsideCalendar, Pause

from . import calendar as holiday_calendar
from .models import DayKind, Procedure, ProcedurePause


def calendar_error(year: int) -> str:
    return _("%(y)s年的节假日安排尚未录入,无法按工作日计时;请管理员先录入该年节假日") % {"y": year}


def pauses_of(procedure: Procedure) -> list[Pause]:
    return [Pause(p.paused_on, p.resumed_on) for p in procedure.pauses.all()]


def statutory_due(procedure: Procedure, cal: Calendar, pauses=()) -> datetime.date:
    kind = procedure.type.day_kind
    start = procedure.accepted_on
    if kind == DayKind.CALENDAR:
        return cal.add_calendar_days(start, procedure.type.limit_days, pauses)
    return cal.add_workdays(start, procedure.type.limit_days, pauses)


def used_days(procedure: Procedure, end: datetime.date, cal: Calendar, pauses=()) -> int:
    if procedure.type.day_kind == DayKind.CALENDAR:
        return cal.count_calendar_days(procedure.accepted_on, end, pauses)
    return cal.count_workdays(procedure.accepted_on, end, pauses)


def check_dates(procedure: Procedure, pauses=(), cal: Calendar | None = None) -> None:
    """Every date a user enters must lie in a year the holiday calendar covers (explicit error)."""
    cal = cal or holiday_calendar.current()
    fields = [
        ("applied_on", procedure.applied_on),
        ("accepted_on", procedure.accepted_on),
        ("completed_on", procedure.completed_on),
    ]
    errors = {}
    for name, day in fields:
        if day is not None and day.year not in cal.years:
            errors[name] = calendar_error(day.year)
    for p in pauses:
        for name, day in (("paused_on", p.start), ("resumed_on", p.end)):
            if day is not None and day.year not in cal.years:
                errors.setdefault(name, calendar_error(day.year))
    if errors:
        raise ValidationError(errors)


def refresh_clock(procedure: Procedure, cal: Calendar | None = None) -> None:
    """Recompute the stored due date and days used (derived values; no history entry), from the calendar read
    under its version lock (``calendar.for_write``) unless the caller passes the one it read so."""
    with transaction.atomic():
        _refresh_clock(procedure, cal or holiday_calendar.for_write())


def _refresh_clock(procedure: Procedure, cal: Calendar) -> None:
    due = used = None
    error = ""
    if procedure.accepted_on:
        pauses = pauses_of(procedure)
        try:
            # While a pause is open the clock stands still and the due date is not known yet.
            due = None if any(p.end is None for p in pauses) else statutory_due(procedure, cal, pauses)
            if procedure.completed_on:
                used = used_days(procedure, procedure.completed_on, cal, pauses)
        except OutsideCalendar as exc:
            error = calendar_error(exc.year)
    Procedure.objects.filter(pk=procedure.pk).update(due_on=due, days_used=used, clock_error=error)
    procedure.due_on, procedure.days_used, procedure.clock_error = due, used, error


def refresh_open_clocks() -> int:
    """After the holiday calendar changed (in that transaction): recompute every procedure whose clock can
    still change."""
    count = 0
    with transaction.atomic():
        cal = holiday_calendar.for_write()
        qs = Procedure.objects.filter(accepted_on__isnull=False).select_related("type").prefetch_related("pauses")
        for procedure in qs.exclude(completed_on__isnull=False, clock_error="").iterator(chunk_size=2000):
            _refresh_clock(procedure, cal)
            count += 1
    return count


@dataclass
class Clock:
    """A procedure's clock as of a day."""

    status: str  # waiting / running / paused / due_soon / overdue / done / done_late / error
    elapsed: int | None = None
    remaining: int | None = None
    due_on: datetime.date | None = None
    saved: int | None = None
    compression: Decimal | None = None
    error: str = ""

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "waiting": _("未受理"),
    "running": _("按时办理中"),
    "paused": _("暂停计时"),
    "due_soon": _("即将到期"),
    "overdue": _("已超期"),
    "done": _("按时办结"),
    "done_late": _("超期办结"),
    "error": _("计时异常"),
}


def clock(procedure: Procedure, *, today: datetime.date | None = None, cal: Calendar | None = None) -> Clock:
    """Elapsed and remaining working days, status and compression of one procedure."""
    today = today or timezone.localdate()
    if not procedure.accepted_on:
        return Clock("waiting")
    if procedure.clock_error:
        return Clock("error", error=procedure.clock_error)
    cal = cal or holiday_calendar.current()
    pauses = pauses_of(procedure)
    limit = procedure.type.limit_days
    try:
        due = procedure.due_on or statutory_due(procedure, cal, [p for p in pauses if p.end is not None])
        if procedure.completed_on:
            used = (
                procedure.days_used
                if procedure.days_used is not None
                else used_days(procedure, procedure.completed_on, cal, pauses)
            )
            on_time = procedure.completed_on <= due  # a deadline on a day off moved to the next working day
            saved = max(limit - used, 0) if on_time else limit - used
            return Clock(
                "done" if on_time else "done_late",
                elapsed=used,
                due_on=due,
                saved=saved,
                compression=percent(saved, limit),
            )
        elapsed = used_days(procedure, today, cal, pauses)
    except OutsideCalendar as exc:
        return Clock("error", error=calendar_error(exc.year))
    remaining = limit - elapsed
    if any(p.covers(today) for p in pauses):
        status = "paused"
    elif today > due:
        status = "overdue"
    else:
        remaining = max(remaining, 0)
        status = "due_soon" if remaining <= settings.KFQ_DUE_SOON_DAYS else "running"
    return Clock(status, elapsed=elapsed, remaining=remaining, due_on=None if status == "paused" else due)


@dataclass
class Compression:
    """A project's approvals against the statutory limits (baseline = sum of the limits)."""

    count: int
    baseline: int
    actual: int | None
    first_accepted: datetime.date | None = None
    last_completed: datetime.date | None = None
    error: str = ""

    @property
    def saved(self) -> int | None:
        return None if self.actual is None else self.baseline - self.actual

    @property
    def rate(self) -> Decimal | None:
        return None if self.actual is None else percent(self.saved, self.baseline)


def project_compression(procedures, cal: Calendar | None = None) -> Compression:
    """Baseline: the procedures' statutory limits summed; actual: working days from the first acceptance to the
    last completion (only once every procedure is completed)."""
    procedures = list(procedures)
    baseline = sum(p.type.limit_days for p in procedures)
    accepted = [p.accepted_on for p in procedures if p.accepted_on]
    done = [p.completed_on for p in procedures if p.completed_on]
    result = Compression(
        count=len(procedures), baseline=baseline, actual=None, first_accepted=min(accepted) if accepted else None
    )
    if not procedures or len(done) < len(procedures):
        return result
    result.last_completed = max(done)
    try:
        result.actual = (cal or holiday_calendar.current()).count_workdays(result.first_accepted, result.last_completed)
    except OutsideCalendar as exc:
        result.error = calendar_error(exc.year)
    return result


# -- writes ----------------------------------------------------------------------------------------
def lock_procedure(pk: int, loaded: Procedure | None = None) -> Procedure:
    """Lock a procedure's row for the rest of the transaction (its pauses are written under this lock) and
    return it as stored; ``loaded`` is the copy the user edited, refused if the row changed since."""
    stored = Procedure.objects.select_for_update(no_key=True).select_related("type").filter(pk=pk).first()
    if stored is None:
        raise Conflict()
    unchanged_since(loaded, stored)
    return stored


def save_procedure(procedure: Procedure) -> Procedure:
    with write_transaction():
        # The calendar first: a concurrent calendar change waits for this save, or this save for it.
        cal = holiday_calendar.for_write()
        check_dates(procedure, cal=cal)
        if procedure.pk:
            lock_procedure(procedure.pk, procedure)
            for pause in procedure.pauses.all():
                pause.procedure = procedure  # the edited dates, not the stored ones
                try:
                    check_pause(pause)
                except ValidationError as exc:
                    raise ValidationError(
                        {
                            "completed_on": _("修改后,%(d)s 起的暂停不在受理与办结之间:%(why)s")
                            % {"d": pause.paused_on, "why": ";".join(exc.messages)}
                        }
                    ) from exc
        procedure.save()  # signals.py refreshes the clock
    return procedure


def check_pause(pause: ProcedurePause, also=()) -> None:
    """A pause lies within the procedure (after acceptance, before completion) and overlaps no other
    (stored, or in ``also``: other pauses being written with it)."""
    procedure = pause.procedure
    errors = {}
    if not procedure.accepted_on:
        errors["paused_on"] = _("事项尚未受理,不能暂停计时")
    elif pause.paused_on <= procedure.accepted_on:
        errors["paused_on"] = _("暂停日期应晚于受理日期(%(d)s)") % {"d": procedure.accepted_on}
    if procedure.completed_on:
        if pause.resumed_on is None or pause.resumed_on > procedure.completed_on:
            errors["resumed_on"] = _("暂停不能超出办理期间:事项已于 %(d)s 办结") % {"d": procedure.completed_on}
        if pause.paused_on >= procedure.completed_on:
            errors["paused_on"] = _("暂停不能超出办理期间:事项已于 %(d)s 办结") % {"d": procedure.completed_on}
    today = timezone.localdate()
    for name in ("paused_on", "resumed_on"):
        value = getattr(pause, name)
        if value and value > today:
            errors.setdefault(name, _("日期不能晚于今天"))
    mine = Pause(pause.paused_on, pause.resumed_on)
    others = (
        [*procedure.pauses.exclude(pk=pause.pk), *[p for p in also if p is not pause]]
        if pause.pk
        else [*procedure.pauses.all(), *also]
    )
    for other in others:
        if _overlap(mine, Pause(other.paused_on, other.resumed_on)):
            errors.setdefault("paused_on", _("与已有的暂停(%(d)s 起)重叠") % {"d": other.paused_on})
    if errors:
        raise ValidationError(errors)
    check_dates(procedure, [mine])


def _overlap(a: Pause, b: Pause) -> bool:
    """[start, end) intervals, an open end reaching forever."""
    return (b.end is None or a.start < b.end) and (a.end is None or b.start < a.end)


def save_pause(pause: ProcedurePause) -> ProcedurePause:
    """Write a pause under its procedure's lock: the overlap and period rules read the pauses no one else is
    writing, and the clock is recomputed from the current calendar in the same transaction."""
    pause.full_clean(exclude=["procedure"])  # field rules and the resume-after-pause constraint, as a message
    with write_transaction():
        holiday_calendar.for_write()
        pause.procedure = lock_procedure(pause.procedure_id)
        if pause.pk:
            unchanged_since(pause, ProcedurePause.objects.filter(pk=pause.pk).first())
        check_pause(pause)
        pause.save()
    return pause


def resume(procedure: Procedure, on: datetime.date) -> ProcedurePause:
    """复工计时: end the open pause; refused when the procedure is not paused."""
    with write_transaction():
        holiday_calendar.for_write()
        lock_procedure(procedure.pk)
        open_pause = procedure.pauses.filter(resumed_on__isnull=True).first()
        if open_pause is None:
            raise ValidationError({"resumed_on": _("该事项当前未暂停计时,无法恢复")}, code="not_paused")
        open_pause.resumed_on = on
        return save_pause(open_pause)
