"""Excel layouts of the project ledgers (export, template and import share them)."""

from django.utils.translation import gettext as _

from kaifaqu.core.excel import SheetColumn as C
from kaifaqu.core.excel import SheetSpec

from .models import AnnualPlan, Campaign, CampaignEntry, DispatchMeeting, MonthlyReport, Problem, Project, Suspension


class ProjectSheet(SheetSpec):
    model = Project
    key = ("zone", "name")
    columns = [
        C("code"),
        C("name"),
        C("zone"),
        C("enterprise"),
        C("park"),
        C("chain"),
        C("nature"),
        C("is_transformation"),
        C("key_level"),
        C("total_investment"),
        C("land_area"),
        C("expected_output"),
        C("expected_tax"),
        C("liaison_leader"),
        C("planned_sign_on"),
        C("signed_on"),
        C("planned_start_on"),
        C("started_on"),
        C("planned_production_on"),
        C("producing_on"),
        C("planned_capacity_on"),
        C("capacity_on"),
    ]

    def lock_rows(self, staged):
        """The ledgers of the projects changed, as every writer of a project locks them (services.lock_ledger)."""
        from .services import lock_ledgers

        lock_ledgers(inst.pk for _r, inst, _b, _m, new in staged if not new)

    def validate_rows(self, staged, header_of):
        """The rules of the page and the API (services.check_project) for every changed project: an import
        carries no reason, so a correction that needs one is refused at the column it changes."""
        from django.core.exceptions import ValidationError

        from kaifaqu.core.excel import RowError

        from .services import check_project, corrections

        stored = Project.objects.in_bulk([inst.pk for _r, inst, _b, _m, new in staged if not new])
        errors = []
        for rownum, inst, _b, _m, new in staged:
            old = None if new else stored.get(inst.pk)
            if old is None:
                continue
            try:
                check_project(inst, old, "")
            except ValidationError as exc:
                needed = dict(corrections(old, inst))
                for field, messages in exc.message_dict.items():
                    if field == "change_reason":  # named at each column whose change needs the reason
                        for changed, what in needed.items():
                            message = _("%(what)s须填写原因，Excel 导入不能修改；请在项目页面修改并说明原因") % {
                                "what": what
                            }
                            errors.append(RowError(rownum, header_of.get(changed, ""), message))
                        continue
                    errors.extend(RowError(rownum, header_of.get(field, ""), m) for m in messages)
        return errors

    def after_write(self, instances):
        from .services import land_started

        land_started(i.pk for i in instances)


class AnnualPlanSheet(SheetSpec):
    model = AnnualPlan
    key = ("project", "year")
    columns = [
        C("project", lookup="code", note="填写项目代码"),
        C("year"),
        C("kind"),
        C("planned_investment"),
        C("resumed_on"),
    ]


class MonthlyReportSheet(SheetSpec):
    """A month's investment ledger (月度投资台账): one row per project and month."""

    model = MonthlyReport
    key = ("project", "month")
    columns = [
        C("project", lookup="code", note="填写项目代码（YYYY-AAAAAA-II-TT-NNNNNN）"),
        C("month", note="报告月份，填写 YYYY-MM 或该月1日，如 2025-09 或 2025-09-01"),
        C("this_month"),
        C("year_to_date"),
        C("since_start"),
        C("progress"),
        C("problems"),
    ]

    def lock_rows(self, staged):
        """The ledgers the rows are written to, as every writer of a ledger locks them (services.lock_ledger)."""
        from .services import lock_ledgers

        lock_ledgers(inst.project_id for _r, inst, *_rest in staged)

    def validate_rows(self, staged, header_of):
        """The ledger rules across months (cumulative, lock, start month) for every row at once."""
        from .ledger import ledger_errors

        return ledger_errors(staged, header_of, self.user)


class ProblemSheet(SheetSpec):
    model = Problem
    key = ("project", "description")
    columns = [
        C("project", lookup="code"),
        C("category"),
        C("description"),
        C("owner_unit"),
        C("owner_person"),
        C("raised_on"),
        C("deadline"),
        C("progress_notes"),
        C("resolution"),
        C("resolved_on"),
    ]

    def validate_rows(self, staged, header_of):
        """As on the page (services.save_problem): only the zone changes a problem that was closed out."""
        from kaifaqu.core.excel import RowError
        from kaifaqu.core.scoping import scope_for

        from .models import ProblemStatus
        from .services import CLOSERS, closed_message

        if scope_for(self.user).role in CLOSERS:
            return []
        ids = [inst.pk for _r, inst, _b, _m, new in staged if not new]
        closed = set(Problem.objects.filter(pk__in=ids, status=ProblemStatus.CLOSED).values_list("pk", flat=True))
        return [RowError(r, header_of["description"], closed_message()) for r, i, *_rest in staged if i.pk in closed]


class SuspensionSheet(SheetSpec):
    model = Suspension
    key = ("project", "suspended_on")
    columns = [C("project", lookup="code"), C("suspended_on"), C("resumed_on"), C("reason")]


class CampaignSheet(SheetSpec):
    model = Campaign
    key = ("name", "held_on")
    columns = [C("name"), C("held_on"), C("level"), C("city")]


class CampaignEntrySheet(SheetSpec):
    model = CampaignEntry
    key = ("campaign", "project", "kind")
    columns = [C("campaign", note="填写“活动日期 名称”，如 2023-02-22 第一批"), C("project", lookup="code"), C("kind")]


class DispatchMeetingSheet(SheetSpec):
    model = DispatchMeeting
    key = ("zone", "held_on", "title")
    columns = [C("zone"), C("held_on"), C("title"), C("chair"), C("projects", lookup="code"), C("decisions")]

    def validate_rows(self, staged, header_of):
        """As on the page and in the API (services.check_meeting_projects): only the zone's own projects."""
        from django.core.exceptions import ValidationError

        from kaifaqu.core.excel import RowError

        from .services import check_meeting_projects

        errors = []
        for rownum, inst, _b, m2m, _new in staged:
            if "projects" not in m2m:
                continue
            try:
                check_meeting_projects(inst.zone, m2m["projects"])
            except ValidationError as exc:
                errors.extend(RowError(rownum, header_of["projects"], m) for m in exc.message_dict["projects"])
        return errors
