from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.assessment"
    label = "assessment"
    verbose_name = _("开发区指标与考核")
