"""Per-request change context: every write made while serving a request names its user and source."""

from django.conf import settings
from django.utils import translation

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


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language (the switcher sets a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a government
    workstation with an English browser still gets the Chinese platform by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the thread goes back to its language afterwards (an English request must not
        # leave English behind for whatever the thread runs next).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
