"""The one mechanism that restricts every queryset to what a user may see.

A user's role gives a :class:`Scope` (province: everything; city: the zones of its city; zone and
agent: their zone; enterprise: its own enterprise). Each scoped model declares, in ``scope_paths``,
the lookup from itself to a City, a Zone and an Enterprise; ``Model.objects.for_user(user)`` turns
the scope into a filter. Pages, the API, exports, autocomplete and counts all start from
``for_user``, so an object outside the scope is simply not found (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The five kinds of user (domain.md, "Who uses the system")."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    ZONE = "zone", _("开发区")
    AGENT = "agent", _("代办员")
    ENTERPRISE = "enterprise", _("企业")


@dataclass(frozen=True)
class Scope:
    """What a user may see. ``everything`` wins over the ids."""

    role: str | None
    everything: bool = False
    city_id: int | None = None
    zone_id: int | None = None
    enterprise_id: int | None = None
    user_id: int | None = None
    agent_rank: str = ""

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.city_id or self.zone_id or self.enterprise_id)


NO_SCOPE = Scope(role=None)
USE_PATHS = object()  # returned by a model's scope_q to fall back on its scope_paths


def scope_for(user) -> Scope:
    """The scope a user's role and assignment give."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.role == Role.PROVINCE:
        return Scope(role=Role.PROVINCE, everything=True)
    if user.role == Role.CITY and user.city_id:
        return Scope(role=Role.CITY, city_id=user.city_id)
    if user.role in (Role.ZONE, Role.AGENT) and user.zone_id:
        return Scope(role=user.role, zone_id=user.zone_id, user_id=user.pk, agent_rank=user.agent_rank)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Scope(role=Role.ENTERPRISE, enterprise_id=user.enterprise_id)
    return NO_SCOPE


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to the City, Zone and Enterprise that decide who sees it.

    ``"pk"`` means the model is itself that kind of record; ``None`` means that kind of user never
    sees it.
    """

    city: str | None
    zone: str | None
    enterprise: str | None = None

    @classmethod
    def through(cls, path: str) -> ScopePaths:
        """The scope of the record at ``path`` (its project, its lead …): that record's zone, city and enterprise."""
        return cls(city=f"{path}__zone__city", zone=f"{path}__zone", enterprise=f"{path}__enterprise")


def _is_multivalued(model, path: str) -> bool:
    """Whether following ``path`` from ``model`` can reach several rows (needs a subquery)."""
    current = model
    for name in path.split(LOOKUP_SEP):
        if name == "pk":
            return False
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


class ScopedQuerySet(models.QuerySet):
    """QuerySet with :meth:`for_user` — the only way views, API and exports read scoped records."""

    def for_user(self, user):
        return self.for_scope(scope_for(user))

    def for_scope(self, scope: Scope):
        if scope.everything:
            return self
        custom = getattr(self.model, "scope_q", None)
        if custom is not None:  # a model whose visibility is not a single path (e.g. province-wide campaigns)
            q = custom(scope)
            if q is not USE_PATHS:
                return self.filter(q).distinct() if q is not None else self.none()
        paths: ScopePaths = self.model.scope_paths
        if scope.city_id:
            path, value = paths.city, scope.city_id
        elif scope.zone_id:
            path, value = paths.zone, scope.zone_id
        elif scope.enterprise_id:
            path, value = paths.enterprise, scope.enterprise_id
        else:
            return self.none()
        if path is None:
            return self.none()
        if _is_multivalued(self.model, path):
            inner = self.model._base_manager.filter(**{path: value}).values("pk")
            return self.filter(pk__in=inner)
        return self.filter(**{path: value})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def in_scope(user, obj) -> bool:
    """Whether ``obj`` (already saved) is visible to ``user`` — the re-check after every write."""
    return type(obj)._default_manager.for_user(user).filter(pk=obj.pk).exists()


def can_write(user, model) -> bool:
    """Whether the user's role may create, change and delete records of ``model`` (within scope)."""
    scope = scope_for(user)
    if scope.nothing:
        return False
    if user.is_superuser:
        return True
    return scope.role in getattr(model, "write_roles", ())


def merge_links(current: set, selected: set, visible: set) -> tuple[set, set]:
    """Links to add and remove when a user sets a many-to-many to ``selected``.

    Links to records the user cannot see are kept: an edit never touches what is outside its scope.
    """
    wanted = set(selected) | {pk for pk in current if pk not in visible}
    return wanted - set(current), set(current) - wanted
