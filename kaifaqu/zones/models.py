"""Cities, development zones, parks and industry chains — the registries every other record hangs on."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.core.validators import validate_division_code

NON_NEGATIVE = MinValueValidator(0, message=_("不能为负数"))


class ZoneCategory(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业类")
    AGRICULTURE = "agriculture", _("现代农业类")
    ECO_TOURISM = "eco_tourism", _("生态文旅类")


class ZoneLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class City(TrackedModel):
    """A prefecture-level city (地级市) of Shanxi, with its administrative division code."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[validate_division_code])
    name = models.CharField(_("名称"), max_length=20, unique=True)

    scope_paths = ScopePaths(city="pk", zone="zones", enterprise="zones__enterprise_links__enterprise")
    write_roles = (Role.PROVINCE,)

    class Meta:
        verbose_name = _("地市")
        verbose_name_plural = _("地市")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}市"


class Zone(TrackedModel):
    """A development zone (开发区) — the unit of scope for everything a zone's committee records."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    city = models.ForeignKey(City, verbose_name=_("所属地市"), on_delete=models.PROTECT, related_name="zones")
    county = models.CharField(_("所在县（市、区）"), max_length=50, blank=True)
    category = models.CharField(
        _("类别"), max_length=16, choices=ZoneCategory.choices, blank=True, help_text=_("空白表示尚未核实")
    )
    level = models.CharField(
        _("级别"), max_length=16, choices=ZoneLevel.choices, blank=True, help_text=_("空白表示尚未核实")
    )
    approved_on = models.DateField(_("批准设立日期"), null=True, blank=True)
    planned_area = models.DecimalField(
        _("规划面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    leading_industries = models.CharField(_("主导产业"), max_length=200, blank=True)
    platform_company = models.CharField(_("平台公司"), max_length=100, blank=True)
    assessment_group = models.CharField(
        _("考核分组"),
        max_length=40,
        blank=True,
        help_text=_("省级考核确定的分组，如 县管工业类开发区；在该类别中另行排名，留空为不分组"),
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    four_eyes = models.BooleanField(
        _("双人复核"),
        default=True,
        help_text=_("开启后，月度报表须由填报人以外的用户审核，问题销号须由提出人以外的用户确认"),
    )

    scope_paths = ScopePaths(city="city", zone="pk", enterprise="enterprise_links__enterprise")
    write_roles = (Role.PROVINCE, Role.CITY)

    class Meta:
        verbose_name = _("开发区")
        verbose_name_plural = _("开发区")
        ordering = ["city__code", "name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class Park(TrackedModel):
    """A park inside a zone (一区多园 / 园中园)."""

    zone = models.ForeignKey(Zone, verbose_name=_("所属开发区"), on_delete=models.PROTECT, related_name="parks")
    name = models.CharField(_("名称"), max_length=100)
    area = models.DecimalField(
        _("面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    leading_industries = models.CharField(_("主导产业"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    history_parent = "zone"

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["zone__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="park_unique_name_in_zone",
                violation_error_message=_("该开发区已有同名园区"),
            )
        ]

    def __str__(self):
        return self.name


class IndustryChain(TrackedModel):
    """An industry chain (产业链) a zone targets, with the research group (产业链研究小组) that studies it."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("所属开发区"), on_delete=models.PROTECT, related_name="industry_chains"
    )
    name = models.CharField(_("名称"), max_length=100)
    research_group = models.CharField(_("研究小组"), max_length=100, blank=True)
    group_leader = models.CharField(_("牵头领导"), max_length=50, blank=True)
    description = models.TextField(_("说明"), blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    history_parent = "zone"

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["zone__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="chain_unique_name_in_zone",
                violation_error_message=_("该开发区已有同名产业链"),
            )
        ]

    def __str__(self):
        return self.name
