"""Error handlers: the API answers a server error in JSON, pages with the Chinese 500.html."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Like Django's (the template needs no context and no database), but JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("服务器内部错误，请稍后再试或联系系统管理员")}, status=500)
    return defaults.server_error(request, template_name)
