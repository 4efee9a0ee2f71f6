import datetime

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.filters import ScopedChoiceFilter, SearchFilterSet, YesNoFilter
from kaifaqu.zones.models import City, IndustryChain, Zone

from .models import (
    Agreement,
    AgreementKind,
    FollowUp,
    FollowUpKind,
    Lead,
    LeadStage,
    Likelihood,
    PromotionMode,
    SourceRegion,
    Trip,
    reached_q,
)


def stale_q(today: datetime.date | None = None) -> Q:
    """Leads still being courted with no follow-up (or first contact) for KFQ_LEAD_STALE_DAYS days."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.KFQ_LEAD_STALE_DAYS)
    courting = ~Q(stage__in=[LeadStage.SIGNED, LeadStage.LANDED])
    return courting & (Q(last_follow_up_on__lt=cutoff) | Q(last_follow_up_on__isnull=True, first_contact_on__lt=cutoff))


class LeadFilterSet(SearchFilterSet):
    search_fields = ("company", "project_name", "credit_code", "contact_person")
    city = ScopedChoiceFilter(field_name="zone__city", model=City, label=_("地市"))
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))
    chain = ScopedChoiceFilter(model=IndustryChain, label=_("产业链"))
    source_region = ScopedChoiceFilter(model=SourceRegion, label=_("来源地区"))
    mode = ScopedChoiceFilter(model=PromotionMode, label=_("招商方式"))
    stage = django_filters.ChoiceFilter(choices=LeadStage.choices, label=_("阶段"))
    reached = django_filters.ChoiceFilter(choices=LeadStage.choices, label=_("已到阶段"), method="by_reached")
    likelihood = django_filters.ChoiceFilter(choices=Likelihood.choices, label=_("落地可能性"))
    stale = YesNoFilter(method="by_stale", label=_("久未跟进"))
    mine = YesNoFilter(method="by_owner", label=_("我负责的"))

    class Meta:
        model = Lead
        fields = [
            *("q", "city", "zone", "chain", "source_region", "mode"),
            *("stage", "reached", "likelihood", "stale", "mine"),
        ]

    def by_reached(self, queryset, name, value):
        return queryset.filter(reached_q(value)) if value else queryset

    def by_stale(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stale_q()) if value else queryset.exclude(stale_q())

    def by_owner(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(owner=self.request.user) if value else queryset.exclude(owner=self.request.user)


class FollowUpFilterSet(SearchFilterSet):
    search_fields = ("lead__company", "content", "people")
    kind = django_filters.ChoiceFilter(choices=FollowUpKind.choices, label=_("跟进方式"))
    zone = ScopedChoiceFilter(field_name="lead__zone", model=Zone, label=_("开发区"))

    class Meta:
        model = FollowUp
        fields = ["q", "kind", "zone"]


class TripFilterSet(SearchFilterSet):
    search_fields = ("destination", "leader", "outcomes")
    zone = ScopedChoiceFilter(model=Zone, label=_("开发区"))

    class Meta:
        model = Trip
        fields = ["q", "zone"]


class AgreementFilterSet(SearchFilterSet):
    search_fields = ("lead__company", "note")
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices, label=_("协议类型"))
    zone = ScopedChoiceFilter(field_name="lead__zone", model=Zone, label=_("开发区"))

    class Meta:
        model = Agreement
        fields = ["q", "kind", "zone"]


def list_filterset(model):
    """The filters of a configurable list (source regions, promotion modes): search by name."""
    meta = type("Meta", (), {"model": model, "fields": ["q"]})
    return type(f"{model.__name__}FilterSet", (SearchFilterSet,), {"Meta": meta})


SourceRegionFilterSet = list_filterset(SourceRegion)
PromotionModeFilterSet = list_filterset(PromotionMode)
