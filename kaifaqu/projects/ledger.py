"""The monthly investment ledger's cross-row rules for imports: the same rules as one report
(services.report_errors), checked against each row's neighbours in the merged file + database."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.excel import RowError
from kaifaqu.core.fields import month_label
from kaifaqu.core.scoping import Role, scope_for

from .models import MonthlyReport, ReportStatus
from .services import FIGURES, lock_date, report_errors, reviewed_message


def ledger_errors(staged, header_of, user) -> list[RowError]:
    today = timezone.localdate()
    rows = [(rownum, inst) for rownum, inst, _b, _m, _new in staged]
    project_ids = {inst.project_id for _r, inst in rows}
    timeline: dict[int, dict] = defaultdict(dict)
    stored = {}
    enterprise = scope_for(user).role == Role.ENTERPRISE
    for report in (
        MonthlyReport.objects.filter(project_id__in=project_ids)
        .only("id", "project_id", "month", "status", "progress", "problems", *FIGURES)
        .iterator(chunk_size=5000)
    ):
        timeline[report.project_id][report.month] = report
        stored[report.pk] = report
    for _r, inst in rows:
        timeline[inst.project_id][inst.month] = inst
    ordered = {pid: sorted(months) for pid, months in timeline.items()}
    in_file = {id(inst) for _r, inst in rows}
    errors = []
    for rownum, inst in rows:
        if inst.pk and inst.pk in stored:
            before = stored[inst.pk]
            if (
                enterprise
                and before.status == ReportStatus.REVIEWED
                and any(getattr(before, f) != getattr(inst, f) for f in (*FIGURES, "month", "progress", "problems"))
            ):
                errors.append(RowError(rownum, header_of["month"], reviewed_message()))
                continue
            if today > lock_date(before.month) and any(getattr(before, f) != getattr(inst, f) for f in FIGURES):
                errors.append(
                    RowError(
                        rownum,
                        header_of["month"],
                        _("%(m)s 已锁定，只能通过更正修改数字") % {"m": month_label(inst.month)},
                    )
                )
                continue
        months = ordered[inst.project_id]
        i = months.index(inst.month)
        prev = timeline[inst.project_id][months[i - 1]] if i > 0 else None
        nxt = timeline[inst.project_id][months[i + 1]] if i + 1 < len(months) else None
        if nxt is not None and id(nxt) in in_file:
            nxt = None  # a pair of file rows is checked once, on the later row, so only that row is blamed
        for field, messages in report_errors(inst, inst.project, prev, nxt, today=today).items():
            errors.extend(RowError(rownum, header_of.get(field, ""), m) for m in messages)
    return errors
