"""Clocks, compression and the writes of the agency centre (domain.md, "Approvals and agency service")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.services import Conflict, unchanged_since, write_transaction
from kaifaqu.lib.qeval import holds
from kaifaqu.lib.units import percent
from kaifaqu.lib.workdays import Calendar, OutsideCalendar, Pause

from . import calendar as holiday_calendar
from .models import DayKind, Mode, Procedure, ProcedurePause, ProcedureType


def calendar_error(year: int) -> str:
    return _("%(y)s年的节假日安排尚未录入，无法按工作日计时；请管理员先录入该年节假日") % {"y": year}


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


def computed_clock(procedure: Procedure, cal: Calendar, pauses) -> tuple[datetime.date | None, int | None, str]:
    """The stored clock of a procedure (due date, days used, error) from its dates and ``pauses``: what
    :func:`refresh_clock` stores, and what a procedure rebuilt from the history had on its day."""
    due = used = None
    error = ""
    if procedure.accepted_on:
        try:
            # While a pause is open the clock stands still and the due date is not known yet.
            due = None if any(p.end is None for p in pauses) else statutory_due(procedure, cal, pauses)
            if procedure.completed_on:
                used = used_days(procedure, procedure.completed_on, cal, pauses)
        except OutsideCalendar as exc:
            error = calendar_error(exc.year)
    return due, used, error


def _refresh_clock(procedure: Procedure, cal: Calendar) -> None:
    due, used, error = computed_clock(procedure, cal, pauses_of(procedure) if procedure.accepted_on else ())
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


def compressible(prefix: str = "") -> Q:
    """The procedures compression counts (domain.md: saved = statutory − actual *working* days): those whose limit
    is in working days. A limit in calendar days keeps its clock but is never added to working days."""
    return Q(**{prefix + "type__day_kind": DayKind.WORKING})


# The clock's words, one per unit: a number of days is never shown without its kind.
DAY_TEXTS = {
    DayKind.WORKING: {
        "used": gettext_lazy("已用 %(n)s 个工作日"),
        "limit": gettext_lazy("法定 %(n)s 个工作日"),
        "left": gettext_lazy("剩 %(n)s 个工作日"),
        "over": gettext_lazy("超期 %(n)s 个工作日"),
    },
    DayKind.CALENDAR: {
        "used": gettext_lazy("已用 %(n)s 个自然日"),
        "limit": gettext_lazy("法定 %(n)s 个自然日"),
        "left": gettext_lazy("剩 %(n)s 个自然日"),
        "over": gettext_lazy("超期 %(n)s 个自然日"),
    },
}


@dataclass
class Clock:
    """A procedure's clock as of a day, in the procedure's own kind of days (``day_kind``)."""

    status: str  # one of STATUSES
    elapsed: int | None = None
    remaining: int | None = None  # negative once overdue
    due_on: datetime.date | None = None
    saved: int | None = None  # working-day procedures only: compression is defined in working days
    compression: Decimal | None = None
    error: str = ""
    day_kind: str = DayKind.WORKING
    limit: int | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def _text(self, key: str, n: int | None) -> str:
        return "" if n is None else str(DAY_TEXTS[self.day_kind][key] % {"n": n})

    @property
    def elapsed_text(self) -> str:
        return self._text("used", self.elapsed)

    @property
    def limit_text(self) -> str:
        return self._text("limit", self.limit)

    @property
    def remaining_text(self) -> str:
        """剩 3 个工作日 while open, 超期 35 个自然日 once overdue; empty when the clock is not running."""
        if self.remaining is None:
            return ""
        return self._text("left", self.remaining) if self.remaining >= 0 else self._text("over", -self.remaining)


STATUS_LABELS = {
    "waiting": gettext_lazy("未受理"),
    "running": gettext_lazy("按时办理中"),
    "paused": gettext_lazy("暂停计时"),
    "due_soon": gettext_lazy("即将到期"),
    "overdue": gettext_lazy("已超期"),
    "done": gettext_lazy("按时办结"),
    "done_late": gettext_lazy("超期办结"),
    "error": gettext_lazy("计时异常"),
}
# Every procedure has exactly one of these on a day; "open" (in 办理) is paused, overdue, due soon or running.
STATUSES = tuple(STATUS_LABELS)
OPEN_STATUSES = ("paused", "overdue", "due_soon", "running")


def due_soon_horizon(today: datetime.date, cal: Calendar | None = None) -> datetime.date:
    """The last due date that counts as due soon: ``KFQ_DUE_SOON_DAYS`` working days after ``today``. Where those
    run past the calendar, every due date the calendar can hold is within them: the last covered day."""
    cal = cal or holiday_calendar.current()
    try:
        return cal.add_workdays(today, settings.KFQ_DUE_SOON_DAYS)
    except OutsideCalendar as exc:
        return datetime.date(exc.year, 1, 1) - datetime.timedelta(days=1)


def status_q(
    status: str, today: datetime.date | None = None, prefix: str = "", horizon: datetime.date | None = None
) -> Q:
    """The one definition of a clock status on ``today``, as a filter on the stored clock (``due_on``,
    ``clock_error``, kept by :func:`refresh_clock`); :func:`clock` evaluates the same filters on one procedure.

    - waiting: not accepted; error: accepted, the clock cannot be computed (``clock_error``);
    - done / done_late: completed by ``today`` on or before / after the due date (a deadline moved past a holiday
      is the moved date);
    - open: accepted, no error, not completed by ``today``; then exactly one of
      paused (an open pause: no due date while it lasts), overdue (due date before ``today``), due soon (due date
      from ``today`` to ``KFQ_DUE_SOON_DAYS`` working days after it, whatever the procedure's day kind) and running.

    ``prefix`` ("procedures__") applies it from a related model, e.g. to count an agent's procedures.
    """
    today = today or timezone.localdate()

    def q(**lookups) -> Q:
        return Q(**{prefix + k: v for k, v in lookups.items()})

    accepted = q(accepted_on__isnull=False) & q(clock_error="")
    completed = q(completed_on__lte=today)
    open_ = accepted & (q(completed_on__isnull=True) | q(completed_on__gt=today))
    if status == "waiting":
        return q(accepted_on__isnull=True)
    if status == "error":  # also a completed procedure without a due date (never stored so: a stale row)
        return q(accepted_on__isnull=False) & (~q(clock_error="") | (completed & q(due_on__isnull=True)))
    if status == "done":
        return accepted & completed & q(completed_on__lte=F(prefix + "due_on"))
    if status == "done_late":
        return accepted & completed & q(completed_on__gt=F(prefix + "due_on"))
    if status == "open":
        return open_
    if status == "paused":
        return open_ & q(due_on__isnull=True)
    if status == "overdue":
        return open_ & q(due_on__lt=today)
    horizon = horizon or due_soon_horizon(today)
    if status == "due_soon":
        return open_ & q(due_on__gte=today, due_on__lte=horizon)
    if status == "running":
        return open_ & q(due_on__gt=horizon)
    raise ValueError(status)


def clock_counts(procedures, day: datetime.date) -> dict[str, int]:
    """How many of ``procedures`` (a scoped queryset) have each clock status on ``day``: one aggregate query."""
    horizon = due_soon_horizon(day)
    row = procedures.aggregate(**{s: Count("pk", filter=status_q(s, day, horizon=horizon)) for s in STATUSES})
    return {s: row[s] for s in STATUSES}


def clock_counts_rebuilt(snapshot, keep) -> dict[str, int]:
    """:func:`clock_counts` on the snapshot's day over the procedures (and pauses) as they stood at its end (a later
    acceptance, completion or correction left out) that ``keep`` accepts: their clocks computed as
    :func:`refresh_clock` does, under today's holiday calendar, and the same :func:`status_q`, applied in Python."""
    day = snapshot.day
    cal = holiday_calendar.current()
    horizon = due_soon_horizon(day, cal)
    rules = {s: status_q(s, day, horizon=horizon) for s in STATUSES}
    pauses: dict[int, list] = {}
    for pause in snapshot.rows(ProcedurePause).values():
        pauses.setdefault(pause.procedure_id, []).append(Pause(pause.paused_on, pause.resumed_on))
    types = {t.pk: t for t in ProcedureType.objects.all()}
    counts = dict.fromkeys(STATUSES, 0)
    for p in snapshot.rows(Procedure).values():
        if not keep(p):
            continue
        p.type = types[p.type_id]
        # The clock is derived (stored by refresh_clock, outside the history): computed from the day's dates.
        p.due_on, p.days_used, p.clock_error = computed_clock(p, cal, pauses.get(p.pk, []))
        status = next((s for s, q in rules.items() if holds(q, p)), None)
        if status:
            counts[status] += 1
    return counts


def clock_status(procedure: Procedure, today: datetime.date, cal: Calendar | None = None) -> str:
    """The procedure's status on ``today``: the one of :data:`STATUSES` whose :func:`status_q` selects it."""
    horizon = due_soon_horizon(today, cal)
    return next(s for s in STATUSES if holds(status_q(s, today, horizon=horizon), procedure))


def clock(procedure: Procedure, *, today: datetime.date | None = None, cal: Calendar | None = None) -> Clock:
    """Status (:func:`clock_status`), elapsed and remaining days and compression of one procedure. Days are counted
    in the procedure's own kind (working or calendar days); a count the calendar cannot give leaves the status and
    says why in ``error``."""
    today = today or timezone.localdate()
    cal = cal or holiday_calendar.current()
    status = clock_status(procedure, today, cal)
    limit, kind = procedure.type.limit_days, procedure.type.day_kind
    if status == "waiting":
        return Clock(status, day_kind=kind, limit=limit)
    if status == "error":
        error = procedure.clock_error or _("办结期限尚未计算，请重新保存该事项")
        return Clock(status, error=error, day_kind=kind, limit=limit)
    due = procedure.due_on
    if status in ("done", "done_late"):
        used = procedure.days_used
        if used is None:
            try:
                used = used_days(procedure, procedure.completed_on, cal, pauses_of(procedure))
            except OutsideCalendar as exc:
                return Clock(status, due_on=due, error=calendar_error(exc.year), day_kind=kind, limit=limit)
        done = Clock(status, elapsed=used, due_on=due, day_kind=kind, limit=limit)
        if kind == DayKind.WORKING:
            done.saved = max(limit - used, 0) if status == "done" else limit - used
            done.compression = percent(done.saved, limit)
        return done
    try:
        elapsed = used_days(procedure, today, cal, pauses_of(procedure))
    except OutsideCalendar as exc:
        return Clock(status, due_on=due, error=calendar_error(exc.year), day_kind=kind, limit=limit)
    remaining = limit - elapsed
    if status in ("due_soon", "running"):
        remaining = max(remaining, 0)
    return Clock(status, elapsed=elapsed, remaining=remaining, due_on=due, day_kind=kind, limit=limit)


@dataclass
class CalendarGap:
    """Next year's holiday calendar is not entered yet (the State Council publishes it in November)."""

    year: int
    errors_from: datetime.date  # the first day open clocks show errors without it
    failing: int  # open procedures whose clock needs it already


def missing_calendar(today: datetime.date) -> CalendarGap | None:
    """From 1 November, whether next year's calendar is missing and from which day open clocks would show errors:
    today, when an open procedure's due date already reaches into next year (its clock is in error now); otherwise
    1 January, when counting an open procedure's working days up to the day needs next year's calendar."""
    year = today.year + 1
    if today.month < 11 or year in holiday_calendar.current().years:
        return None
    failing = Procedure.objects.filter(status_q("error", today)).exclude(completed_on__lte=today).count()
    return CalendarGap(year=year, errors_from=today if failing else datetime.date(year, 1, 1), failing=failing)


@dataclass
class Compression:
    """A project's working-day approvals against their statutory limits (baseline = sum of the limits)."""

    count: int
    baseline: int
    actual: int | None
    first_accepted: datetime.date | None = None
    last_completed: datetime.date | None = None
    error: str = ""
    calendar_items: int = 0  # procedures counted in calendar days: listed, not compressed

    @property
    def saved(self) -> int | None:
        return None if self.actual is None else self.baseline - self.actual

    @property
    def rate(self) -> Decimal | None:
        return None if self.actual is None else percent(self.saved, self.baseline)


def project_compression(procedures, cal: Calendar | None = None) -> Compression:
    """Over the working-day procedures (:func:`compressible`): baseline, their statutory limits summed; actual,
    working days from the first acceptance to the last completion (only once every one is completed). Procedures
    counted in calendar days are only counted (``calendar_items``)."""
    procedures = list(procedures)
    calendar_items = sum(p.type.day_kind != DayKind.WORKING for p in procedures)
    procedures = [p for p in procedures if p.type.day_kind == DayKind.WORKING]
    baseline = sum(p.type.limit_days for p in procedures)
    accepted = [p.accepted_on for p in procedures if p.accepted_on]
    done = [p.completed_on for p in procedures if p.completed_on]
    result = Compression(
        count=len(procedures),
        baseline=baseline,
        actual=None,
        first_accepted=min(accepted) if accepted else None,
        calendar_items=calendar_items,
    )
    if not procedures or len(done) < len(procedures):
        return result
    result.last_completed = max(done)
    try:
        result.actual = (cal or holiday_calendar.current()).count_workdays(result.first_accepted, result.last_completed)
    except OutsideCalendar as exc:
        result.error = calendar_error(exc.year)
    return result


@dataclass(frozen=True)
class CommitmentShare:
    """承诺制 share of filed projects: of the projects with a procedure accepted in a period, those with at least one
    accepted under 承诺制."""

    filed: int
    commitment: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.commitment, self.filed)


def commitment_share(projects, start: datetime.date, end: datetime.date) -> CommitmentShare:
    """:class:`CommitmentShare` of ``projects`` (a queryset) for procedures accepted from ``start`` to ``end``: one
    aggregate query."""
    row = Procedure.objects.filter(
        project__in=projects.order_by().values("pk"), accepted_on__range=(start, end)
    ).aggregate(
        filed=Count("project", distinct=True),
        commitment=Count("project", distinct=True, filter=Q(mode=Mode.COMMITMENT)),
    )
    return CommitmentShare(row["filed"], row["commitment"])


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
                            "completed_on": _("修改后，%(d)s 起的暂停不在受理与办结之间：%(why)s")
                            % {"d": pause.paused_on, "why": "；".join(exc.messages)}
                        }
                    ) from exc
        procedure.save()  # Procedure.save refreshes the clock
    return procedure


def check_pause(pause: ProcedurePause, also=()) -> None:
    """A pause lies within the procedure (after acceptance, before completion) and overlaps no other
    (stored, or in ``also``: other pauses being written with it)."""
    procedure = pause.procedure
    errors = {}
    if not procedure.accepted_on:
        errors["paused_on"] = _("事项尚未受理，不能暂停计时")
    elif pause.paused_on <= procedure.accepted_on:
        errors["paused_on"] = _("暂停日期应晚于受理日期（%(d)s）") % {"d": procedure.accepted_on}
    if procedure.completed_on:
        if pause.resumed_on is None or pause.resumed_on > procedure.completed_on:
            errors["resumed_on"] = _("暂停不能超出办理期间：事项已于 %(d)s 办结") % {"d": procedure.completed_on}
        if pause.paused_on >= procedure.completed_on:
            errors["paused_on"] = _("暂停不能超出办理期间：事项已于 %(d)s 办结") % {"d": procedure.completed_on}
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
            errors.setdefault("paused_on", _("与已有的暂停（%(d)s 起）重叠") % {"d": other.paused_on})
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
            raise ValidationError({"resumed_on": _("该事项当前未暂停计时，无法恢复")}, code="not_paused")
        open_pause.resumed_on = on
        return save_pause(open_pause)
