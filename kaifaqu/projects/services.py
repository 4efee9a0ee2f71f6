"""Project writes and their rules: milestone corrections, monthly reports, review, lock and
correction, problem close-out. Each runs in one transaction and leaves change history.

Concurrent writers: every write of a project's ledger (its row, its monthly reports and their corrections)
first locks the project row and its reports (:func:`lock_ledger`), then checks its rules on what it read
under the lock, then writes; a write based on a copy someone else changed meanwhile is refused with
``core.services.Conflict``. Problems are written under their own row lock."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.fields import month_label
from kaifaqu.core.history import change_reason
from kaifaqu.core.scoping import Role, scope_for
from kaifaqu.core.services import Conflict, unchanged_since, write_transaction

from .models import (
    MILESTONES,
    CorrectedFigure,
    MonthlyReport,
    Problem,
    ProblemStatus,
    Project,
    ReportCorrection,
    ReportStatus,
)

FIGURES = CorrectedFigure.values  # the report's amounts, the ones a correction may change


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def lock_date(month: datetime.date) -> datetime.date:
    """The last day a month's report may be changed freely (default: the 5th of the next month)."""
    return next_month(month) + datetime.timedelta(days=settings.KFQ_REPORT_LOCK_DAY - 1)


# -- projects -------------------------------------------------------------------------------------
def corrections(old: Project | None, new: Project) -> list[tuple[str, str]]:
    """What in this edit moves a project backwards or revises it, and so needs a stated reason:
    [(field, what)]."""
    if old is None:
        return []
    found = []
    for _stage, _planned, actual, label in MILESTONES:
        before, after = getattr(old, actual), getattr(new, actual)
        if before is not None and before != after:
            found.append((actual, _("更改已记录的%(what)s日期") % {"what": label}))
    if old.terminated_on and not new.terminated_on:
        found.append(("terminated_on", _("撤销终止")))
    if old.total_investment != new.total_investment and old.reports.exists():
        found.append(("total_investment", _("调整总投资")))
    return found


def lock_ledger(project_id: int) -> tuple[Project, list[MonthlyReport]]:
    """Lock a project's row and its monthly reports until the transaction ends, and return them as stored
    (reports by month). Every writer of the ledger takes this lock first, so the rules that read the project
    and the neighbouring months read rows that no one else is changing."""
    project = Project.objects.select_for_update(no_key=True).filter(pk=project_id).first()
    if project is None:
        raise Conflict()
    reports = list(MonthlyReport.objects.select_for_update(no_key=True).filter(project_id=project_id).order_by("month"))
    return project, reports


def lock_ledgers(project_ids) -> None:
    """:func:`lock_ledger` for many projects at once (an import), in id order so that writers never deadlock."""
    ids = sorted(set(project_ids))
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        list(Project.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk").values_list("pk"))
        reports = MonthlyReport.objects.select_for_update(no_key=True).filter(project_id__in=chunk)
        list(reports.order_by("project_id", "month").values_list("pk"))


def save_project(project: Project, *, old: Project | None, reason: str = "") -> Project:
    """Save a project; corrections (see :func:`corrections`) need ``reason``, which the history keeps. The
    rules read the project and its reports under the ledger's lock."""
    with write_transaction(), change_reason(reason.strip()):
        if project.pk:
            stored, _reports = lock_ledger(project.pk)
            unchanged_since(old, stored)
            old = stored
        check_project(project, old, reason)
        project.save()
        land_started([project.pk])
    return project


def land_started(project_ids) -> None:
    """The side effect of a project's write: the signed leads of projects that have started have landed."""
    from kaifaqu.promotion.services import land_started as move_leads

    move_leads(project_ids)


def reason_message(needed: list[tuple[str, str]]) -> str:
    return _("以下修改须填写原因：%(what)s") % {"what": "、".join(what for _f, what in needed)}


def check_project(project: Project, old: Project | None, reason: str) -> None:
    """The rules of a project's write against its stored version ``old`` and its reports (every write path:
    page, API, import, admin). Raises ValidationError keyed by field; a missing reason under ``change_reason``."""
    needed = corrections(old, project)
    if needed and not reason.strip():
        raise ValidationError({"change_reason": reason_message(needed)}, code="reason_required")
    if old is not None and project.total_investment < old.total_investment:
        top = project.reports.order_by("-since_start").values_list("since_start", flat=True).first()
        if top is not None and top > project.total_investment:
            raise ValidationError({"total_investment": _("总投资不能小于已报开工至今累计投资 %(v)s 万元") % {"v": top}})
    if old is not None and old.started_on != project.started_on:
        first = project.reports.order_by("month").values_list("month", flat=True).first()
        if first is not None and (project.started_on is None or first_of_month(project.started_on) > first):
            raise ValidationError(
                {"started_on": _("已填报 %(m)s 的月度投资，开工日期不能晚于该月或清空") % {"m": month_label(first)}}
            )


# -- monthly reports ------------------------------------------------------------------------------
CUMULATIVE = ("year_to_date", "since_start")  # the report's cumulative figures


def last_reportable_month(today: datetime.date) -> datetime.date:
    """The latest month a report may be filed for on ``today``: this month (a future month is refused)."""
    return first_of_month(today)


def expected_cumulative(field: str, prev: MonthlyReport | None, month: datetime.date, this_month):
    """What the cumulative figure ``field`` of ``month``'s report adds up to with its month's ``this_month``: the
    previous month's figure plus this month's (``prev`` is the report of the month before, if any); the
    year-to-date figure of January is this month's alone. None where no rule fixes it (no previous month)."""
    if this_month is None:
        return None
    if field == "year_to_date" and month.month == 1:
        return this_month
    if prev is not None and next_month(prev.month) == month:
        return getattr(prev, field) + this_month
    return None


def month_due(project: Project, *, today: datetime.date | None = None) -> datetime.date | None:
    """The month a new report of ``project`` is for: the first month not yet reported after the ledger's
    latest month (the start month when nothing is reported yet), if it may be reported on ``today``
    (:func:`last_reportable_month`); None if the project has not started or is reported up to date. An earlier
    month left out is still filed by choosing it."""
    if project.started_on is None:
        return None
    latest = MonthlyReport.objects.filter(project=project).order_by("-month").values_list("month", flat=True).first()
    month = next_month(latest) if latest is not None else first_of_month(project.started_on)
    return month if month <= last_reportable_month(today or timezone.localdate()) else None


def previous_report(project: Project, month: datetime.date, *, exclude=None) -> MonthlyReport | None:
    """The report of the month before ``month`` (the one the cumulative figures add up from), if filed."""
    before = (month - datetime.timedelta(days=1)).replace(day=1)
    reports = MonthlyReport.objects.filter(project=project, month=before)
    return reports.exclude(pk=exclude).first() if exclude else reports.first()


def check_report(report: MonthlyReport) -> None:
    """The ledger rules of one month's report, given the project's other months. Raises ValidationError."""
    others = MonthlyReport.objects.filter(project=report.project).exclude(pk=report.pk)
    if others.filter(month=report.month).exists():  # filed meanwhile by someone else (read under the lock)
        raise ValidationError(_("该项目该月已填报；如需修改请使用更正"), code="unique")
    prev = others.filter(month__lt=report.month).order_by("-month").first()
    nxt = others.filter(month__gt=report.month).order_by("month").first()
    errors = report_errors(report, report.project, prev, nxt)
    if errors:
        raise ValidationError(errors)


def report_errors(report: MonthlyReport, project: Project, prev, nxt, *, today=None) -> dict[str, list[str]]:
    """Why ``report`` breaks the ledger rules next to its neighbours ``prev`` and ``nxt`` (pure; no queries)."""
    month = report.month
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if month.day != 1:
        add("month", _("月份应为该月1日"))
    if month > last_reportable_month(today):
        add("month", _("不能填报未来月份"))
    if project.started_on is None:
        add("month", _("项目尚未开工，不能填报月度投资"))
    elif month < first_of_month(project.started_on):
        add("month", _("报告月份早于项目开工月份（%(d)s）") % {"d": month_label(project.started_on)})
    if report.since_start is not None and report.since_start > project.total_investment:
        add(
            "since_start",
            _(
                "开工至报告期累计（%(a)s 万元）超过项目总投资（%(b)s 万元）；如总投资已调整，请先修改项目总投资并说明原因"  # noqa: E501
            )
            % {"a": report.since_start, "b": project.total_investment},
        )
    if month.month == 1 and report.year_to_date != expected_cumulative("year_to_date", None, month, report.this_month):
        add("year_to_date", _("1月的年初至报告期累计应等于当月完成投资"))
    if prev is not None:
        _check_pair(prev, report, add, neighbour=prev)
    if nxt is not None:
        _check_pair(report, nxt, add, neighbour=nxt)
    return errors


def _check_pair(earlier: MonthlyReport, later: MonthlyReport, add, *, neighbour: MonthlyReport) -> None:
    """Cumulative figures never decrease; consecutive months add up. ``neighbour`` is the stored one."""
    when = month_label(neighbour.month)
    after_neighbour = neighbour is earlier
    bound = _("不能小于") if after_neighbour else _("不能大于")
    for field, label, same_year_only in (
        ("since_start", _("开工至报告期累计"), False),
        ("year_to_date", _("年初至报告期累计"), True),
    ):
        if same_year_only and earlier.month.year != later.month.year:
            continue
        if getattr(later, field) < getattr(earlier, field):
            add(
                field,
                _("%(label)s%(bound)s%(m)s的 %(v)s 万元")
                % {"label": label, "bound": bound, "m": when, "v": getattr(neighbour, field)},
            )
        elif next_month(earlier.month) == later.month and getattr(later, field) != expected_cumulative(
            field, earlier, later.month, later.this_month
        ):
            add(
                field,
                _("%(label)s应等于%(m)s累计 %(a)s 加%(n)s当月 %(b)s 万元")
                % {
                    "label": label,
                    "m": month_label(earlier.month),
                    "a": getattr(earlier, field),
                    "n": month_label(later.month),
                    "b": later.this_month,
                },
            )


def _lock_report(report: MonthlyReport) -> MonthlyReport | None:
    """Lock the ledger(s) ``report`` is written to (its project and, if it is moved, the one it leaves, in id
    order); attach the locked project; return the stored report (None for a new one)."""
    ids = {report.project_id}
    if report.pk:
        before = MonthlyReport.objects.filter(pk=report.pk).values_list("project_id", flat=True).first()
        if before is None:
            raise Conflict()
        ids.add(before)
    locked = {pid: lock_ledger(pid) for pid in sorted(ids)}
    report.project = locked[report.project_id][0]
    if not report.pk:
        return None
    stored = MonthlyReport.objects.filter(pk=report.pk).first()
    if stored is None:
        raise Conflict()
    unchanged_since(report, stored)
    return stored


def reviewed_message() -> str:
    return _("报表已审核，企业不能再修改；请联系开发区")


def save_report(report: MonthlyReport, *, user) -> MonthlyReport:
    """Create or change a report before its month is locked; afterwards only :func:`correct_report`. A new
    report records who entered it (the four-eyes rule of :func:`review_report` reads it)."""
    with write_transaction():
        stored = _lock_report(report)
        if stored is None:
            report.entered_by = user if getattr(user, "pk", None) else None
        else:
            report.entered_by_id = stored.entered_by_id  # who entered it stays who entered it
            moved = stored.month != report.month or stored.project_id != report.project_id
            if stored.is_locked and (moved or any(getattr(stored, f) != getattr(report, f) for f in FIGURES)):
                raise ValidationError(
                    _("%(m)s 的报表已于 %(d)s 锁定，只能通过更正修改数字")
                    % {"m": month_label(stored.month), "d": stored.lock_date},
                    code="locked",
                )
            if stored.status == ReportStatus.REVIEWED and scope_for(user).role == Role.ENTERPRISE:
                raise ValidationError(reviewed_message(), code="reviewed")
        # Reviewed in the same write (the admin's status field): the four-eyes rule of review_report.
        newly_reviewed = stored is None or stored.status != ReportStatus.REVIEWED
        if report.status == ReportStatus.REVIEWED and newly_reviewed and not may_review(report, user):
            raise ValidationError(review_four_eyes_message(), code="four_eyes")
        check_report(report)
        report.save()
    return report


# -- four eyes (双人复核): per zone (Zone.four_eyes), the one who entered or raised a record does not also
# review or close it out. The pages do not offer them the action; every path that does it comes here.
def four_eyes_applies(zone) -> bool:
    return bool(zone is not None and zone.four_eyes)


def may_review(report: MonthlyReport, user) -> bool:
    """Whether ``user`` may review ``report`` under the four-eyes rule (not the one who entered it)."""
    if not four_eyes_applies(report.project.zone):
        return True
    return report.entered_by_id is None or report.entered_by_id != getattr(user, "pk", None)


def may_close(problem: Problem, user) -> bool:
    """Whether ``user`` may confirm ``problem``'s 销号 under the four-eyes rule (not the one who raised it)."""
    if not four_eyes_applies(problem.project.zone):
        return True
    return problem.raised_by_id is None or problem.raised_by_id != getattr(user, "pk", None)


def review_four_eyes_message() -> str:
    return _("双人复核：月度报表须由填报人以外的用户审核，您是该报表的填报人")


def close_four_eyes_message() -> str:
    return _("双人复核：问题销号须由提出人以外的用户确认，您是该问题的提出人")


def review_report(report: MonthlyReport, *, user) -> MonthlyReport:
    """审核: by the zone (not the enterprise), and under the zone's four-eyes rule not by whoever entered it."""
    if scope_for(user).role == Role.ENTERPRISE:
        raise ValidationError(_("报表由开发区审核"), code="review_role")
    with write_transaction():
        stored = _lock_report(report)
        report.entered_by_id = stored.entered_by_id
        if not may_review(report, user):
            raise ValidationError(review_four_eyes_message(), code="four_eyes")
        report.status = ReportStatus.REVIEWED
        report.reviewed_by = user
        report.reviewed_at = timezone.now()
        report.save()
    return report


def correct_report(
    report: MonthlyReport, *, user, values: dict, reason: str, version: datetime.datetime | None = None
) -> list[ReportCorrection]:
    """Change figures of a locked month: each change is a ReportCorrection beside the original.

    The cumulative figures of the later months follow in the same correction: a change of the year-to-date
    figure moves the year-to-date figures of the later months of that year by the same amount, a change of
    the since-start figure the since-start figures of all later months, each recorded as a ReportCorrection
    with the same reason, so that consecutive months still add up. ``version`` is the report's
    ``updated_at`` the user corrected from (the form carries it): a report changed since is refused.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("更正必须填写原因")})
    with write_transaction(), change_reason(reason):
        project, ledger = lock_ledger(report.project_id)
        stored = next((r for r in ledger if r.pk == report.pk), None)
        if stored is None or stored.updated_at != (version or report.updated_at):
            raise Conflict()
        changes = {
            f: Decimal(v)
            for f, v in values.items()
            if f in FIGURES and v is not None and Decimal(v) != getattr(stored, f)
        }
        if not changes:
            raise ValidationError(_("没有需要更正的数字"))
        old = {f: getattr(stored, f) for f in changes}
        for f, v in changes.items():
            setattr(stored, f, v)
        stored.project = project
        stored.full_clean(exclude=["project", "reviewed_by"])
        later = _carry_forward(stored, old, ledger)
        prev = next((r for r in reversed(ledger) if r.month < stored.month), None)
        errors = report_errors(stored, project, prev, _next_of(stored, ledger))  # the next month as moved
        for shifted, _moved in later:
            for field, messages in _carried_errors(shifted, project).items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        stored.save()
        made = [
            ReportCorrection(report=stored, field=f, old_value=old[f], new_value=v, reason=reason, corrected_by=user)
            for f, v in changes.items()
        ]
        for shifted, moved in later:
            shifted.save()
            made += [
                ReportCorrection(
                    report=shifted,
                    field=f,
                    old_value=v,
                    new_value=getattr(shifted, f),
                    reason=reason,
                    corrected_by=user,
                )
                for f, v in moved.items()
            ]
        for correction in made:
            correction.save()  # one by one: each is in the change history
    report.refresh_from_db()
    return made


def _next_of(report: MonthlyReport, ledger: list[MonthlyReport]) -> MonthlyReport | None:
    return next((r for r in ledger if r.month > report.month), None)


def _carry_forward(corrected: MonthlyReport, old: dict, ledger: list[MonthlyReport]) -> list[tuple]:
    """The later months with their cumulative figures moved by the correction's differences (in memory):
    [(report, {field: value before})], by month."""
    delta_ytd = corrected.year_to_date - old.get("year_to_date", corrected.year_to_date)
    delta_start = corrected.since_start - old.get("since_start", corrected.since_start)
    out = []
    for r in ledger:
        if r.month <= corrected.month:
            continue
        moved = {}
        if delta_start:
            moved["since_start"] = r.since_start
            r.since_start += delta_start
        if delta_ytd and r.month.year == corrected.month.year:
            moved["year_to_date"] = r.year_to_date
            r.year_to_date += delta_ytd
        if moved:
            out.append((r, moved))
    return out


def _carried_errors(report: MonthlyReport, project: Project) -> dict[str, list[str]]:
    """What moving a later month's cumulative figures can break (the rest of its rules are unchanged)."""
    errors: dict[str, list[str]] = {}
    when = month_label(report.month)
    if report.year_to_date < report.this_month:
        errors.setdefault("year_to_date", []).append(
            _("更正后 %(m)s 的年初至报告期累计（%(v)s 万元）将小于其当月完成投资（%(t)s 万元）")
            % {"m": when, "v": report.year_to_date, "t": report.this_month}
        )
    if report.since_start < report.year_to_date:
        errors.setdefault("since_start", []).append(
            _("更正后 %(m)s 的开工至报告期累计（%(v)s 万元）将小于其年初至报告期累计（%(y)s 万元）")
            % {"m": when, "v": report.since_start, "y": report.year_to_date}
        )
    if report.since_start > project.total_investment:
        errors.setdefault("since_start", []).append(
            _("更正后 %(m)s 的开工至报告期累计（%(v)s 万元）将超过项目总投资（%(t)s 万元）")
            % {"m": when, "v": report.since_start, "t": project.total_investment}
        )
    return errors


# -- dispatch meetings -------------------------------------------------------------------------------
def check_meeting_projects(zone, projects) -> None:
    """A zone's dispatch meeting reviews only that zone's projects."""
    foreign = [str(p) for p in projects if zone is not None and p.zone_id != zone.pk]
    if foreign:
        raise ValidationError({"projects": _("调度项目“%(p)s”不属于该开发区") % {"p": "、".join(foreign)}})


# -- problems -------------------------------------------------------------------------------------
CLOSERS = (Role.PROVINCE, Role.CITY, Role.ZONE)


def closed_message() -> str:
    return _("问题已销号，只有开发区可以修改")


def _lock_problem(problem: Problem) -> Problem:
    stored = Problem.objects.select_for_update(no_key=True).filter(pk=problem.pk).first()
    if stored is None:
        raise Conflict()
    return stored


def save_problem(problem: Problem, *, user) -> Problem:
    """Raise or edit a problem (page, API). An enterprise raises problems on its own projects (the scope
    re-check after the save refuses any other) and cannot change one that was closed out; only
    :func:`close_problem` closes one."""
    with write_transaction():
        if problem.pk:
            stored = _lock_problem(problem)
            unchanged_since(problem, stored)
            if stored.status == ProblemStatus.CLOSED and scope_for(user).role not in CLOSERS:
                raise ValidationError(closed_message(), code="closed")
            # The close-out is not edited here (the form and the API do not offer it): keep it as stored, and
            # who raised it stays who raised it.
            for name in ("status", "closed_by_id", "closed_on", "raised_by_id"):
                setattr(problem, name, getattr(stored, name))
        else:
            problem.raised_by = user if getattr(user, "pk", None) else None
            if problem.status == ProblemStatus.CLOSED and not may_close(problem, problem.closed_by):
                raise ValidationError(close_four_eyes_message(), code="four_eyes")  # raised closed (the admin)
        problem.save()
    return problem


def check_problem_delete(problem: Problem, *, user) -> None:
    """Deleting a problem would take it off the ledger without a close-out: not for an enterprise."""
    if scope_for(user).role not in CLOSERS:
        raise ValidationError(_("问题只能由开发区确认销号，企业不能删除问题"), code="delete_role")


def close_problem(problem: Problem, *, user, resolution: str | None = None) -> Problem:
    """销号: only with a resolution (given here or entered before), confirmed by the zone (not the enterprise).
    Page and API both close through here."""
    if scope_for(user).role not in CLOSERS:
        raise ValidationError(_("问题销号须由开发区确认"), code="close_role")
    with write_transaction():
        stored = _lock_problem(problem)
        if stored.status == ProblemStatus.CLOSED:
            raise ValidationError(_("该问题已于 %(d)s 销号") % {"d": stored.closed_on}, code="closed")
        if not may_close(stored, user):
            raise ValidationError(close_four_eyes_message(), code="four_eyes")
        if resolution is not None and resolution.strip():
            stored.resolution = resolution.strip()
        if not stored.resolution.strip():
            raise ValidationError({"resolution": _("请先填写解决情况，再销号")})
        stored.status = ProblemStatus.CLOSED
        stored.closed_by = user
        stored.closed_on = timezone.localdate()
        if stored.resolved_on is None:
            stored.resolved_on = stored.closed_on
        stored.save()
    for name in ("resolution", "status", "closed_by_id", "closed_on", "resolved_on", "updated_at"):
        setattr(problem, name, getattr(stored, name))
    return problem
