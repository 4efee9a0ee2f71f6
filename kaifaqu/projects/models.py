"""Key projects (重点项目): lifecycle, annual plans, monthly investment reports, 三个一批 rounds,
dispatch meetings and the problem ledger.

A project's milestone dates (planned and actual) are columns of the project, each stored once; its
stage is derived from them (:func:`kaifaqu.projects.stages.stage_of` in Python, ``stage_expression``
in SQL). Suspensions are periods of their own.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaifaqu.core.fields import MonthField, date_label, month_label
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.lib import projectcode
from kaifaqu.lib.qeval import holds
from kaifaqu.zones.models import NON_NEGATIVE, City, IndustryChain, Park, Zone

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [NON_NEGATIVE]}
ZONE_WRITERS = (Role.PROVINCE, Role.CITY, Role.ZONE)


def validate_project_code(value: str) -> None:
    reason = projectcode.problem(value, max_year=timezone.localdate().year + 1)
    messages = {
        "format": _("项目代码格式应为 YYYY-AAAAAA-II-TT-NNNNNN（如 2024-140271-36-03-012345）"),
        "year": _("项目代码的年份不合理"),
        "division": _("项目代码第二段应为山西省的行政区划代码（14开头）"),
        "type": _("项目代码第四段应为 01（审批）、02（核准）或 03（备案）"),
    }
    if reason:
        raise ValidationError(messages[reason], code=f"project_code_{reason}")


class Nature(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("扩建")
    RENOVATION = "renovation", _("技改")


class KeyLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级重点")
    CITY = "city", _("市级重点")


class Stage(models.TextChoices):
    RESERVE = "reserve", _("储备")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    SUSPENDED = "suspended", _("停工")
    PRODUCING = "producing", _("投产")
    AT_CAPACITY = "at_capacity", _("达效")
    TERMINATED = "terminated", _("终止")


# The main milestones in order: (stage, planned field, actual field, label).
# A milestone is an event (签约 = the signing), a stage the state after it (签约 = signed): one Chinese word, two
# English ones, hence the context.
MILESTONES = [
    (Stage.SIGNED, "planned_sign_on", "signed_on", pgettext_lazy("milestone", "签约")),
    (Stage.STARTED, "planned_start_on", "started_on", pgettext_lazy("milestone", "开工")),
    (Stage.PRODUCING, "planned_production_on", "producing_on", pgettext_lazy("milestone", "投产")),
    (Stage.AT_CAPACITY, "planned_capacity_on", "capacity_on", pgettext_lazy("milestone", "达效")),
]


class Project(TrackedModel):
    """A project a zone pushes from signing to full production."""

    code = models.CharField(
        _("项目代码"),
        max_length=24,
        blank=True,
        validators=[validate_project_code],
        help_text=_("全国投资项目在线审批监管平台项目代码，储备项目可暂空"),
    )
    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("项目单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("所属开发区"), on_delete=models.PROTECT, related_name="projects")
    park = models.ForeignKey(
        Park, verbose_name=_("所在园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name=_("产业链"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    nature = models.CharField(_("建设性质"), max_length=16, choices=Nature.choices, default=Nature.NEW)
    is_transformation = models.BooleanField(_("转型项目"), default=False)
    key_level = models.CharField(_("重点级别"), max_length=16, choices=KeyLevel.choices, blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY)
    land_area = models.DecimalField(
        _("用地面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    expected_output = models.DecimalField(_("预计年产值（万元）"), null=True, blank=True, **MONEY)
    expected_tax = models.DecimalField(_("预计年税收（万元）"), null=True, blank=True, **MONEY)
    actual_output = models.DecimalField(_("达效后实际年产值（万元）"), null=True, blank=True, **MONEY)
    liaison_leader = models.CharField(_("包联领导"), max_length=50, blank=True)
    construction_content = models.TextField(_("建设内容"), blank=True)

    planned_sign_on = models.DateField(_("计划签约日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    planned_start_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    planned_production_on = models.DateField(_("计划投产日期"), null=True, blank=True)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True)
    planned_capacity_on = models.DateField(_("计划达效日期"), null=True, blank=True)
    capacity_on = models.DateField(_("达效日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=300, blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise="enterprise")
    write_roles = ZONE_WRITERS

    constraint_fields = {
        "project_start_not_before_sign": "started_on",
        "project_termination_has_reason": "termination_reason",
        "project_planned_start_not_before_sign": "planned_start_on",
        "project_planned_production_not_before_start": "planned_production_on",
        "project_planned_capacity_not_before_production": "planned_capacity_on",
    }

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["zone__name", "name"]
        indexes = [
            models.Index(fields=["zone", "started_on"], name="project_zone_started_idx"),
            models.Index(fields=["planned_capacity_on"], name="project_capacity_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="project_unique_code",
                violation_error_message=_("该项目代码已登记"),
            ),
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="project_unique_name_in_zone",
                violation_error_message=_("该开发区已有同名项目"),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(signed_on__isnull=True) | Q(started_on__gte=F("signed_on")),
                name="project_start_not_before_sign",
                violation_error_message=_("开工日期不能早于签约日期"),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | ~Q(termination_reason=""),
                name="project_termination_has_reason",
                violation_error_message=_("终止项目必须填写终止原因"),
            ),
            # The planned milestones follow each other as the actual ones do (an empty one is not compared).
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{later}__isnull": True})
                    | Q(**{f"{earlier}__isnull": True})
                    | Q(**{f"{later}__gte": F(earlier)}),
                    name=name,
                    violation_error_message=message,
                )
                for name, earlier, later, message in (
                    (
                        "project_planned_start_not_before_sign",
                        "planned_sign_on",
                        "planned_start_on",
                        _("计划开工日期不能早于计划签约日期"),
                    ),
                    (
                        "project_planned_production_not_before_start",
                        "planned_start_on",
                        "planned_production_on",
                        _("计划投产日期不能早于计划开工日期"),
                    ),
                    (
                        "project_planned_capacity_not_before_production",
                        "planned_production_on",
                        "planned_capacity_on",
                        _("计划达效日期不能早于计划投产日期"),
                    ),
                )
            ),
        ]

    @staticmethod
    def report_due_q(period) -> Q:
        """The one definition of a monthly report that is due and missing (待填报): the project is in ``period``'s
        year plan, started by the month's end and not terminated by then, and has no report for that month."""
        return (
            Q(plans__year=period.year, started_on__lte=period.end)
            & ~Q(terminated_on__lte=period.end)
            & ~Q(reports__month=period.last_month)
        )

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.park_id and self.zone_id and self.park.zone_id != self.zone_id:
            errors["park"] = _("园区不属于所选开发区")
        if self.chain_id and self.zone_id and self.chain.zone_id != self.zone_id:
            errors["chain"] = _("产业链不属于所选开发区")
        today = timezone.localdate()
        previous, previous_label = None, None
        for _stage, _planned, actual, label in MILESTONES:
            value = getattr(self, actual)
            if value is None:
                continue
            if value > today:
                errors[actual] = _("%(what)s日期不能晚于今天") % {"what": label}
            elif previous is not None and value < previous:
                errors[actual] = _("%(what)s日期不能早于%(before)s日期") % {"what": label, "before": previous_label}
            previous, previous_label = value, label
        # A milestone cannot be reached while an earlier one is missing.
        reached = [getattr(self, a) is not None for _s, _p, a, _l in MILESTONES]
        for i in range(1, len(MILESTONES)):
            if reached[i] and not reached[i - 1] and MILESTONES[i][2] not in errors:
                errors[MILESTONES[i][2]] = _("请先填写%(before)s日期") % {"before": MILESTONES[i - 1][3]}
        if self.terminated_on:
            last_reached = max((getattr(self, a) for _s, _p, a, _l in MILESTONES if getattr(self, a)), default=None)
            if self.terminated_on > today:
                errors["terminated_on"] = _("终止日期不能晚于今天")
            elif last_reached and self.terminated_on < last_reached:
                errors["terminated_on"] = _("终止日期不能早于已到达的里程碑日期（%(d)s）") % {"d": last_reached}
            if self.capacity_on:
                errors["terminated_on"] = _("已达效的项目不能终止")
            if not self.termination_reason.strip():
                errors["termination_reason"] = _("终止项目必须填写终止原因")
        if errors:
            raise ValidationError(errors)

    @property
    def stage(self) -> str:
        from .stages import stage_of

        return stage_of(self)

    def get_stage_display(self):
        return Stage(self.stage).label


class Suspension(TrackedModel):
    """A period a started project stood still (停工 → 复工)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="suspensions")
    suspended_on = models.DateField(_("停工日期"))
    resumed_on = models.DateField(_("复工日期"), null=True, blank=True)
    reason = models.CharField(_("停工原因"), max_length=300)

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "project"

    constraint_fields = {"suspension_resume_after_suspend": "resumed_on"}

    class Meta:
        verbose_name = _("停复工记录")
        verbose_name_plural = _("停复工记录")
        ordering = ["project", "suspended_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=F("suspended_on")),
                name="suspension_resume_after_suspend",
                violation_error_message=_("复工日期不能早于停工日期"),
            )
        ]

    def __str__(self):
        return f"{self.project} {self.suspended_on}"

    def clean(self):
        if self.project_id and self.suspended_on:
            started = self.project.started_on
            if started is None or self.suspended_on < started:
                raise ValidationError({"suspended_on": _("只有已开工的项目才能停工，停工日期不能早于开工日期")})
        today = timezone.localdate()
        for name in ("suspended_on", "resumed_on"):
            value = getattr(self, name)
            if value and value > today:
                raise ValidationError({name: _("日期不能晚于今天")})


class PlanKind(models.TextChoices):
    NEW_START = "new_start", _("新开工")
    CONTINUING = "continuing", _("续建")


class AnnualPlan(TrackedModel):
    """A project's place in a year's key-project plan: new start or continuing, planned investment."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("计划类别"), max_length=16, choices=PlanKind.choices)
    planned_investment = models.DecimalField(_("年度计划投资（万元）"), **MONEY)
    resumed_on = models.DateField(
        _("复工日期"), null=True, blank=True, help_text=_("续建项目当年复工的日期（计入复工率）")
    )

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "project"

    constraint_fields = {"plan_resume_only_continuing": "resumed_on"}

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="plan_unique_project_year",
                violation_error_message=_("该项目已列入该年度计划"),
            ),
            models.CheckConstraint(
                condition=Q(kind="continuing") | Q(resumed_on__isnull=True),
                name="plan_resume_only_continuing",
                violation_error_message=_("只有续建项目才填写复工日期"),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.project}"

    def clean(self):
        if self.resumed_on and self.year and self.resumed_on.year != self.year:
            raise ValidationError({"resumed_on": _("复工日期应在计划年度内")})
        if self.resumed_on and self.resumed_on > timezone.localdate():
            raise ValidationError({"resumed_on": _("复工日期不能晚于今天")})


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已填报")
    REVIEWED = "reviewed", _("已审核")


class MonthlyReport(TrackedModel):
    """A project's investment for one month (reported as of the month's last day)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="reports")
    month = MonthField(_("月份"), help_text=_("该月1日"))
    this_month = models.DecimalField(_("当月完成投资（万元）"), **MONEY)
    year_to_date = models.DecimalField(_("年初至报告期累计（万元）"), **MONEY)
    since_start = models.DecimalField(_("开工至报告期累计（万元）"), **MONEY)
    progress = models.TextField(_("形象进度"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_paths = ScopePaths.through("project")
    write_roles = (*ZONE_WRITERS, Role.ENTERPRISE)
    history_parent = "project"
    created_by_field = "entered_by"

    constraint_fields = {"report_ytd_covers_month": "year_to_date", "report_since_start_covers_ytd": "since_start"}

    class Meta:
        verbose_name = _("月度投资报表")
        verbose_name_plural = _("月度投资报表")
        ordering = ["-month", "project__name"]
        indexes = [models.Index(fields=["month", "project"], name="report_month_project_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="report_unique_project_month",
                violation_error_message=_("该项目该月已填报；如需修改请使用更正"),
            ),
            models.CheckConstraint(
                condition=Q(year_to_date__gte=F("this_month")),
                name="report_ytd_covers_month",
                violation_error_message=_("年初至报告期累计不能小于当月完成投资"),
            ),
            models.CheckConstraint(
                condition=Q(since_start__gte=F("year_to_date")),
                name="report_since_start_covers_ytd",
                violation_error_message=_("开工至报告期累计不能小于年初至报告期累计"),
            ),
        ]

    def __str__(self):
        return f"{self.project} {month_label(self.month)}"

    @property
    def lock_date(self) -> datetime.date:
        from .services import lock_date

        return lock_date(self.month)

    @property
    def is_locked(self) -> bool:
        return timezone.localdate() > self.lock_date


class CorrectedFigure(models.TextChoices):
    """The figures of a monthly report that a correction may change, named as the report's columns."""

    THIS_MONTH = "this_month", _("当月完成投资（万元）")
    YEAR_TO_DATE = "year_to_date", _("年初至报告期累计（万元）")
    SINCE_START = "since_start", _("开工至报告期累计（万元）")


class ReportCorrection(TrackedModel):
    """A recorded correction of a locked month's figures: what changed, why, by whom."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月度报表"), on_delete=models.PROTECT, related_name="corrections"
    )
    field = models.CharField(_("更正项"), max_length=32, choices=CorrectedFigure.choices)
    old_value = models.DecimalField(_("原值（万元）"), max_digits=14, decimal_places=2)
    new_value = models.DecimalField(_("更正值（万元）"), **MONEY)
    reason = models.CharField(_("更正原因"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_paths = ScopePaths.through("report")
    write_roles = ZONE_WRITERS
    history_parent = "report"

    class Meta:
        verbose_name = _("报表更正")
        verbose_name_plural = _("报表更正")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.report} {self.field_label}"

    @property
    def field_label(self) -> str:
        """The corrected figure as its column is named (当月完成投资(万元) …)."""
        return self.get_field_display()


class CampaignLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")


class Campaign(TrackedModel):
    """A 三个一批 round: a batch of projects signed, started and put into production together."""

    name = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("活动日期"))
    level = models.CharField(_("级别"), max_length=16, choices=CampaignLevel.choices)
    city = models.ForeignKey(
        City,
        verbose_name=_("地市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("市级活动填写"),
    )

    scope_paths = ScopePaths(city="city", zone=None, enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY)

    constraint_fields = {"campaign_city_matches_level": "city"}

    class Meta:
        verbose_name = _("三个一批活动")
        verbose_name_plural = _("三个一批活动")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="province") & Q(city__isnull=True)) | (Q(level="city") & Q(city__isnull=False)),
                name="campaign_city_matches_level",
                violation_error_message=_("市级活动必须选择地市，省级活动不选地市"),
            ),
            models.UniqueConstraint(
                fields=["name", "held_on"],
                name="campaign_unique_name_date",
                violation_error_message=_("同一天已有同名活动"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{date_label(self.held_on)}）"

    @classmethod
    def scope_q(cls, scope):
        """Province rounds are seen by everyone; a city's rounds by that city and its zones."""
        province = Q(level=CampaignLevel.PROVINCE)
        if scope.city_id:
            return province | Q(city_id=scope.city_id)
        if scope.zone_id:
            return province | Q(city__zones=scope.zone_id)
        if scope.enterprise_id:
            return province
        return None

    @classmethod
    def write_q(cls, scope):
        """A city organises and changes its own rounds only; the province's are the province's."""
        return Q(city_id=scope.city_id)


class EntryKind(models.TextChoices):
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    PRODUCING = "producing", _("投产")


class CampaignEntry(TrackedModel):
    """A project enrolled in a round as signed, started or put into production."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="campaign_entries"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=EntryKind.choices)

    scope_paths = ScopePaths.through("project")
    write_roles = ZONE_WRITERS
    history_parent = "campaign"

    class Meta:
        verbose_name = _("活动项目")
        verbose_name_plural = _("活动项目")
        ordering = ["campaign", "kind", "project__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "project", "kind"],
                name="entry_unique",
                violation_error_message=_("该项目已以此类别列入该活动"),
            )
        ]

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()} · {self.project}"


class DispatchMeeting(TrackedModel):
    """A dispatch meeting (调度会) reviewing a zone's key projects."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=200)
    chair = models.CharField(_("主持人"), max_length=50)
    projects = models.ManyToManyField(Project, verbose_name=_("调度项目"), blank=True, related_name="meetings")
    decisions = models.TextField(_("会议议定事项"), blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = ZONE_WRITERS
    history_parent = "zone"

    class Meta:
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{date_label(self.held_on)} {self.title}"


class ProblemCategory(models.TextChoices):
    LAND = "land", _("土地")
    ENERGY = "energy", _("能耗")
    FUNDING = "funding", _("资金")
    LABOUR = "labour", _("用工")
    APPROVAL = "approval", _("审批")
    UTILITIES = "utilities", _("水电气暖")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    RESOLVED = "resolved", _("已解决待销号")
    CLOSED = "closed", _("已销号")


class Problem(TrackedModel):
    """A blocking problem of a project (问题清单), closed (销号) only with a confirmed resolution."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="problem_items")
    category = models.CharField(_("问题类别"), max_length=16, choices=ProblemCategory.choices)
    description = models.TextField(_("问题描述"))
    owner_unit = models.CharField(_("责任单位"), max_length=100)
    owner_person = models.CharField(_("责任人"), max_length=50)
    raised_on = models.DateField(_("提出日期"), default=timezone.localdate)
    deadline = models.DateField(_("办结时限"))
    progress_notes = models.TextField(_("推进情况"), blank=True)
    resolution = models.TextField(_("解决情况"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_paths = ScopePaths.through("project")
    write_roles = (*ZONE_WRITERS, Role.ENTERPRISE)  # an enterprise raises its own; the zone closes out
    history_parent = "project"
    created_by_field = "raised_by"

    constraint_fields = {
        "problem_closed_needs_resolution": "resolution",
        "problem_deadline_after_raised": "deadline",
        "problem_resolved_not_before_raised": "resolved_on",
    }

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["status", "deadline"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(resolution="") & Q(closed_by__isnull=False)),
                name="problem_closed_needs_resolution",
                violation_error_message=_("销号须有解决情况并经开发区确认"),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("raised_on")),
                name="problem_deadline_after_raised",
                violation_error_message=_("办结时限不能早于提出日期"),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("raised_on")),
                name="problem_resolved_not_before_raised",
                violation_error_message=_("解决日期不能早于提出日期"),
            ),
        ]

    def __str__(self):
        return f"{self.project}：{self.get_category_display()}"

    def clean(self):
        """A problem is not resolved in the future (the order of its dates is a constraint each, see
        constraint_fields: 办结时限 and 解决日期 not before 提出日期)."""
        if self.resolved_on and self.resolved_on > timezone.localdate():
            raise ValidationError({"resolved_on": _("解决日期不能晚于今天")})

    @staticmethod
    def overdue_q(day: datetime.date) -> Q:
        """The one definition of an overdue problem (逾期未销号): on ``day`` it is not closed out and its deadline is
        before that day. The deadline day itself is still in time. Closed out means closed on or before ``day`` (a
        problem closed later was still open then; one closed without a date counts as closed). A bulletin as of a
        month's end asks about the month's last day: deadline before it, not closed by it."""
        closed = Q(status=ProblemStatus.CLOSED) & (Q(closed_on__isnull=True) | Q(closed_on__lte=day))
        return Q(deadline__lt=day) & ~closed

    @property
    def is_overdue(self) -> bool:
        return holds(Problem.overdue_q(timezone.localdate()), self)


class StatusRule(TrackedModel):
    """Thresholds of the project status colours, editable by administrators (one row)."""

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)

    red_milestone_days = models.PositiveIntegerField(_("红色：里程碑逾期天数超过"), default=30)
    red_gap_points = models.DecimalField(
        _("红色：投资完成率落后序时进度超过（百分点）"), max_digits=5, decimal_places=1, default=20
    )
    yellow_gap_points = models.DecimalField(
        _("黄色：投资完成率落后序时进度超过（百分点）"), max_digits=5, decimal_places=1, default=10
    )
    yellow_on_overdue_problem = models.BooleanField(_("黄色：有逾期未销号问题"), default=True)

    class Meta:
        verbose_name = _("项目状态颜色规则")
        verbose_name_plural = _("项目状态颜色规则")

    def __str__(self):
        return str(_("项目状态颜色规则"))

    @classmethod
    def current(cls) -> "StatusRule":
        return cls.objects.order_by("pk").first() or cls()
