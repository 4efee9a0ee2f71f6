"""Per-request change context: every write made while serving a request names its user and source."""

from .history import ChangeContext, _current
from .models import ChangeSource


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            source = ChangeSource.API
        elif path.startswith("/admin/"):
            source = ChangeSource.ADMIN
        else:
            source = ChangeSource.WEB
        ctx = ChangeContext(source=source, request=request)
        request.change_context = ctx
        token = _current.set(ctx)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
