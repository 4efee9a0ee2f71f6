"""Land (issue 11): 标准地 parcels with the control indicators their contracts commit, the standards those indicators
are proposed from, and the land a zone holds in reserve.

An :class:`IndicatorStandard` is one control indicator's value for an industry class (GB/T 4754, two digits) and
a zone level, from a year on: mandatory (规范性 — the national minimum; a zone may tighten it, never relax it) or
recommended (推荐性 — the province or city sets its own). A :class:`LandParcel` (宗地) is sold with
:class:`ParcelCommitment` rows (what the 投资建设协议 commits per indicator), proposed from the standards when the
parcel is created (:func:`kaifaqu.land.services.save_parcel`); a commitment weaker than a mandatory standard is
refused. A :class:`LandReserve` is land a zone has taken into its reserve (收储) and what became of it.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.zones.models import Zone, ZoneLevel

POSITIVE_AREA = MinValueValidator(Decimal("0.01"), message=_("面积应大于0"))
NON_NEGATIVE = MinValueValidator(0, message=_("不能为负数"))
CENT = Decimal("0.01")
# A class of the national economic industry classification (GB/T 4754): its two-digit code.
INDUSTRY_CLASS = RegexValidator(r"^\d{2}$", message=_("行业代码应为两位数字（GB/T 4754 大类），如 26"))


class LandIndicator(models.TextChoices):
    """The control indicators of 标准地 (domain.md, "标准地"); each standard row says its bound and value."""

    INVESTMENT_INTENSITY = "investment_intensity", _("投资强度（万元/亩）")
    PLOT_RATIO = "plot_ratio", _("容积率")
    BUILDING_COVERAGE = "building_coverage", _("建筑系数（%）")
    ADMIN_SHARE = "admin_share", _("行政办公及生活服务设施用地比重（%）")
    TAX_PER_MU = "tax_per_mu", _("亩均税收（万元/亩·年）")
    OUTPUT_PER_MU = "output_per_mu", _("亩均产值（万元/亩·年）")
    VALUE_ADDED_PER_MU = "value_added_per_mu", _("亩均增加值（万元/亩·年）")
    ENERGY_PER_VALUE_ADDED = "energy_per_value_added", _("单位增加值能耗（吨标准煤/万元）")
    GREEN_RATIO = "green_ratio", _("绿地率（%）")


class Bound(models.TextChoices):
    AT_LEAST = "ge", _("不低于（≥）")
    AT_MOST = "le", _("不高于（≤）")


class Binding(models.TextChoices):
    MANDATORY = "mandatory", _("规范性（不得放宽）")
    RECOMMENDED = "recommended", _("推荐性")


def weaker(bound: str, committed: Decimal, standard: Decimal) -> bool:
    """Whether a commitment ``committed`` is weaker than ``standard`` under ``bound`` (≥: lower; ≤: higher)."""
    return committed < standard if bound == Bound.AT_LEAST else committed > standard


class IndicatorStandard(TrackedModel):
    """One control indicator's standard value for an industry class and zone level, applying from ``year`` on
    (a later year's row replaces it). Blank industry or level: every industry or level."""

    year = models.PositiveSmallIntegerField(
        _("执行年度"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("自该年度起执行，直到有更晚年度的标准"),
    )
    indicator = models.CharField(_("控制指标"), max_length=32, choices=LandIndicator.choices)
    industry_code = models.CharField(
        _("行业代码"),
        max_length=2,
        blank=True,
        validators=[INDUSTRY_CLASS],
        help_text=_("国民经济行业分类（GB/T 4754）两位大类代码，如 26；留空为所有行业"),
    )
    industry_name = models.CharField(_("行业名称"), max_length=40, blank=True)
    zone_level = models.CharField(
        _("开发区级别"), max_length=16, choices=ZoneLevel.choices, blank=True, help_text=_("留空为各级别")
    )
    bound = models.CharField(_("方向"), max_length=2, choices=Bound.choices)
    value = models.DecimalField(_("标准值"), max_digits=12, decimal_places=4, validators=[NON_NEGATIVE])
    binding = models.CharField(_("性质"), max_length=16, choices=Binding.choices, default=Binding.RECOMMENDED)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    @classmethod
    def scope_q(cls, scope):
        return Q()  # the standards are public: every investor may read what a parcel will be held to

    class Meta:
        verbose_name = _("控制指标标准")
        verbose_name_plural = _("控制指标标准")
        ordering = ["indicator", "industry_code", "zone_level", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "indicator", "industry_code", "zone_level"],
                name="standard_once_per_year_industry_level",
                violation_error_message=_("该年度该行业、该级别的此项指标已有标准"),
            )
        ]

    def __str__(self):
        scope = " ".join(x for x in (self.industry_name or self.industry_code, self.get_zone_level_display()) if x)
        return f"{self.get_indicator_display()} {self.get_bound_display()}{_plain(self.value)}" + (
            f"（{scope}）" if scope else ""
        )

    @property
    def specificity(self) -> int:
        return (2 if self.industry_code else 0) + (1 if self.zone_level else 0)


def stored(value) -> bool:
    """Whether an area or amount can be what the database keeps (12 digits at most): the row rules compare only
    such values; an impossible one is refused by its field's own rule."""
    return isinstance(value, Decimal | int) and Decimal(value).is_finite() and Decimal(value).adjusted() < 12


def mu(value) -> str:
    """An area in a message as the registers keep it: 亩 to 0.01 (150.00, whatever the database's sum gives)."""
    return str(Decimal(value).quantize(CENT))


def _plain(value) -> str:
    return format(Decimal(value).normalize(), "f") if value is not None else ""


class LandReserve(TrackedModel):
    """Land a zone took into its reserve (收储): its area, date, cost and origin, whether it is serviced, the part
    used for infrastructure; the parcels sold from it are its :class:`LandParcel` rows."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="land_reserves")
    name = models.CharField(_("地块名称"), max_length=100)
    area = models.DecimalField(_("收储面积（亩）"), max_digits=12, decimal_places=2, validators=[POSITIVE_AREA])
    reserved_on = models.DateField(_("收储日期"))
    cost = models.DecimalField(
        _("收储成本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    source = models.CharField(_("原权利人"), max_length=100, blank=True, help_text=_("如 某村集体、某企业"))
    serviced = models.BooleanField(_("已完成基础设施配套"), default=False, help_text=_("“七通一平”等已完成"))
    infrastructure_area = models.DecimalField(
        _("用于基础设施（亩）"), max_digits=12, decimal_places=2, default=0, validators=[NON_NEGATIVE]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)

    class Meta:
        verbose_name = _("储备土地")
        verbose_name_plural = _("储备土地")
        ordering = ["zone__name", "-reserved_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="reserve_unique_name_in_zone",
                violation_error_message=_("该开发区已有同名储备地块"),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.reserved_on and self.reserved_on > timezone.localdate():
            raise ValidationError({"reserved_on": _("收储日期不能晚于今天")})
        if stored(self.area) and stored(self.infrastructure_area):
            sold = self.parcels.aggregate(s=models.Sum("area"))["s"] or 0 if self.pk else 0
            if self.infrastructure_area + sold > self.area:
                raise ValidationError(
                    {
                        "area": _("用于基础设施%(i)s亩与已供应宗地%(s)s亩之和超过收储面积%(a)s亩")
                        % {"i": mu(self.infrastructure_area), "s": mu(sold), "a": mu(self.area)}
                    }
                )


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业用地")
    WAREHOUSE = "warehouse", _("仓储用地")
    COMMERCIAL = "commercial", _("商业服务业用地")
    OTHER = "other", _("其他用地")


class SaleWay(models.TextChoices):
    TENDER = "tender", _("招标")
    AUCTION = "auction", _("拍卖")
    LISTING = "listing", _("挂牌")
    AGREEMENT = "agreement", _("协议")


class ParcelStatus(models.TextChoices):
    RESERVED = "reserved", _("储备")
    PREPARING = "preparing", _("出让前准备")
    SOLD = "sold", _("已出让")
    STARTED = "started", _("已开工")
    COMPLETED = "completed", _("已竣工")
    PRODUCING = "producing", _("已投产")
    REVIEWED = "reviewed", _("已达产复核")


STATUS_ORDER = list(ParcelStatus.values)
SOLD_STATUSES = STATUS_ORDER[STATUS_ORDER.index(ParcelStatus.SOLD) :]


class LandParcel(TrackedModel):
    """A parcel (宗地) of a zone: where it is, its area and use, how and when it was sold and for how much, to
    whom and for which project, and how far it has come (储备 → … → 已达产复核)."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="parcels")
    park = models.ForeignKey(
        "zones.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="parcels"
    )
    number = models.CharField(_("宗地编号"), max_length=40)
    location = models.CharField(_("坐落"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(73), MaxValueValidator(136)],
    )
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(54)],
    )
    boundary = models.JSONField(
        _("界址范围（GeoJSON）"), null=True, blank=True, help_text=_("可选：GeoJSON 格式的多边形界址，坐标为经度、纬度")
    )
    area = models.DecimalField(_("面积（亩）"), max_digits=12, decimal_places=2, validators=[POSITIVE_AREA])
    land_use = models.CharField(_("土地用途"), max_length=16, choices=LandUse.choices, default=LandUse.INDUSTRIAL)
    industry_code = models.CharField(
        _("行业代码"),
        max_length=2,
        blank=True,
        validators=[INDUSTRY_CLASS],
        help_text=_("GB/T 4754 两位大类代码，控制指标按此建议"),
    )
    is_standard = models.BooleanField(_("标准地"), default=True, help_text=_("按控制指标出让的“标准地”"))
    reserve = models.ForeignKey(
        LandReserve,
        verbose_name=_("来源储备地块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
    status = models.CharField(_("状态"), max_length=16, choices=ParcelStatus.choices, default=ParcelStatus.PREPARING)
    sale_way = models.CharField(_("出让方式"), max_length=16, choices=SaleWay.choices, blank=True)
    sold_on = models.DateField(_("出让日期"), null=True, blank=True)
    price = models.DecimalField(
        _("出让价款（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    price_per_mu = models.DecimalField(
        _("亩均价款（万元/亩）"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    buyer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("受让企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("建设项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parcels",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise="buyer")
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    derived_fields = ("price_per_mu",)

    class Meta:
        verbose_name = _("宗地")
        verbose_name_plural = _("宗地")
        ordering = ["zone__name", "-sold_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "number"],
                name="parcel_unique_number_in_zone",
                violation_error_message=_("该开发区已有此宗地编号"),
            ),
            models.CheckConstraint(
                condition=Q(area__gt=0), name="parcel_area_positive", violation_error_message=_("面积应大于0")
            ),
        ]

    constraint_fields = {"parcel_area_positive": "area"}

    def __str__(self):
        return self.number

    def derive_fields(self) -> None:
        ok = stored(self.price) and stored(self.area)
        self.price_per_mu = average_price(self.price, self.area) if ok else None

    @property
    def sold(self) -> bool:
        return self.status in SOLD_STATUSES

    def clean(self):
        super().clean()
        errors = {}
        if self.park_id and self.zone_id and self.park.zone_id != self.zone_id:
            errors["park"] = _("园区不属于所选开发区")
        if self.reserve_id and self.zone_id and self.reserve.zone_id != self.zone_id:
            errors["reserve"] = _("储备地块不属于所选开发区")
        if self.project_id and self.zone_id and self.project.zone_id != self.zone_id:
            errors["project"] = _("项目不属于所选开发区")
        if self.sold:
            for name in ("sale_way", "sold_on", "price"):
                if getattr(self, name) in (None, ""):
                    errors[name] = _("状态为“%(s)s”时须填写%(f)s") % {
                        "s": self.get_status_display(),
                        "f": self._meta.get_field(name).verbose_name,
                    }
        elif self.sold_on:
            errors["status"] = _("已填写出让日期，状态应为“已出让”或之后的阶段")
        if self.sold_on and self.sold_on > timezone.localdate():
            errors["sold_on"] = _("出让日期不能晚于今天")
        if self.sold_on and self.reserve_id and self.sold_on < self.reserve.reserved_on:
            errors["sold_on"] = _("出让日期%(d)s早于该地块的收储日期%(r)s") % {
                "d": self.sold_on,
                "r": self.reserve.reserved_on,
            }
        if self.boundary not in (None, "", {}):
            problem = geojson_problem(self.boundary)
            if problem:
                errors["boundary"] = problem
        if self.reserve_id and stored(self.area) and self.area > 0:
            others = self.reserve.parcels.exclude(pk=self.pk).aggregate(s=models.Sum("area"))["s"] or 0
            used = others + self.reserve.infrastructure_area + self.area
            if used > self.reserve.area:
                errors["area"] = _("该储备地块已供应%(o)s亩、基础设施%(i)s亩，加上本宗地%(a)s亩超过收储面积%(r)s亩") % {
                    "o": mu(others),
                    "i": mu(self.reserve.infrastructure_area),
                    "a": mu(self.area),
                    "r": mu(self.reserve.area),
                }
        if errors:
            raise ValidationError(errors)


def average_price(price, area) -> Decimal | None:
    """万元/亩 to 0.01, rounded half up (the published figures' rounding)."""
    if price is None or not area:
        return None
    return (Decimal(price) / Decimal(area)).quantize(CENT, rounding=ROUND_HALF_UP)


def geojson_problem(value) -> str:
    """Why ``value`` is not a GeoJSON Polygon or MultiPolygon of [longitude, latitude] rings, or ""."""
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        return _("界址范围应为 GeoJSON 格式的多边形（类型为 Polygon 或 MultiPolygon）")
    polygons = value.get("coordinates")
    polygons = [polygons] if value["type"] == "Polygon" else polygons
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    return _("界址范围的每个环至少4个点，且首尾相同")
                for lon, lat, *_rest in ring:
                    if not (73 <= float(lon) <= 136 and 3 <= float(lat) <= 54):
                        return _("界址坐标应为中国境内的经度、纬度")
    except (TypeError, ValueError):
        return _("界址范围的坐标应为 [经度, 纬度] 数对")
    return ""


class ParcelCommitment(TrackedModel):
    """What a parcel's 投资建设协议 commits for one control indicator, beside the standard it was proposed from."""

    parcel = models.ForeignKey(LandParcel, verbose_name=_("宗地"), on_delete=models.CASCADE, related_name="commitments")
    indicator = models.CharField(_("控制指标"), max_length=32, choices=LandIndicator.choices)
    bound = models.CharField(_("方向"), max_length=2, choices=Bound.choices)
    value = models.DecimalField(_("承诺值"), max_digits=12, decimal_places=4, validators=[NON_NEGATIVE])
    standard_value = models.DecimalField(
        _("标准值"), max_digits=12, decimal_places=4, null=True, blank=True, editable=False
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths.through("parcel")
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    history_parent = "parcel"

    class Meta:
        verbose_name = _("控制指标承诺")
        verbose_name_plural = _("控制指标承诺")
        ordering = ["parcel", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "indicator"],
                name="commitment_once_per_indicator",
                violation_error_message=_("该宗地已有此项控制指标的承诺"),
            )
        ]

    def __str__(self):
        return f"{self.parcel} {self.get_indicator_display()} {self.get_bound_display()}{_plain(self.value)}"

    def clean(self):
        from .services import mandatory_problem

        super().clean()
        if self.parcel_id and self.indicator and self.bound and stored(self.value):
            problem = mandatory_problem(self.parcel, self.indicator, self.bound, self.value)
            if problem:
                raise ValidationError({"value": problem})
