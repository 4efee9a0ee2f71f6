from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.projects"
    label = "projects"
    verbose_name = _("重点项目")
