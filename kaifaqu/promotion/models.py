"""Investment promotion (招商引资): leads and their follow-ups, outbound trips, agreements that sign
leads into key projects, and the configurable lists of source regions and promotion modes."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import Role, ScopePaths
from kaifaqu.core.validators import validate_credit_code
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.projects.models import MONEY, Project
from kaifaqu.zones.models import NON_NEGATIVE, IndustryChain, Zone

WRITERS = (Role.PROVINCE, Role.CITY, Role.ZONE)
NAME_NOISE = re.compile(r"[\s()（）·\-]|有限责任公司|股份有限公司|有限公司|集团|公司")


def name_key(name: str) -> str:
    """A company name reduced for near-duplicate matching (spaces, brackets and legal suffixes removed)."""
    return NAME_NOISE.sub("", name or "").upper()


class ConfigurableList(TrackedModel):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_paths = ScopePaths(city=None, zone=None, enterprise=None)
    write_roles = (Role.PROVINCE,)
    reference_data = True

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope):
        return Q()  # every signed-in user reads the configured lists


class SourceRegion(ConfigurableList):
    """Where an investor comes from (京津冀, 长三角, 粤港澳, 雄安, 省内, 境外 …)."""

    class Meta(ConfigurableList.Meta):
        verbose_name = _("来源地区")
        verbose_name_plural = _("来源地区")


class PromotionMode(ConfigurableList):
    """How a lead is courted (精准招商, 以商招商, 委托招商 …)."""

    class Meta(ConfigurableList.Meta):
        verbose_name = _("招商方式")
        verbose_name_plural = _("招商方式")


class LeadStage(models.TextChoices):
    CLUE = "clue", _("线索")
    CONTACT = "contact", _("接洽")
    VISIT = "visit", _("考察")
    NEGOTIATION = "negotiation", _("洽谈")
    SIGNED = "signed", _("签约")
    LANDED = "landed", _("落地")


STAGE_ORDER = [s.value for s in LeadStage]


def reached_q(stage: str) -> Q:
    """Leads at or beyond ``stage``. The funnel is cumulative everywhere it is shown: a signed lead has also been
    contacted, visited and negotiated with, so it counts in every stage up to 签约."""
    return Q(stage__in=STAGE_ORDER[STAGE_ORDER.index(stage) :])


class Likelihood(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class Lead(TrackedModel):
    """An enterprise a zone is courting (招商线索 / 对接企业)."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="leads")
    company = models.CharField(_("企业名称"), max_length=100)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("已登记企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    project_name = models.CharField(_("意向项目"), max_length=200, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    source_region = models.ForeignKey(
        SourceRegion, verbose_name=_("来源地区"), on_delete=models.PROTECT, related_name="leads"
    )
    chain = models.ForeignKey(
        IndustryChain, verbose_name=_("产业链"), null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    mode = models.ForeignKey(PromotionMode, verbose_name=_("招商方式"), on_delete=models.PROTECT, related_name="leads")
    intended_investment = models.DecimalField(_("意向投资（万元）"), null=True, blank=True, **MONEY)
    land_need = models.DecimalField(
        _("用地需求（亩）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    factory_need = models.DecimalField(
        _("厂房需求（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    liaison_leader = models.CharField(_("包联领导"), max_length=50, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟踪责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=LeadStage.choices, default=LeadStage.CLUE)
    stage_reason = models.CharField(_("阶段回退原因"), max_length=300, blank=True)
    likelihood = models.CharField(_("落地可能性"), max_length=8, choices=Likelihood.choices, default=Likelihood.MEDIUM)
    likelihood_reason = models.CharField(_("研判理由"), max_length=300, blank=True)
    first_contact_on = models.DateField(_("首次接触日期"), default=timezone.localdate)
    project = models.OneToOneField(
        Project, verbose_name=_("签约项目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="lead"
    )
    # Derived (FollowUp.save/delete, and the follow-up import): the latest follow-up, so stale leads are
    # found in the database.
    last_follow_up_on = models.DateField(_("最近跟进"), null=True, blank=True, editable=False)
    name_key = models.CharField(max_length=100, editable=False, db_index=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise="enterprise")
    write_roles = WRITERS
    history_exclude = ("created_at", "updated_at", "last_follow_up_on", "name_key")

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        ordering = ["-first_contact_on", "company"]
        indexes = [
            models.Index(fields=["zone", "stage"], name="lead_zone_stage_idx"),
            models.Index(fields=["credit_code"], name="lead_credit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "company"],
                name="lead_unique_company_in_zone",
                violation_error_message=_("该开发区已有此企业的招商线索"),
            ),
        ]

    def __str__(self):
        return self.company

    derived_fields = ("name_key", "credit_code")
    internal_fields = ("name_key",)

    def derive_fields(self):
        self.name_key = name_key(self.company)
        self.credit_code = (self.credit_code or "").strip().upper()
        if self.enterprise_id and not self.credit_code:
            self.credit_code = self.enterprise.credit_code

    def clean(self):
        errors = {}
        if self.chain_id and self.zone_id and self.chain.zone_id != self.zone_id:
            errors["chain"] = _("产业链不属于该开发区")
        if self.first_contact_on and self.first_contact_on > timezone.localdate():
            errors["first_contact_on"] = _("日期不能晚于今天")
        if self.stage in (LeadStage.SIGNED, LeadStage.LANDED) and not self.project_id:
            errors["stage"] = _("签约须通过“签约”登记协议（会自动建立项目）")
        if errors:
            raise ValidationError(errors)

    @property
    def is_stale(self) -> bool:
        if self.stage in (LeadStage.SIGNED, LeadStage.LANDED):
            return False
        last = self.last_follow_up_on or self.first_contact_on
        return (timezone.localdate() - last).days > settings.KFQ_LEAD_STALE_DAYS


class FollowUpKind(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT_IN = "visit_in", _("来访")
    VISIT_OUT = "visit_out", _("外访")
    INSPECTION = "inspection", _("考察")
    NEGOTIATION = "negotiation", _("洽谈")
    ROADSHOW = "roadshow", _("推介会")


class FollowUp(TrackedModel):
    """One contact with a lead: type, date, who, what, next step."""

    lead = models.ForeignKey(Lead, verbose_name=_("招商线索"), on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("跟进方式"), max_length=16, choices=FollowUpKind.choices)
    date = models.DateField(_("日期"))
    people = models.CharField(_("参与人员"), max_length=200)
    content = models.TextField(_("内容"))
    next_step = models.CharField(_("下一步"), max_length=300, blank=True)

    scope_paths = ScopePaths.through("lead")
    write_roles = WRITERS
    history_parent = "lead"

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["lead", "date"], name="followup_lead_date_idx"),
            models.Index(fields=["date", "lead"], name="followup_date_lead_idx"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.lead}"

    # The lead's latest follow-up date (Lead.last_follow_up_on) is a step of every write of a follow-up:
    # save and delete here, refresh_last_follow_up for a bulk import.
    def save(self, *args, **kwargs):
        previous = None
        if self.pk:
            previous = FollowUp.objects.filter(pk=self.pk).values_list("lead_id", flat=True).first()
        super().save(*args, **kwargs)
        refresh_last_follow_up({self.lead_id, previous} - {None})

    def delete(self, *args, **kwargs):
        lead_id = self.lead_id
        result = super().delete(*args, **kwargs)
        refresh_last_follow_up({lead_id})
        return result

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("跟进日期不能晚于今天")})
        if self.date and self.lead_id and self.date < self.lead.first_contact_on:
            raise ValidationError(
                {"date": _("跟进日期不能早于线索的首次接触日期（%(d)s）") % {"d": self.lead.first_contact_on}}
            )


class Trip(TrackedModel):
    """外出招商: an outbound trip — who led it, where, which enterprises were met."""

    zone = models.ForeignKey(Zone, verbose_name=_("开发区"), on_delete=models.PROTECT, related_name="trips")
    start_on = models.DateField(_("出发日期"))
    end_on = models.DateField(_("返回日期"))
    destination = models.CharField(_("目的地"), max_length=100)
    leader = models.CharField(_("带队领导"), max_length=50)
    participants = models.CharField(_("参加人员"), max_length=300, blank=True)
    leads = models.ManyToManyField(Lead, verbose_name=_("对接企业"), blank=True, related_name="trips")
    outcomes = models.TextField(_("成果"), blank=True)

    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)
    write_roles = WRITERS
    history_parent = "zone"

    class Meta:
        verbose_name = _("外出招商")
        verbose_name_plural = _("外出招商")
        ordering = ["-start_on"]

    def __str__(self):
        return f"{self.start_on} {self.destination}"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("返回日期不能早于出发日期")})
        if self.start_on and self.start_on > timezone.localdate():
            raise ValidationError({"start_on": _("日期不能晚于今天")})


class AgreementKind(models.TextChoices):
    FRAMEWORK = "framework", _("框架协议")
    FORMAL = "formal", _("正式协议")
    SUPPLEMENT = "supplement", _("补充协议")


class Agreement(TrackedModel):
    """A signed agreement with a lead; the first one creates the lead's key project (services.sign)."""

    lead = models.ForeignKey(Lead, verbose_name=_("招商线索"), on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(_("协议类型"), max_length=16, choices=AgreementKind.choices)
    signed_on = models.DateField(_("签约日期"))
    amount = models.DecimalField(_("签约金额（万元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_paths = ScopePaths.through("lead")
    write_roles = WRITERS
    history_parent = "lead"

    class Meta:
        verbose_name = _("签约协议")
        verbose_name_plural = _("签约协议")
        ordering = ["-signed_on"]
        indexes = [models.Index(fields=["signed_on"], name="agreement_signed_idx")]

    def __str__(self):
        return f"{self.lead} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.amount is None or self.amount <= 0:
            errors["amount"] = _("签约须填写签约金额（大于0）")
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("签约日期不能晚于今天")
        if self.signed_on and self.lead_id and self.signed_on < self.lead.first_contact_on:
            errors["signed_on"] = _("签约日期不能早于首次接触日期")
        if errors:
            raise ValidationError(errors)


def refresh_last_follow_up(lead_ids) -> None:
    """Store each lead's latest follow-up date (None when it has none left)."""
    lead_ids = set(lead_ids)
    latest = dict(
        FollowUp.objects.filter(lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(m=models.Max("date"))
        .values_list("lead_id", "m")
    )
    for lead_id in lead_ids:
        Lead.objects.filter(pk=lead_id).update(last_follow_up_on=latest.get(lead_id))
