from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.promotion"
    label = "promotion"
    verbose_name = _("招商引资")

    def ready(self):
        from kaifaqu.core.views import REMINDERS

        from .views import stale_reminder

        REMINDERS.append(stale_reminder)
