"""DRF settings classes, kept apart from the viewsets so settings can import them without cycles."""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from .scoping import can_write


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class ScopedPermission(permissions.BasePermission):
    """Signed in to read; the role's write permission to change. Object scope comes from the queryset."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None and hasattr(view, "get_queryset"):
            model = view.get_queryset().model
        if model is None:
            # A view over no model (rates, funnel) writes nothing: a method it lacks is DRF's 405.
            return not hasattr(view, request.method.lower())
        return can_write(user, model)
