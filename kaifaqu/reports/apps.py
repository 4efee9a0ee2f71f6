from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.reports"
    label = "reports"
    verbose_name = _("统计与通报")

    def ready(self):
        from kaifaqu.core.home import HOMES
        from kaifaqu.core.scoping import Role

        from .views import dashboard_page

        HOMES[Role.PROVINCE] = HOMES[Role.CITY] = dashboard_page
