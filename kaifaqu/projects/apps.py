from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.projects"
    label = "projects"
    verbose_name = _("重点项目")

    def ready(self):
        from kaifaqu.core.home import PANELS, REMINDERS

        from .views import home_panels, problem_reminder

        REMINDERS.append(problem_reminder)
        PANELS.append(home_panels)
