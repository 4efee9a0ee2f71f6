"""Base FilterSet: one per model serves the HTML list, its Excel export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .years import FIRST_YEAR, LAST_YEAR

ANY = _("全部")

# django-filter's label for a filter generated from Meta.fields, worked out in the language active when it is read.
lazy_label = lazy(django_filters.utils.label_for_filter, str)


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.NumberFilter):
    """A year from FIRST_YEAR to LAST_YEAR. Anything else (0, 10000, -1, 1e20, text) makes the filter invalid,
    with a message naming the field: the page lists nothing and says why, the API answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        label = kwargs.get("label") or _("年度")
        message = format_lazy(_("{label}应为{first}至{last}之间的年份"), label=label, first=FIRST_YEAR, last=LAST_YEAR)
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message, "max_value": message})
        super().__init__(*args, **kwargs)


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice means "any" (django-filter's default says "未知")."""

    def __init__(self, *args, **kwargs):
        choices = [("", ANY), ("true", _("是")), ("false", _("否"))]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)


class ScopedChoiceFilter(django_filters.ModelChoiceFilter):
    """Choices limited to the requesting user's scope; empty choice means "any"."""

    def __init__(self, *args, model=None, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(model))
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``search_fields``."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    search_fields: tuple[str, ...] = ("name",)

    @classmethod
    def get_filters(cls):
        """Filters generated from Meta.fields get their model field's name as a lazy label when the class is made.
        Left unlabelled, the first reader fixes the label: the API schema builds the class's own form fields before
        any model is attached (so "Status", and every filterset copied after it says so), and a label read on an
        English page stays English."""
        filters = super().get_filters()
        model = cls._meta.model
        if model is not None:
            for name, f in filters.items():
                if name not in cls.declared_filters and f._label is None:
                    f.label = lazy_label(model, f.field_name, f.lookup_expr, f.exclude)
        return filters

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
