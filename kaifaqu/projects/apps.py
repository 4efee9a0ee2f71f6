from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.projects"
    label = "projects"
    verbose_name = _("重点项目")

    def ready(self):
        from kaifaqu.core.views import REMINDERS

        from .views import problem_reminder

        REMINDERS.append(problem_reminder)
