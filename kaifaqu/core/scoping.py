"""The one mechanism that restricts every queryset to what a user may see.

A user's role gives a :class:`Scope` (province: everything; city: the zones of its city; zone and
agent: their zone; enterprise: its own enterprise). Each scoped model declares, in ``scope_paths``,
the lookup from itself to a City, a Zone and an Enterprise — or the record it hangs off
(``ScopePaths.through``), whose visibility it then shares, rules included; a model whose visibility
is not a path adds a ``scope_q`` (e.g. an agent sees only the procedures assigned to them).
``Model.objects.for_user(user)`` turns the scope into a filter. Pages, the API, exports, autocomplete
and counts all start from ``for_user``, so an object outside the scope is simply not found (404).
What a user may change is what they see, for a role in the model's ``write_roles``, narrowed by its
``write_q`` where reading reaches wider (a city reads the province's bulletins but changes only its own):
``Model.objects.writable_by(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
        return Scope(role=Role.PROVINCE, everything=True, user_id=user.pk)
    if user.role == Role.CITY and user.city_id:
        return Scope(role=Role.CITY, city_id=user.city_id, user_id=user.pk)
    if user.role in (Role.ZONE, Role.AGENT) and user.zone_id:
        return Scope(role=user.role, zone_id=user.zone_id, user_id=user.pk, agent_rank=user.agent_rank)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Scope(role=Role.ENTERPRISE, enterprise_id=user.enterprise_id, user_id=user.pk)
    return NO_SCOPE


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to the City, Zone and Enterprise that decide who sees it.

    ``"pk"`` means the model is itself that kind of record; ``None`` means that kind of user never
    sees it. ``parent`` (set by :meth:`through`) names the foreign key to the record this one hangs
    off: whoever sees that record sees this one, and nobody else.
    """

    city: str | None = None
    zone: str | None = None
    enterprise: str | None = None
    parent: str | None = None

    @classmethod
    def through(cls, fk: str) -> ScopePaths:
        """Scoped by the record at foreign key ``fk`` (its project, procedure, lead or report): visible exactly
        when that record is, by that record's own rules (an agent's procedures reach their pauses)."""
        return cls(parent=fk)


def _related_model(model, fk: str):
    field = model._meta.get_field(fk)
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise TypeError(f"{model.__name__}.scope_paths.parent must name a foreign key, not {fk!r}")
    return field.related_model


@cache
def resolved_paths(model) -> ScopePaths | None:
    """``model``'s paths to a City, Zone and Enterprise, following ``through`` parents (``project__zone`` …);
    None when a record up the chain has its own rule (``scope_q``), which only a subquery can apply."""
    paths: ScopePaths = model.scope_paths
    if paths.parent is None:
        return paths
    parent = _related_model(model, paths.parent)
    if getattr(parent, "scope_q", None) is not None:
        return None
    up = resolved_paths(parent)
    if up is None:
        return None

    def prefixed(path):
        if path is None:
            return None
        return paths.parent if path == "pk" else f"{paths.parent}{LOOKUP_SEP}{path}"

    return ScopePaths(city=prefixed(up.city), zone=prefixed(up.zone), enterprise=prefixed(up.enterprise))


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
        paths = resolved_paths(self.model)
        if paths is None:  # hangs off a record with its own rule: visible where that record is
            fk = self.model.scope_paths.parent
            parent = _related_model(self.model, fk)
            return self.filter(**{f"{fk}__in": parent._default_manager.for_scope(scope).values("pk")})
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

    def writable_by(self, user):
        """The records ``user`` may change: those they see, if their role may write the model, narrowed by the
        model's ``write_q(scope)`` where they see more than they may change."""
        if not can_write(user, self.model):
            return self.none()
        scope = scope_for(user)
        records = self.for_scope(scope)
        rule = getattr(self.model, "write_q", None)
        return records if scope.everything or rule is None else records.filter(rule(scope))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def shares_scope(model, fk: str, scope: Scope) -> bool:
    """Whether a record of ``model`` is visible to ``scope`` exactly when its record at foreign key ``fk`` is —
    what decides, for a record that no longer exists, who may still read its changes on that record's page."""
    if scope.everything:
        return True
    parent = _related_model(model, fk)
    for m in (model, parent):
        custom = getattr(m, "scope_q", None)
        if custom is not None and custom(scope) is not USE_PATHS:
            return False
        if m is model and model.scope_paths.parent == fk:
            return True  # through its parent: whatever the parent's own rule, they are seen together
    mine, theirs = resolved_paths(model), resolved_paths(parent)
    kind = "city" if scope.city_id else "zone" if scope.zone_id else "enterprise" if scope.enterprise_id else None
    if mine is None or theirs is None or kind is None:
        return False
    path, parent_path = getattr(mine, kind), getattr(theirs, kind)
    if path is None or parent_path is None:
        return False
    return path == (fk if parent_path == "pk" else f"{fk}{LOOKUP_SEP}{parent_path}")


def in_scope(user, obj) -> bool:
    """Whether ``obj`` (already saved) is visible to ``user``."""
    return type(obj)._default_manager.for_user(user).filter(pk=obj.pk).exists()


def may_change(user, obj) -> bool:
    """Whether ``user`` may change or delete ``obj`` — and the re-check after every write."""
    return type(obj)._default_manager.writable_by(user).filter(pk=obj.pk).exists()


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
