from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.reports"
    label = "reports"
    verbose_name = _("统计与通报")
