from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "kaifaqu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import history  # noqa: F401  (connects the change-history signals)

        guard_text_fields()


def guard_text_fields() -> None:
    """Every text field of every model of the platform refuses control characters (core.validators).

    Put on the field itself, the rule reaches every write path: the page forms and the API (both run
    the model's ``full_clean``; DRF also copies model validators onto its fields), the admin and the
    Excel import. Added at start-up rather than in each field's declaration, so the migrations do not
    change and a new model is covered without anyone remembering. The rule also refuses NUL, so
    Django's own NUL validator on CharField is replaced, not repeated.
    """
    from django.apps import apps
    from django.core.validators import ProhibitNullCharactersValidator
    from django.db import models

    from .validators import TextCharactersValidator

    for model in apps.get_models(include_auto_created=True):
        if not model.__module__.startswith("kaifaqu."):
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.CharField | models.TextField):
                kept = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator | TextCharactersValidator)
                ]
                # A new list: fields copied from an abstract parent share the cached one.
                field.__dict__["validators"] = [
                    *kept,
                    TextCharactersValidator(multiline=isinstance(field, models.TextField)),
                ]
