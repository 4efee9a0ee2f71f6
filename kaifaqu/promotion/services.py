"""Promotion writes: stage moves, signing into the key-projects register, configured defaults."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaifaqu.core.history import change_reason, record_bulk, serialize
from kaifaqu.core.models import ChangeAction
from kaifaqu.projects.models import Project

from .models import STAGE_ORDER, Agreement, AgreementKind, Lead, LeadStage, PromotionMode, SourceRegion

REGIONS = ["京津冀", "长三角", "粤港澳", "雄安", "省内", "境外", "其他"]
MODES = ["精准招商", "以商招商", "委托招商", "招商引股", "政府+链主企业+园区", "驻点招商", "线上招商"]


def load_defaults() -> int:
    created = []
    for model, names in ((SourceRegion, REGIONS), (PromotionMode, MODES)):
        known = set(model.objects.values_list("name", flat=True))
        new = [model(name=n, order=i) for i, n in enumerate(names) if n not in known]
        created += model.objects.bulk_create(new)
    record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in created])
    return len(created)


def save_lead(lead: Lead, *, old: Lead | None) -> Lead:
    """A lead moves forward freely; moving its stage back needs a reason, kept in the history."""
    backwards = old is not None and STAGE_ORDER.index(lead.stage) < STAGE_ORDER.index(old.stage)
    if backwards and (not lead.stage_reason.strip() or lead.stage_reason == old.stage_reason):
        raise ValidationError(
            {
                "stage_reason": _("阶段从“%(a)s”退回“%(b)s”须填写原因")
                % {"a": old.get_stage_display(), "b": lead.get_stage_display()}
            }
        )
    with transaction.atomic(), change_reason(lead.stage_reason if old and lead.stage != old.stage else ""):
        lead.save()
    return lead


def land_started(project_ids) -> int:
    """Landing is read from the project: a signed lead whose project has started has landed. A step of every
    write of a project (projects.services.save_project, the project import); returns the leads moved."""
    leads = list(
        Lead.objects.filter(project_id__in=set(project_ids), project__started_on__isnull=False, stage=LeadStage.SIGNED)
    )
    for lead in leads:
        lead.stage = LeadStage.LANDED
        lead.save(update_fields=["stage", "updated_at"])
    return len(leads)


def sign(agreement: Agreement) -> Agreement:
    """Record an agreement. The first one creates the lead's project in the key-projects register
    (zone, name, enterprise, chain, investment, 签约日期 — nothing retyped) and links both ways."""
    lead = agreement.lead
    agreement.full_clean()
    with transaction.atomic():
        agreement.save()
        if lead.project_id is None:
            project = Project(
                zone=lead.zone,
                name=lead.project_name or f"{lead.company}项目",
                enterprise=lead.enterprise,
                chain=lead.chain,
                total_investment=agreement.amount,
                signed_on=agreement.signed_on,
                land_area=lead.land_need,
                liaison_leader=lead.liaison_leader,
            )
            project.full_clean(validate_unique=True)
            project.save()
            lead.project = project
        elif agreement.kind == AgreementKind.FORMAL and lead.project.signed_on is None:
            lead.project.signed_on = agreement.signed_on
            lead.project.save()
        if STAGE_ORDER.index(lead.stage) < STAGE_ORDER.index(LeadStage.SIGNED):
            lead.stage = LeadStage.SIGNED
        lead.save()
    return agreement
