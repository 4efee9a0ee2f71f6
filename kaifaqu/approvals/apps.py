from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.approvals"
    label = "approvals"
    verbose_name = _("审批代办")

    def ready(self):
        from kaifaqu.core.views import REMINDERS

        from .views import calendar_reminder, commitment_reminder, overdue_reminder

        REMINDERS.append(overdue_reminder)
        REMINDERS.append(commitment_reminder)
        REMINDERS.append(calendar_reminder)
