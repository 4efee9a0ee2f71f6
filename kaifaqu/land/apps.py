from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.land"
    label = "land"
    verbose_name = _("土地与标准地")
