from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.promotion"
    label = "promotion"
    verbose_name = _("招商引资")

    def ready(self):
        from kaifaqu.core.home import PANELS, REMINDERS

        from .views import home_panels, stale_reminder

        PANELS.append(home_panels)
        REMINDERS.append(stale_reminder)
