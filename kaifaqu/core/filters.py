"""Base FilterSet: one per model serves the HTML list, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for f in self.search_fields:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)


def scoped_choices(model):
    """A queryset callable for ModelChoiceFilters: choices limited to the requesting user's scope."""

    def queryset(request):
        if request is None:
            return model._default_manager.none()
        return model._default_manager.for_user(request.user)

    return queryset
