from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import history  # noqa: F401  (connects the change-history signals)
