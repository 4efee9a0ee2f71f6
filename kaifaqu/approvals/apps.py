from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.approvals"
    label = "approvals"
    verbose_name = _("审批代办")

    def ready(self):
        from kaifaqu.core.home import PANELS, REMINDERS

        from .views import calendar_reminder, commitment_reminder, home_panels, overdue_reminder

        PANELS.append(home_panels)
        REMINDERS.append(overdue_reminder)
        REMINDERS.append(commitment_reminder)
        REMINDERS.append(calendar_reminder)
