"""Users and their roles. A user's role and assignment decide their scope (core.scoping)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.scoping import USE_PATHS, Role, ScopedQuerySet, ScopePaths


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    """``User.objects.for_user``: the colleagues a user may see (to assign work, to filter), by core.scoping."""

    use_in_migrations = True


class User(AbstractUser):
    """A platform user: province, city, zone, agent (代办员) or enterprise contact."""

    class AgentRank(models.TextChoices):
        LEAD = "lead", _("领办员")
        AGENT = "agent", _("代办员")

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.ZONE)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    organization = models.CharField(_("单位/部门"), max_length=100, blank=True)
    city = models.ForeignKey(
        "zones.City", verbose_name=_("所属地市"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("所属开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    agent_rank = models.CharField(_("代办岗位"), max_length=8, choices=AgentRank.choices, blank=True)

    objects = ScopedUserManager()

    # A zone's (and agent's) colleagues are the users of that zone; a city's, its own staff and its zones';
    # an enterprise contact sees only themselves.
    scope_paths = ScopePaths(city="zone__city", zone="zone", enterprise=None)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.CITY) | Q(city__isnull=False),
                name="user_city_role_has_city",
                violation_error_message=_("市级用户必须指定所属地市"),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.ZONE, Role.AGENT]) | Q(zone__isnull=False),
                name="user_zone_role_has_zone",
                violation_error_message=_("开发区用户和代办员必须指定所属开发区"),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
                name="user_enterprise_role_has_enterprise",
                violation_error_message=_("企业用户必须指定所属企业"),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @classmethod
    def scope_q(cls, scope):
        if scope.city_id:
            return Q(city_id=scope.city_id) | Q(zone__city_id=scope.city_id)
        if scope.enterprise_id:
            return Q(pk=scope.user_id)
        return USE_PATHS

    @property
    def scope_label(self) -> str:
        if self.is_superuser or self.role == Role.PROVINCE:
            return str(_("全省"))
        if self.role == Role.CITY and self.city:
            return str(self.city)
        if self.role in (Role.ZONE, Role.AGENT) and self.zone:
            return str(self.zone)
        if self.role == Role.ENTERPRISE and self.enterprise:
            return str(self.enterprise)
        return str(_("未分配"))
