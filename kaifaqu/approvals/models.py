"""Approvals and agency service (全代办): the procedure catalogue, the holiday calendar, procedures
per project on working-day clocks, pauses, commitments (承诺制), 六证同发 bundles and the service log.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import date_label
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import USE_PATHS, Role, ScopePaths
from kaifaqu.core.years import year_validators
from kaifaqu.projects.models import Project
from kaifaqu.zones.models import Zone

ZONE_WRITERS = (Role.PROVINCE, Role.CITY, Role.ZONE, Role.AGENT)
EVERYONE = Q()


class ApprovalStage(models.IntegerChoices):
    LAND = 1, _("立项用地规划许可")
    ENGINEERING = 2, _("工程建设许可")
    CONSTRUCTION = 3, _("施工许可")
    ACCEPTANCE = 4, _("竣工验收")


class DayKind(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class ProcedureType(TrackedModel):
    """A catalogue item: stage, issuing authority, statutory limit, whether 承诺制 applies, materials."""

    name = models.CharField(_("事项名称"), max_length=100, unique=True)
    stage = models.PositiveSmallIntegerField(_("审批阶段"), choices=ApprovalStage.choices)
    authority = models.CharField(_("办理部门"), max_length=100)
    limit_days = models.PositiveSmallIntegerField(_("法定时限（天）"))
    day_kind = models.CharField(_("时限计算方式"), max_length=16, choices=DayKind.choices, default=DayKind.WORKING)
    extension_days = models.PositiveSmallIntegerField(_("可延长（天）"), default=0)
    allows_commitment = models.BooleanField(_("可实行承诺制"), default=False)
    materials = models.TextField(_("申请材料"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项目录")
        ordering = ["stage", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope):
        return EVERYONE  # the catalogue is public to every signed-in user


class HolidayKind(models.TextChoices):
    OFF = "off", _("放假")
    WORKED = "worked", _("调休上班")


# Derived values are steps of the write, here and in the imports (approvals/sheets.py), not signals:
# a calendar change bumps the version and recomputes open clocks in the changing transaction; a procedure's
# or a pause's write recomputes that procedure's clock.
def _calendar_changed() -> None:
    from . import calendar as holiday_calendar

    holiday_calendar.changed()


def _refresh_clock_of(procedure_id) -> None:
    from .services import refresh_clock

    procedure = Procedure.objects.filter(pk=procedure_id).select_related("type").first()
    if procedure is not None:
        refresh_clock(procedure)


class CalendarWrites:
    """save/delete of a calendar record (a year, a holiday): the calendar's version follows."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _calendar_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _calendar_changed()
        return result


class CalendarYear(CalendarWrites, TrackedModel):
    """A year whose holiday arrangement is known; dates in other years are refused by the clocks."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=year_validators())
    source = models.CharField(_("来源"), max_length=200, blank=True)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @classmethod
    def scope_q(cls, scope):
        return EVERYONE


class CalendarVersion(models.Model):
    """The version of the holiday calendar: one row, changed in the same transaction as every change of
    :class:`CalendarYear` or :class:`Holiday` (page, API, import, admin, seeding; ``calendar.changed``).

    Every process reads it on every use of the calendar (``calendar.current``), so a change is seen by
    all web workers and the job worker on their next read. A clock is computed under a shared lock on this
    row (``calendar.for_write``), so it is never stored from a calendar that a committed change replaced.
    """

    number = models.PositiveBigIntegerField(_("版本号"), default=0)
    stamp = models.UUIDField(_("版本标识"), default=uuid.uuid4, editable=False)
    changed_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("节假日安排版本")
        verbose_name_plural = _("节假日安排版本")

    def __str__(self):
        return f"{self.number}"


class Holiday(CalendarWrites, TrackedModel):
    """A weekday off (法定节假日) or a weekend day worked (调休上班) in a covered year."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{date_label(self.date)} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope):
        return EVERYONE

    def clean(self):
        if self.date and self.kind == HolidayKind.OFF and self.date.weekday() >= 5:
            raise ValidationError({"kind": _("周末本来就是休息日，只需登记工作日放假和周末调休上班")})
        if self.date and self.kind == HolidayKind.WORKED and self.date.weekday() < 5:
            raise ValidationError({"kind": _("调休上班只能登记在周六或周日")})
        if self.date and not CalendarYear.objects.filter(year=self.date.year).exists():
            raise ValidationError({"date": _("请先登记%(y)s年度的节假日年度") % {"y": self.date.year}})


class Mode(models.TextChoices):
    REGULAR = "regular", _("常规")
    COMMITMENT = "commitment", _("承诺制")
    PARALLEL = "parallel", _("并联")
    TOLERANT = "tolerant", _("容缺受理")


class BundleStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ISSUED = "issued", _("已同发")
    MISSED = "missed", _("未能同发")


class Bundle(TrackedModel):
    """六证同发: certificates planned to be issued on one day."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="bundles")
    name = models.CharField(_("名称"), max_length=100, default="六证同发")
    planned_on = models.DateField(_("计划同发日期"))
    issued_on = models.DateField(_("实际同发日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=BundleStatus.choices, default=BundleStatus.PLANNED)

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "project"

    class Meta:
        verbose_name = _("六证同发")
        verbose_name_plural = _("六证同发")
        ordering = ["-planned_on"]

    def __str__(self):
        return f"{self.project} {self.name}"

    MIN_PROCEDURES = 2

    def clean(self):
        """已同发 only when the batch holds at least two procedures, all completed on one day; that day is the
        batch's 实际同发日期 (derived, never typed)."""
        if self.status != BundleStatus.ISSUED:
            if self.status == BundleStatus.PLANNED:
                self.issued_on = None
            return
        days = list(self.procedures.values_list("completed_on", flat=True)) if self.pk else []
        if len(days) < self.MIN_PROCEDURES:
            raise ValidationError(
                {
                    "status": _("同发批次至少应包含 %(n)s 项审批手续，当前 %(c)s 项")
                    % {"n": self.MIN_PROCEDURES, "c": len(days)}
                }
            )
        if None in days:
            raise ValidationError({"status": _("批次中还有未办结的手续，不能标记为已同发")})
        if len(set(days)) > 1:
            raise ValidationError(
                {
                    "status": _("批次中的手续办结日期不一致（%(d)s），不能标记为已同发")
                    % {"d": "、".join(str(d) for d in sorted(set(days)))}
                }
            )
        self.issued_on = days[0]


class Procedure(TrackedModel):
    """One approval item of a project, filed by the agency centre, on a working-day clock."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="procedures")
    type = models.ForeignKey(
        ProcedureType, verbose_name=_("审批事项"), on_delete=models.PROTECT, related_name="procedures"
    )
    mode = models.CharField(_("办理方式"), max_length=16, choices=Mode.choices, default=Mode.REGULAR)
    applied_on = models.DateField(_("申报日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    certificate_no = models.CharField(_("证照编号"), max_length=60, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    lead_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_procedures",
    )
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("六证同发"), null=True, blank=True, on_delete=models.SET_NULL, related_name="procedures"
    )
    notes = models.TextField(_("内部备注"), blank=True)
    # Kept consistent by services.refresh_clock (never typed in): the statutory due date and, once
    # done, the days used — so lists filter and statistics aggregate in the database.
    due_on = models.DateField(_("法定办结期限"), null=True, blank=True, editable=False)
    days_used = models.PositiveSmallIntegerField(_("实际用时（天）"), null=True, blank=True, editable=False)
    clock_error = models.CharField(_("计时异常"), max_length=200, blank=True, editable=False)

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "project"
    history_exclude = ("created_at", "updated_at", "due_on", "days_used", "clock_error")

    constraint_fields = {
        "procedure_completed_needs_accepted": "completed_on",
        "procedure_completed_after_accepted": "completed_on",
    }

    class Meta:
        verbose_name = _("审批手续")
        verbose_name_plural = _("审批手续")
        ordering = ["project", "type__stage", "accepted_on"]
        indexes = [
            models.Index(fields=["completed_on", "due_on"], name="procedure_open_due_idx"),
            models.Index(fields=["agent", "completed_on"], name="procedure_agent_idx"),
            models.Index(fields=["due_on"], name="procedure_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="procedure_unique_certificate",
                violation_error_message=_("该证照编号已登记"),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(accepted_on__isnull=False),
                name="procedure_completed_needs_accepted",
                violation_error_message=_("未受理的事项不能办结"),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("accepted_on")),
                name="procedure_completed_after_accepted",
                violation_error_message=_("办结日期不能早于受理日期"),
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | Q(applied_on__isnull=True)
                | Q(accepted_on__gte=F("applied_on")),
                name="procedure_accepted_after_applied",
                violation_error_message=_("受理日期不能早于申报日期"),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.type}"

    @classmethod
    def scope_q(cls, scope):
        """An agent (代办员) sees the procedures assigned to them; a lead agent their zone's."""
        if scope.role == Role.AGENT and scope.agent_rank != "lead":
            return Q(project__zone_id=scope.zone_id) & (Q(agent_id=scope.user_id) | Q(lead_agent_id=scope.user_id))
        return USE_PATHS

    def clean(self):
        errors = {}
        today = timezone.localdate()
        for name in ("applied_on", "accepted_on", "completed_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = _("日期不能晚于今天")
        if self.completed_on and not self.accepted_on:
            errors["completed_on"] = _("未受理的事项不能办结")
        elif self.completed_on and self.accepted_on and self.completed_on < self.accepted_on:
            errors["completed_on"] = _("办结日期不能早于受理日期")
        if self.mode == Mode.COMMITMENT and self.type_id and not self.type.allows_commitment:
            errors["mode"] = _("该事项不能实行承诺制")
        for name, rank in (("agent", None), ("lead_agent", "lead")):
            person = getattr(self, name)
            if person is None:
                continue
            if person.role != Role.AGENT or (self.project_id and person.zone_id != self.project.zone_id):
                errors[name] = _("应选择本开发区代办中心的人员")
            elif rank and person.agent_rank != rank:
                errors[name] = _("应选择领办员")
        if self.bundle_id and self.project_id and self.bundle.project_id != self.project_id:
            errors["bundle"] = _("六证同发批次不属于该项目")
        elif (
            self.bundle_id and self.bundle.status == BundleStatus.ISSUED and self.completed_on != self.bundle.issued_on
        ):
            errors["completed_on"] = _("所属六证同发批次已于 %(d)s 同发，办结日期应为该日") % {
                "d": self.bundle.issued_on
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _refresh_clock_of(self.pk)


class PauseReason(models.TextChoices):
    HEARING = "hearing", _("听证")
    EXPERT = "expert", _("专家评审")
    TESTING = "testing", _("检验检测")
    SUPPLEMENT = "supplement", _("补正材料")
    OTHER = "other", _("其他")


class ProcedurePause(TrackedModel):
    """Time excluded from the clock (hearings, expert review, testing)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("审批手续"), on_delete=models.CASCADE, related_name="pauses"
    )
    paused_on = models.DateField(_("暂停日期"))
    resumed_on = models.DateField(_("恢复日期"), null=True, blank=True)
    reason = models.CharField(_("暂停原因"), max_length=16, choices=PauseReason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = ScopePaths.through("procedure")
    write_roles = ZONE_WRITERS
    history_parent = "procedure"

    constraint_fields = {"pause_resume_after_pause": "resumed_on"}

    class Meta:
        verbose_name = _("计时暂停")
        verbose_name_plural = _("计时暂停")
        ordering = ["procedure", "paused_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gt=F("paused_on")),
                name="pause_resume_after_pause",
                violation_error_message=_("恢复日期应晚于暂停日期"),
            ),
        ]

    def __str__(self):
        return f"{self.procedure} {self.get_reason_display()} {self.paused_on}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _refresh_clock_of(self.procedure_id)

    def delete(self, *args, **kwargs):
        procedure_id = self.procedure_id
        result = super().delete(*args, **kwargs)
        _refresh_clock_of(procedure_id)
        return result


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    VERIFIED = "verified", _("已履约")
    BREACHED = "breached", _("未履约")


class Commitment(TrackedModel):
    """承诺书: what the enterprise promised instead of waiting for the approval, and by when."""

    procedure = models.OneToOneField(
        Procedure, verbose_name=_("审批手续"), on_delete=models.CASCADE, related_name="commitment"
    )
    promise = models.TextField(_("承诺内容"))
    due_on = models.DateField(_("履约期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    checked_on = models.DateField(_("核验日期"), null=True, blank=True)

    scope_paths = ScopePaths.through("procedure")
    write_roles = ZONE_WRITERS
    history_parent = "procedure"

    class Meta:
        verbose_name = _("承诺书")
        verbose_name_plural = _("承诺书")
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.procedure} 承诺"

    REMIND_DAYS = 7  # a pending commitment is 即将到期 this many calendar days before its 履约期限

    @staticmethod
    def due_q(kind: str, day: datetime.date) -> Q:
        """The one definition of a commitment to remind of on ``day``: ``overdue`` (pending, 履约期限 passed) or
        ``due_soon`` (pending, due within REMIND_DAYS days)."""
        pending = Q(status=CommitmentStatus.PENDING)
        if kind == "overdue":
            return pending & Q(due_on__lt=day)
        return pending & Q(due_on__gte=day, due_on__lte=day + datetime.timedelta(days=Commitment.REMIND_DAYS))

    def clean(self):
        errors = {}
        if self.procedure_id and self.procedure.mode != Mode.COMMITMENT:
            errors["procedure"] = _("承诺书只能用于按承诺制办理的审批手续（该手续为“%(m)s”）") % {
                "m": self.procedure.get_mode_display()
            }
        if self.status != CommitmentStatus.PENDING and not self.checked_on:
            errors["checked_on"] = _("核验结果须填写核验日期")
        if errors:
            raise ValidationError(errors)


class ServiceLog(TrackedModel):
    """帮代服务: what the agency centre did for a project on a day."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="service_logs")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="service_logs")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_logs",
    )
    served_on = models.DateField(_("服务日期"), default=timezone.localdate)
    content = models.TextField(_("服务内容"))

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = ZONE_WRITERS

    class Meta:
        verbose_name = _("帮代服务记录")
        verbose_name_plural = _("帮代服务记录")
        ordering = ["-served_on"]

    def __str__(self):
        return f"{self.served_on} {self.project}"

    def clean(self):
        if self.project_id and self.zone_id and self.project.zone_id != self.zone_id:
            raise ValidationError({"project": _("项目不属于该开发区")})
        if self.served_on and self.served_on > timezone.localdate():
            raise ValidationError({"served_on": _("日期不能晚于今天")})


def new_query_code() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class ProgressAccess(TrackedModel):
    """The query code with which anyone holding a project's code can follow its approvals (no login)."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_access"
    )
    query_code = models.CharField(_("查询码"), max_length=16, default=new_query_code)

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "project"
    history_exclude = ("created_at", "updated_at", "query_code")

    class Meta:
        verbose_name = _("进度查询码")
        verbose_name_plural = _("进度查询码")

    def __str__(self):
        return f"{self.project} 查询码"


class QueryThrottle(models.Model):
    """Attempts of a key (the public progress query of one address) in its current window, counted with a
    row lock so that concurrent requests in several processes are all counted."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()

    class Meta:
        verbose_name = _("查询限流计数")
        verbose_name_plural = _("查询限流计数")

    def __str__(self):
        return f"{self.key} {self.count}"
