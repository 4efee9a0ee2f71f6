"""Keep each lead's latest follow-up date, whatever path wrote the follow-up."""

from django.db.models import Max
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import FollowUp, Lead


def refresh_last_follow_up(lead_ids) -> None:
    latest = dict(
        FollowUp.objects.filter(lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(m=Max("date"))
        .values_list("lead_id", "m")
    )
    for lead_id in lead_ids:
        Lead.objects.filter(pk=lead_id).update(last_follow_up_on=latest.get(lead_id))


@receiver(pre_save, sender=FollowUp)
def _remember_lead(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._previous_lead_id = FollowUp.objects.filter(pk=instance.pk).values_list("lead_id", flat=True).first()


@receiver([post_save, post_delete], sender=FollowUp)
def _follow_up_changed(sender, instance, raw=False, **kwargs):
    """Refresh the lead's latest follow-up (and the previous lead's, when a follow-up moved)."""
    if not raw:
        refresh_last_follow_up({instance.lead_id, getattr(instance, "_previous_lead_id", None)} - {None})


@receiver(post_save, sender="projects.Project")
def _project_landed(sender, instance, raw=False, **kwargs):
    """Landing is read from the project: once a signed lead's project starts, the lead has landed."""
    if raw or not instance.started_on:
        return
    lead = Lead.objects.filter(project=instance, stage="signed").first()
    if lead is not None:
        lead.stage = "landed"
        lead.save(update_fields=["stage", "updated_at"])
