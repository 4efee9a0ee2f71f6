from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.enterprises"
    label = "enterprises"
    verbose_name = _("企业")
