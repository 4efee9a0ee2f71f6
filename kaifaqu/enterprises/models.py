"""Enterprises (企业) and the zones they are in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.core.validators import validate_credit_code
from kaifaqu.zones.models import Zone


class SrdiTier(models.TextChoices):
    """专精特新 tiers, lowest first."""

    INNOVATIVE = "innovative", _("创新型中小企业")
    SRDI = "srdi", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _('专精特新"小巨人"')


class CreditCodeField(models.CharField):
    """统一社会信用代码: stripped and upper-cased before it is validated and stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


class Enterprise(TrackedModel):
    """An enterprise known to the platform: investors, producers, project owners.

    An enterprise may be in several zones (:class:`EnterpriseZone`); its credit code is optional
    (not every investor is registered yet) but unique and checked when present.
    """

    name = models.CharField(_("企业名称"), max_length=100, unique=True)
    credit_code = CreditCodeField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    industry = models.CharField(_("所属行业"), max_length=50, blank=True)
    is_above_scale = models.BooleanField(_("规上企业"), default=False)
    is_high_tech = models.BooleanField(_("高新技术企业"), default=False)
    srdi_tier = models.CharField(_("专精特新等级"), max_length=16, choices=SrdiTier.choices, blank=True)
    is_listed = models.BooleanField(_("上市公司"), default=False)
    stock_code = models.CharField(_("股票代码"), max_length=20, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    zones = models.ManyToManyField(
        Zone, verbose_name=_("所在开发区"), through="EnterpriseZone", related_name="enterprises", blank=True
    )

    scope_paths = ScopePaths(city="zone_links__zone__city", zone="zone_links__zone", enterprise="pk")
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)

    constraint_fields = {"enterprise_stock_code_only_if_listed": "stock_code"}

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="enterprise_unique_credit_code",
                violation_error_message=_("该统一社会信用代码已登记"),
            ),
            models.CheckConstraint(
                condition=models.Q(is_listed=True) | models.Q(stock_code=""),
                name="enterprise_stock_code_only_if_listed",
                violation_error_message=_("只有上市公司才能填写股票代码"),
            ),
        ]

    def __str__(self):
        return self.name

    derived_fields = ("credit_code",)

    def derive_fields(self):
        self.credit_code = (self.credit_code or "").strip().upper()


class EnterpriseZone(TrackedModel):
    """That an enterprise is in a zone (入驻). Deleting a zone with enterprises is refused."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="zone_links"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="enterprise_links")

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise="enterprise")
    write_roles = (Role.PROVINCE, Role.CITY, Role.ZONE)
    history_parent = "enterprise"

    class Meta:
        verbose_name = _("企业入驻")
        verbose_name_plural = _("企业入驻")
        ordering = ["enterprise__name", "zone__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "zone"],
                name="enterprise_zone_unique",
                violation_error_message=_("企业已在该开发区"),
            )
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.zone}"
