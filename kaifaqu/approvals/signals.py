"""Keep the derived clock columns consistent, whatever path wrote (page, API, admin, shell)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar as holiday_calendar
from .models import CalendarYear, Holiday, Procedure, ProcedurePause
from .services import refresh_clock


@receiver(post_save, sender=Procedure)
def _procedure_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_clock(instance)


@receiver([post_save, post_delete], sender=ProcedurePause)
def _pause_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    procedure = Procedure.objects.filter(pk=instance.procedure_id).select_related("type").first()
    if procedure is not None:
        refresh_clock(procedure)


@receiver([post_save, post_delete], sender=Holiday)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(sender, raw=False, **kwargs):
    """Page, API and admin: the version is bumped and the open clocks recomputed in the changing transaction."""
    if raw:
        return
    holiday_calendar.changed()
