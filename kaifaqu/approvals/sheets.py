from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import Bundle, CalendarYear, Commitment, Holiday, Procedure, ProcedurePause, ProcedureType, ServiceLog


class ProcedureTypeSheet(SheetSpec):
    model = ProcedureType
    columns = [
        C("name"),
        C("stage"),
        C("authority"),
        C("limit_days"),
        C("day_kind"),
        C("extension_days"),
        C("allows_commitment"),
        C("materials"),
        C("is_active"),
    ]


class CalendarChangeSheet(SheetSpec):
    """An import that changes the holiday calendar bumps its version and recomputes the open clocks in the
    import's transaction (bulk writes send no signals)."""

    def after_write(self, instances):
        from . import calendar as holiday_calendar

        if instances:
            holiday_calendar.changed()


class CalendarYearSheet(CalendarChangeSheet):
    model = CalendarYear
    key = ("year",)
    columns = [C("year"), C("source")]


class HolidaySheet(CalendarChangeSheet):
    """A year's arrangement as the State Council publishes it: weekdays off and weekend days worked."""

    model = Holiday
    key = ("date",)
    columns = [C("date"), C("kind"), C("name")]


class ProcedureSheet(SheetSpec):
    """The procedure ledger (手续台账)."""

    model = Procedure
    key = ("project", "type")
    columns = [
        C("project", lookup="code", note="填写项目代码"),
        C("type"),
        C("mode"),
        C("applied_on"),
        C("accepted_on"),
        C("completed_on"),
        C("certificate_no"),
        C("agent", lookup="username", note="填写代办员的登录名"),
        C("lead_agent", lookup="username", note="填写领办员的登录名"),
    ]

    def validate_rows(self, staged, header_of):
        from kaifaqu.core.excel import RowError

        from . import calendar as holiday_calendar

        cal = holiday_calendar.current()
        errors = []
        for rownum, inst, _b, _m, _new in staged:
            for name in ("applied_on", "accepted_on", "completed_on"):
                day = getattr(inst, name)
                if day is not None and day.year not in cal.years:
                    from .services import calendar_error

                    errors.append(RowError(rownum, header_of[name], calendar_error(day.year)))
        return errors

    def lock_rows(self, staged):
        from . import calendar as holiday_calendar

        holiday_calendar.for_write()  # before the rows are written, as every clock writer does

    def after_write(self, instances):
        from . import calendar as holiday_calendar
        from .services import refresh_clock

        cal = holiday_calendar.for_write()
        for procedure in Procedure.objects.filter(pk__in=[i.pk for i in instances]).select_related("type"):
            refresh_clock(procedure, cal)


class PauseSheet(SheetSpec):
    model = ProcedurePause
    key = ("procedure", "paused_on")
    columns = [
        C("procedure", lookup="pk", note="填写手续编号"),
        C("paused_on"),
        C("resumed_on"),
        C("reason"),
        C("note"),
    ]

    def validate_rows(self, staged, header_of):
        """The same rules as the form: within the procedure's period, no overlap (in the file or stored)."""
        from django.core.exceptions import ValidationError

        from kaifaqu.core.excel import RowError

        from .services import check_pause

        errors = []
        by_procedure: dict[int, list] = {}
        for rownum, inst, _b, _m, _new in staged:
            try:
                check_pause(inst, also=by_procedure.get(inst.procedure_id, []))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.extend(RowError(rownum, header_of.get(field, ""), m) for m in messages)
            by_procedure.setdefault(inst.procedure_id, []).append(inst)
        return errors

    def lock_rows(self, staged):
        """The calendar, then the procedures the pauses belong to (in id order): the overlap rules read their
        pauses while no one else writes them."""
        from . import calendar as holiday_calendar

        holiday_calendar.for_write()
        ids = sorted({inst.procedure_id for _r, inst, _b, _m, _new in staged})
        list(Procedure.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))

    def after_write(self, instances):
        from . import calendar as holiday_calendar
        from .services import refresh_clock

        cal = holiday_calendar.for_write()
        ids = {i.procedure_id for i in instances}
        for procedure in Procedure.objects.filter(pk__in=ids).select_related("type"):
            refresh_clock(procedure, cal)


class ServiceLogSheet(SheetSpec):
    model = ServiceLog
    key = ("project", "served_on", "content")
    columns = [C("zone"), C("project", lookup="code"), C("agent", lookup="username"), C("served_on"), C("content")]


class CommitmentSheet(SheetSpec):
    model = Commitment
    key = ("procedure",)
    columns = [
        C("procedure", lookup="pk", note="填写手续编号"),
        C("promise"),
        C("due_on"),
        C("status"),
        C("checked_on"),
    ]


class BundleSheet(SheetSpec):
    model = Bundle
    key = ("project", "name")
    columns = [C("project", lookup="code"), C("name"), C("planned_on"), C("issued_on"), C("status")]
