"""Zone indicators (issue 12): a catalogue of indicators as data, and each zone's figures per period.

An :class:`Indicator` says what is measured (工业投资, 规上工业增加值 …): its unit, period kind, direction, whether
it adds up across zones, who reports it, its alarm and "good" thresholds, and — where the platform's own ledgers
hold the figure — how it is derived (never typed again). A :class:`ZoneFigure` is one zone's value for one
period, with the growth the zone reported beside it (kept as given: published growth is often on a restated base);
the platform's own 同比 is computed from the same period a year earlier (:mod:`kaifaqu.assessment.services`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.fields import MonthField, month_label
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.zones.models import Zone

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
