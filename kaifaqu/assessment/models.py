"""Zone indicators (issue 12): a catalogue of indicators as data, and each zone's figures per period.

An :class:`Indicator` says what is measured (工业投资, 规上工业增加值 …): its unit, period kind, direction, whether
it adds up across zones, who reports it, its alarm and "good" thresholds, and — where the platform's own ledgers
hold the figure — how it is derived (never typed again). A :class:`ZoneFigure` is one zone's value for one
period, with the growth the zone reported beside it (kept as given: published growth is often on a restated base);
the platform's own 同比 is computed from the same period a year earlier (:mod:`kaifaqu.assessment.services`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import MonthField, month_label
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.zones.models import Zone
from kaifaqu.zones.models import ZoneCategory as ZoneCategoryChoices

EVERYONE = Q()


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("月度累计（1–N月）")
    QUARTERLY = "quarterly", _("季度累计")
    YEARLY = "yearly", _("年度")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Derivation(models.TextChoices):
    """Indicators the platform's ledgers hold: computed, not entered."""

    INDUSTRIAL_INVESTMENT = "industrial_investment", _("重点项目月报年初至今完成投资")
    TRANSFORMATION_INVEST = "transformation_investment", _("转型项目月报年初至今完成投资")
    TRANSFORMATION_SHARE = "transformation_share", _("转型项目投资占比")
    SIGNED_INVESTMENT = "signed_investment", _("年内签约协议金额")
    COMMITMENT_SHARE = "commitment_share", _("报建项目承诺制占比")


class Indicator(TrackedModel):
    """One indicator of the catalogue (data, not code): the province maintains it; everyone reads it."""

    code = models.CharField(
        _("指标代码"), max_length=40, unique=True, help_text=_("由字母、数字和下划线组成，全省唯一")
    )
    name = models.CharField(_("指标名称"), max_length=60, unique=True)
    unit = models.CharField(_("计量单位"), max_length=20, help_text=_("如 亿元、%、个"))
    period_kind = models.CharField(_("统计周期"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.MONTHLY)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    additive = models.BooleanField(_("可跨开发区加总"), default=True, help_text=_("总量可加总；比率、强度不可加总"))
    source = models.CharField(_("数据来源部门"), max_length=60, blank=True)
    owner = models.CharField(_("填报单位"), max_length=60, blank=True)
    alarm_threshold = models.DecimalField(
        _("预警值"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("低于（或高于，按方向）此值预警"),
    )
    good_threshold = models.DecimalField(_("良好值"), max_digits=14, decimal_places=2, null=True, blank=True)
    derivation = models.CharField(
        _("由平台台账生成"), max_length=32, choices=Derivation.choices, blank=True, help_text=_("留空则由开发区填报")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True
    internal_fields = ("code",)  # the key the API and the sheets match on; pages show the name

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标目录")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(alarm_threshold__isnull=True)
                | Q(good_threshold__isnull=True)
                | (Q(direction="higher") & Q(good_threshold__gte=models.F("alarm_threshold")))
                | (Q(direction="lower") & Q(good_threshold__lte=models.F("alarm_threshold"))),
                name="indicator_good_beyond_alarm",
                violation_error_message=_("良好值应优于预警值（越高越好时良好值不低于预警值，越低越好时相反）"),
            )
        ]

    constraint_fields = {"indicator_good_beyond_alarm": "good_threshold"}

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope):
        return EVERYONE  # the catalogue is public to every signed-in user

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"

    def months(self) -> tuple[int, ...]:
        """The months a period of this kind ends in."""
        if self.period_kind == PeriodKind.QUARTERLY:
            return (3, 6, 9, 12)
        if self.period_kind == PeriodKind.YEARLY:
            return (12,)
        return tuple(range(1, 13))


class ZoneFigure(TrackedModel):
    """A zone's value of one indicator for one period (its last month: 1–6月 is June), and the growth the zone
    reported with it."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="figures")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="figures")
    month = MonthField(_("统计期末月"), help_text=_("月度累计填截至月份；季度填季末月；年度填12月"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    reported_growth = models.DecimalField(
        _("公布增速（%）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("开发区公布的同比增速，以百分数填写（增长13.8%填13.8）；平台另按上年同期数计算"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)

    class Meta:
        verbose_name = _("开发区指标数据")
        verbose_name_plural = _("开发区指标数据")
        ordering = ["-month", "zone", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "month"],
                name="zone_figure_once_per_period",
                violation_error_message=_("该开发区该期的此项指标已填报，请修改原有数据"),
            )
        ]

    def __str__(self):
        return f"{self.zone} {self.indicator} {month_label(self.month)}"

    def clean(self):
        from kaifaqu.assessment.services import check_figure

        super().clean()
        check_figure(self)


def _positive(value) -> bool:
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


class Rule(models.TextChoices):
    SHARE_OF_BEST = "share_of_best", _("占组内最优值的比例")
    RATIO_TO_TARGET = "ratio_to_target", _("与目标值之比（封顶）")
    GROWTH = "growth", _("增速与目标之比")
    MIN_MAX = "min_max", _("极差法")
    RANK_POINTS = "rank_points", _("按名次计分")


class GradingKind(models.TextChoices):
    THRESHOLDS = "thresholds", _("按分数线")
    TOP = "top", _("按名次")


class AssessmentScheme(TrackedModel):
    """A year's assessment scheme for one category of zones (工业类 …, optionally a sub-group such as the
    county-managed industrial zones): its indicator groups and weights, its items (:class:`SchemeItem`), deductions
    and vetoes (:class:`SchemeAdjustment`), grading and warnings. Data, not code: the province edits it."""

    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("考核年度（评价上一年的数据）"))
    category = models.CharField(_("开发区类别"), max_length=16, choices=ZoneCategoryChoices.choices)
    sub_group = models.CharField(
        _("分组"), max_length=40, blank=True, help_text=_("如 县管工业类开发区；留空为该类全部")
    )
    name = models.CharField(_("方案名称"), max_length=100)
    groups = models.JSONField(
        _("指标组及权重"),
        default=list,
        help_text=_("每行一组：组名 权重，如“对外开放 30”；各组权重之和为100"),
    )
    grading = models.CharField(
        _("等次评定方式"), max_length=16, choices=GradingKind.choices, default=GradingKind.THRESHOLDS
    )
    excellent = models.DecimalField(_("优秀（分数线或名额）"), max_digits=6, decimal_places=2, null=True, blank=True)
    good = models.DecimalField(_("良好（分数线或名额）"), max_digits=6, decimal_places=2, null=True, blank=True)
    passing = models.DecimalField(_("合格（分数线或名额）"), max_digits=6, decimal_places=2, null=True, blank=True)
    warn_bottom = models.PositiveSmallIntegerField(_("末位预警个数"), default=0)
    is_template = models.BooleanField(
        _("模板"), default=False, help_text=_("模板不用于考核，只供复制为某年度某类别的方案")
    )

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "category", "sub_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "sub_group"],
                condition=Q(is_template=False),
                name="scheme_once_per_year_and_group",
                violation_error_message=_("该年度该类别（分组）已有考核方案"),
            ),
            models.UniqueConstraint(
                fields=["name"], name="scheme_name_unique", violation_error_message=_("已有同名的考核方案")
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope):
        return EVERYONE  # schemes are public: every zone knows how it is assessed

    def clean(self):
        super().clean()
        groups = self.groups if isinstance(self.groups, list) else None
        ok = groups is not None and all(
            isinstance(g, list | tuple) and len(g) == 2 and str(g[0]).strip() and _positive(g[1]) for g in groups
        )
        if not ok or not groups:
            raise ValidationError({"groups": _("指标组应逐行填写“组名 权重”，权重为正数")})
        names = [str(g[0]).strip() for g in groups]
        if len(set(names)) != len(names):
            raise ValidationError({"groups": _("指标组名称重复")})

    def group_names(self) -> list[str]:
        return [str(g[0]).strip() for g in self.groups or []]


class SchemeItem(TrackedModel):
    """One indicator of a scheme: its group, its points and how they are earned."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("指标组"), max_length=40)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("计分方法"), max_length=20, choices=Rule.choices, default=Rule.SHARE_OF_BEST)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField(_("封顶倍数"), max_digits=5, decimal_places=2, null=True, blank=True)

    scope_paths = ScopePaths.through("scheme")
    write_roles = (Role.PROVINCE,)
    history_parent = "scheme"

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "group", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "indicator"],
                name="scheme_item_indicator_once",
                violation_error_message=_("该指标已在本方案中使用"),
            )
        ]

    def __str__(self):
        return f"{self.scheme} · {self.indicator}"

    def clean(self):
        super().clean()
        if self.scheme_id and self.group and self.group not in self.scheme.group_names():
            raise ValidationError(
                {
                    "group": _("方案中没有“%(g)s”组；现有：%(n)s")
                    % {"g": self.group, "n": "、".join(self.scheme.group_names())}
                }
            )
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": _("分值应大于0")})
        if self.rule in (Rule.RATIO_TO_TARGET, Rule.GROWTH) and not self.target:
            raise ValidationError({"target": _("按目标值计分须填写不为0的目标值")})
        if self.cap is not None and self.cap < 1:
            raise ValidationError({"cap": _("封顶倍数不能小于1")})


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("加分项")
    DEDUCTION = "deduction", _("扣分项")
    VETO = "veto", _("一票否决")


class SchemeAdjustment(TrackedModel):
    """A bonus or a deduction (points per case, at most ``max_points`` in all) or a veto (a case removes the zone
    from the top grade) of a scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="adjustments"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=AdjustmentKind.choices)
    name = models.CharField(
        _("名称"), max_length=60, help_text=_("如 中央巡视发现问题、获评国家级示范园区、重大安全事故")
    )
    per_case = models.DecimalField(_("每次分值"), max_digits=5, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(
        _("最高分值"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("本项累计最多加（扣）的分数；留空为不设上限"),
    )

    scope_paths = ScopePaths.through("scheme")
    write_roles = (Role.PROVINCE,)
    history_parent = "scheme"

    class Meta:
        verbose_name = _("扣分与否决项")
        verbose_name_plural = _("扣分与否决项")
        ordering = ["scheme", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="veto") | Q(per_case__gt=0),
                name="deduction_has_points",
                violation_error_message=_("加分项和扣分项须填写大于0的每次分值"),
            ),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gt=0),
                name="adjustment_limit_positive",
                violation_error_message=_("最高分值应大于0"),
            ),
        ]

    constraint_fields = {"deduction_has_points": "per_case", "adjustment_limit_positive": "max_points"}

    def __str__(self):
        return f"{self.scheme} · {self.name}"


QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class AssessmentRun(TrackedModel):
    """A scheme applied to a year's data: every zone's score, rank, grade and warning. A draft is computed from the
    current figures each time it is read; publishing freezes the results (later corrections are listed beside)."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="runs"
    )
    data_year = models.PositiveSmallIntegerField(_("数据年度"), help_text=_("一般为考核年度的上一年"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"),
        null=True,
        blank=True,
        choices=QUARTERS,
        help_text=_("季度考核填写，按数据年度该季度末的累计数据评分；留空为年度考核"),
    )
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.DRAFT)
    results = models.JSONField(_("发布结果"), null=True, blank=True, editable=False)
    frozen = models.JSONField(_("发布时的方案与数据"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    history_exclude = ("created_at", "updated_at", "results", "frozen")

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-data_year", "-quarter", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "data_year"],
                condition=Q(quarter__isnull=True),
                name="run_once_per_year",
                violation_error_message=_("该方案该年度已有考核结果"),
            ),
            models.UniqueConstraint(
                fields=["scheme", "data_year", "quarter"],
                name="run_once_per_quarter",
                violation_error_message=_("该方案该季度已有考核结果"),
            ),
        ]

    def __str__(self):
        return _("%(s)s（%(p)s数据）") % {"s": self.scheme, "p": self.period_label}

    @property
    def period_label(self) -> str:
        if self.quarter:
            return _("%(y)s年%(q)s") % {"y": self.data_year, "q": self.get_quarter_display()}
        return _("%(y)s年") % {"y": self.data_year}

    @property
    def last_month(self) -> datetime.date:
        """The month whose figures (1–N月 cumulative) the run scores: the quarter's last month, else December."""
        return datetime.date(self.data_year, (self.quarter or 4) * 3, 1)

    def clean(self):
        super().clean()
        if self.scheme_id and self.scheme.is_template:
            raise ValidationError({"scheme": _("模板不能直接用于考核，请先复制为某年度的方案")})
        if self.scheme_id and self.quarter:
            yearly = [
                i.indicator.name
                for i in self.scheme.items.select_related("indicator")
                if i.indicator.period_kind == PeriodKind.YEARLY
            ]
            if yearly:
                raise ValidationError({"quarter": _("季度考核不能使用年度指标：%(n)s") % {"n": "、".join(yearly)}})

    @classmethod
    def scope_q(cls, scope):
        if scope.enterprise_id:
            return None  # an assessment of zones: not an enterprise's business
        return EVERYONE  # every zone reads the ranking; its detail is its own (assessment.views)


class RunCase(TrackedModel):
    """Cases of a deduction or a veto for one zone in one run (2 findings of a central inspection …)."""

    run = models.ForeignKey(AssessmentRun, verbose_name=_("考核结果"), on_delete=models.CASCADE, related_name="cases")
    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="+")
    adjustment = models.ForeignKey(
        SchemeAdjustment, verbose_name=_("扣分与否决项"), on_delete=models.PROTECT, related_name="cases"
    )
    cases = models.PositiveSmallIntegerField(_("次数"), default=1, validators=[MinValueValidator(1)])
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如 通报文号、问题清单"))

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE,)
    history_parent = "run"

    class Meta:
        verbose_name = _("扣分与否决记录")
        verbose_name_plural = _("扣分与否决记录")
        ordering = ["run", "zone", "adjustment"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "zone", "adjustment"],
                name="run_case_once",
                violation_error_message=_("该开发区本项已有记录，请修改次数"),
            )
        ]

    def __str__(self):
        return f"{self.zone} · {self.adjustment.name} × {self.cases}"

    def clean(self):
        super().clean()
        if self.run_id and self.adjustment_id and self.adjustment.scheme_id != self.run.scheme_id:
            raise ValidationError({"adjustment": _("扣分与否决项不属于本次考核的方案")})
        if self.run_id and self.run.status == RunStatus.PUBLISHED:
            raise ValidationError(_("考核结果已发布，不能再修改扣分与否决记录"))
