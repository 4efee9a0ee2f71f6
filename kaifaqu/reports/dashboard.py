"""Dashboard figures for the province, a city or a zone: one function per panel, each a few aggregate
queries over the user's scope, each figure carrying the URL of the records behind it."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from kaifaqu.approvals.filters import status_q
from kaifaqu.approvals.models import Procedure
from kaifaqu.approvals.services import compressible
from kaifaqu.lib.units import percent
from kaifaqu.projects import forecast, rates
from kaifaqu.projects.models import (
    AnnualPlan,
    Campaign,
    CampaignEntry,
    EntryKind,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Project,
    Stage,
)
from kaifaqu.projects.stages import stage_expression
from kaifaqu.projects.status import COLOURS, annotate_status
from kaifaqu.promotion.models import Agreement, Lead, LeadStage, reached_q


def url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode({k: v for k, v in params.items() if v not in (None, "")}) if params else "")


def narrow(queryset, unit: dict, prefix: str = ""):
    """Restrict a queryset to the chosen city or zone (``prefix`` is the path to the project / zone owner)."""
    if unit.get("zone"):
        return queryset.filter(**{f"{prefix}zone": unit["zone"]})
    if unit.get("city"):
        return queryset.filter(**{f"{prefix}zone__city": unit["city"]})
    return queryset


def stages(user, unit) -> list[dict]:
    projects = narrow(Project.objects.for_user(user), unit).annotate(s=stage_expression())
    counts = dict(projects.values_list("s").annotate(n=Count("pk")).order_by())
    return [
        {
            "stage": s.value,
            "label": str(s.label),
            "count": counts.get(s.value, 0),
            "url": url("project_list", stage=s.value, **_ids(unit)),
        }
        for s in Stage
    ]


def _ids(unit: dict) -> dict:
    return {k: v.pk for k, v in unit.items() if v is not None}


def unit_group(user, unit) -> str:
    """What the dashboard's units are: the zones (of a city, or of a narrow scope) or the cities."""
    return (
        "project__zone" if unit.get("city") or unit.get("zone") or user_scope_is_narrow(user) else "project__zone__city"
    )


def project_rates(user, unit, period: rates.Period, today: datetime.date | None = None):
    plans = narrow(AnnualPlan.objects.for_user(user), unit, "project__")
    projects = narrow(Project.objects.for_user(user), unit)
    return rates.compute(plans, projects, period, group_by=unit_group(user, unit), today=today)


def early_warning(user, unit, total: rates.Rates, units: list, today: datetime.date) -> dict:
    """预测预警: the year-end forecast of the total and of each unit, and the projects likely to miss a date."""
    plans = narrow(AnnualPlan.objects.for_user(user), unit, "project__")
    overall, rows = forecast.forecasts(plans, total, units, unit_group(user, unit))
    risks = forecast.at_risk(narrow(Project.objects.for_user(user), unit), today)
    return {
        "total": overall,
        "units": rows,
        "risks": risks,
        "method": forecast.method(),
        "risk_method": forecast.risk_method(),
    }


def user_scope_is_narrow(user) -> bool:
    from kaifaqu.core.scoping import scope_for

    s = scope_for(user)
    return bool(s.city_id or s.zone_id or s.enterprise_id)


def latest_round(user, unit, today: datetime.date):
    campaign = Campaign.objects.for_user(user).filter(held_on__lte=today).order_by("-held_on").first()
    if campaign is None:
        return None
    entries = narrow(CampaignEntry.objects.for_user(user).filter(campaign=campaign), unit, "project__")
    kinds = []
    for kind in EntryKind:
        projects = Project.objects.filter(pk__in=entries.filter(kind=kind).values("project_id"))
        kinds.append(
            {
                "kind": kind.value,
                "label": str(kind.label),
                "cohort": rates.cohort(projects, today),
                "url": url("campaignentry_list", campaign=campaign.pk, kind=kind.value),
            }
        )
    return {"campaign": campaign, "kinds": kinds, "url": reverse("campaign_detail", args=[campaign.pk])}


def promotion(user, unit, today: datetime.date) -> dict:
    leads = narrow(Lead.objects.for_user(user), unit)
    counts = leads.aggregate(**{s.value: Count("pk", filter=reached_q(s.value)) for s in LeadStage})
    year_start = today.replace(month=1, day=1)
    signed = narrow(Agreement.objects.for_user(user), unit, "lead__").filter(signed_on__range=(year_start, today))
    return {
        "stages": [
            {
                "stage": s.value,
                "label": str(s.label),
                "count": counts[s.value],
                "url": url("lead_list", reached=s.value, **_ids(unit)),
            }
            for s in LeadStage
        ],
        "signed_amount": signed.aggregate(s=Sum("amount"))["s"] or 0,
        "signed_count": signed.count(),
    }


def approvals(user, unit, today: datetime.date) -> dict:
    procedures = narrow(Procedure.objects.for_user(user), unit, "project__")
    row = procedures.aggregate(
        open=Count("pk", filter=status_q("open", today)),
        overdue=Count("pk", filter=status_q("overdue", today)),
        due_soon=Count("pk", filter=status_q("due_soon", today)),
        limit_sum=Sum("type__limit_days", filter=Q(days_used__isnull=False) & compressible()),
        used_sum=Sum("days_used", filter=Q(days_used__isnull=False) & compressible()),
    )
    limit, used = row["limit_sum"] or 0, row["used_sum"] or 0
    row["compression"] = percent(limit - used, limit) if limit else None
    row["overdue_url"] = url("procedure_list", status="overdue")
    row["open_url"] = url("procedure_list", status="open")
    return row


def problems(user, unit, today: datetime.date) -> dict:
    items = narrow(Problem.objects.for_user(user), unit, "project__").exclude(status=ProblemStatus.CLOSED)
    overdue = Problem.overdue_q(today)
    by_category = items.values("category").annotate(n=Count("pk"), overdue=Count("pk", filter=overdue)).order_by()
    labels = dict(ProblemCategory.choices)
    rows = [
        {
            "category": r["category"],
            "label": str(labels[r["category"]]),
            "open": r["n"],
            "overdue": r["overdue"],
            "url": url("problem_list", category=r["category"], status="open"),
        }
        for r in by_category
    ]
    return {
        "rows": rows,
        "open": sum(r["open"] for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "overdue_url": url("problem_list", overdue="true"),
    }


def colours(user, unit, today: datetime.date) -> list[dict]:
    """Projects by status colour today (the colours the project list filters and the board shows)."""
    projects = annotate_status(narrow(Project.objects.for_user(user), unit), today=today)
    shown = [key for key in COLOURS if key != "none"]
    counts = projects.aggregate(**{key: Count("pk", filter=Q(colour=key)) for key in shown})
    return [
        {
            "colour": key,
            "label": str(COLOURS[key].label),
            "badge": COLOURS[key].badge,
            "count": counts[key],
            "url": url("project_list", colour=key, **_ids(unit)),
        }
        for key in shown
    ]


def build(user, unit: dict, period: rates.Period, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    total, units = project_rates(user, unit, period, today)
    return {
        "stages": stages(user, unit),
        "colours": colours(user, unit, today),
        "rates": total,
        "units": units,
        "round": latest_round(user, unit, today),
        "promotion": promotion(user, unit, today),
        "approvals": approvals(user, unit, today),
        "problems": problems(user, unit, today),
    }
