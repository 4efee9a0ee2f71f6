"""Promotion statistics by aggregate queries: the funnel per zone, chain, mode or source region and
period; the reserve library matrix; investors courted by several zones."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from kaifaqu.lib.qeval import holds
from kaifaqu.lib.units import percent, wan_to_yi

from .models import STAGE_ORDER, FollowUp, LeadStage, Trip, reached_q

GROUPS = {"zone": "zone", "chain": "chain", "mode": "mode", "source_region": "source_region", "city": "zone__city"}
FUNNEL = [s for s in STAGE_ORDER]


@dataclass
class Funnel:
    key: object = None
    label: str = ""
    leads: int = 0
    reached: dict = field(default_factory=dict)  # stage → leads at or beyond it
    contacts: int = 0
    trips: int = 0
    signed: int = 0
    signed_amount: Decimal = Decimal(0)
    signed_live: int = 0
    started: int = 0
    terminated: int = 0
    days_to_sign: list = field(default_factory=list)

    @property
    def start_rate(self):
        """签约项目开工率: started / signed, terminated projects left out of the denominator."""
        return percent(self.started, self.signed_live)

    @property
    def avg_days_to_sign(self):
        return round(sum(self.days_to_sign) / len(self.days_to_sign), 1) if self.days_to_sign else None

    @property
    def signed_yi(self):
        return wan_to_yi(self.signed_amount)

    def add(self, other: Funnel) -> None:
        for name in ("leads", "contacts", "trips", "signed", "signed_amount", "signed_live", "started", "terminated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for stage, n in other.reached.items():
            self.reached[stage] = self.reached.get(stage, 0) + n
        self.days_to_sign += other.days_to_sign


def lead_figures(start: datetime.date, end: datetime.date) -> dict[str, Q]:
    """The funnel's counted figures as filters on Lead rows: each stage reached, signed within the period, and of
    those the live, started and terminated ones by its end (the one definition, for the aggregate query and for
    leads rebuilt from the history)."""
    signed = Q(project__signed_on__range=(start, end))
    terminated = Q(project__terminated_on__lte=end)
    return {
        **{f"reached_{s}": reached_q(s) for s in FUNNEL},
        "signed_n": signed,
        "signed_live": signed & ~terminated,
        "started": signed & ~terminated & Q(project__started_on__lte=end),
        "terminated_n": signed & terminated,
    }


def funnel(leads, start: datetime.date, end: datetime.date, group: str = "zone"):
    """Funnel figures of ``leads`` (scoped queryset) for a period, grouped by ``group``; returns (total, rows).

    Leads: first contacted up to ``end``; contacts and trips: within the period; signed: leads whose
    project was signed within the period; started: of those, the projects started by ``end``.
    """
    lookup = GROUPS[group]
    leads = leads.filter(first_contact_on__lte=end)
    figures = lead_figures(start, end)
    signed = figures["signed_n"]
    rows: dict = defaultdict(Funnel)
    for r in (
        leads.values(lookup)
        .annotate(n=Count("pk"), **{name: Count("pk", filter=q) for name, q in figures.items()})
        .order_by()
    ):
        f = rows[r[lookup]]
        f.leads, f.signed, f.signed_live = r["n"], r["signed_n"], r["signed_live"]
        f.started, f.terminated = r["started"], r["terminated_n"]
        f.reached = {s: r[f"reached_{s}"] for s in FUNNEL}
    # Agreements joined from the (scoped) leads; follow-ups by an indexed date range within those leads.
    agreements = leads.filter(agreements__signed_on__range=(start, end))
    for r in agreements.values(lookup).annotate(total=Sum("agreements__amount")).order_by():
        rows[r[lookup]].signed_amount = r["total"] or Decimal(0)
    follow_ups = FollowUp.objects.filter(date__range=(start, end), lead__in=leads.values("pk"))
    for r in follow_ups.values(f"lead__{lookup}").annotate(n=Count("pk")).order_by():
        rows[r[f"lead__{lookup}"]].contacts = r["n"]
    if group in ("zone", "city"):
        zone_lookup = "zone" if group == "zone" else "zone__city"
        units = [k for k in rows if k is not None]
        trips = Trip.objects.filter(**{f"{zone_lookup}__in": units}, start_on__range=(start, end))
        for r in trips.values(zone_lookup).annotate(n=Count("pk")).order_by():
            rows[r[zone_lookup]].trips = r["n"]
    for key, first, signed_on in leads.filter(signed).values_list(lookup, "first_contact_on", "project__signed_on"):
        rows[key].days_to_sign.append((signed_on - first).days)
    return _with_total(rows)


def _with_total(rows: dict) -> tuple[Funnel, list[Funnel]]:
    """The rows in key order (unclassified last), each with its key, and their total."""
    total = Funnel(label="合计")
    out = []
    for key in sorted(rows, key=lambda k: (k is None, k or 0)):
        row = rows[key]
        row.key = key
        total.add(row)
        out.append(row)
    return total, out


def funnel_rebuilt(snapshot, keep, start: datetime.date, end: datetime.date, group: str = "zone"):
    """:func:`funnel` over the leads as they stood at the end of ``snapshot``'s day (:class:`kaifaqu.core.asof.
    Snapshot`) that ``keep`` accepts: the same :func:`lead_figures`, applied in Python."""
    from kaifaqu.projects.models import Project
    from kaifaqu.zones.models import Zone

    from .models import Agreement, Lead

    city_of = dict(Zone.objects.values_list("pk", "city_id"))
    attr = {"zone": "zone_id", "chain": "chain_id", "mode": "mode_id", "source_region": "source_region_id"}

    def key_of(lead):
        return city_of.get(lead.zone_id) if group == "city" else getattr(lead, attr[group])

    contacted = Q(first_contact_on__lte=end)
    leads = [lead for lead in snapshot.rows(Lead).values() if keep(lead) and holds(contacted, lead)]
    projects = snapshot.rows(Project, {lead.project_id for lead in leads if lead.project_id})
    for lead in leads:
        lead.project = projects.get(lead.project_id)
    figures = lead_figures(start, end)
    rows: dict = defaultdict(Funnel)
    by_pk = {}
    for lead in leads:
        row = rows[key_of(lead)]
        by_pk[lead.pk] = row
        row.leads += 1
        hit = {name: holds(q, lead) for name, q in figures.items()}
        for stage in FUNNEL:
            row.reached[stage] = row.reached.get(stage, 0) + hit[f"reached_{stage}"]
        row.signed += hit["signed_n"]
        row.signed_live += hit["signed_live"]
        row.started += hit["started"]
        row.terminated += hit["terminated_n"]
        if hit["signed_n"]:
            row.days_to_sign.append((lead.project.signed_on - lead.first_contact_on).days)
    for a in snapshot.rows(Agreement).values():
        if a.lead_id in by_pk and start <= a.signed_on <= end:
            by_pk[a.lead_id].signed_amount += a.amount or 0
    for f in snapshot.rows(FollowUp).values():
        if f.lead_id in by_pk and start <= f.date <= end:
            by_pk[f.lead_id].contacts += 1
    if group in ("zone", "city"):
        for t in snapshot.rows(Trip).values():
            key = t.zone_id if group == "zone" else city_of.get(t.zone_id)
            if key in rows and start <= t.start_on <= end:
                rows[key].trips += 1
    return _with_total(rows)


def reserve_matrix(leads):
    """项目储备库: leads still being courted, by chain and likelihood of landing."""
    courting = leads.exclude(stage__in=[LeadStage.SIGNED, LeadStage.LANDED])
    rows = (
        courting.values("chain", "chain__name", "likelihood")
        .annotate(n=Count("pk"), amount=Sum("intended_investment"))
        .order_by("chain__name")
    )
    matrix: dict = {}
    for r in rows:
        entry = matrix.setdefault(
            r["chain"], {"name": r["chain__name"] or "未归类", "high": 0, "medium": 0, "low": 0, "amount": Decimal(0)}
        )
        entry[r["likelihood"]] = r["n"]
        entry["amount"] += r["amount"] or 0
    return matrix


def overlaps(leads):
    """Investors courted by several zones: the same credit code, or a near-identical name."""
    by_code = (
        leads.exclude(credit_code="")
        .values("credit_code")
        .annotate(zones=Count("zone", distinct=True))
        .filter(zones__gt=1)
        .values_list("credit_code", flat=True)
    )
    by_name = (
        leads.values("name_key")
        .annotate(zones=Count("zone", distinct=True))
        .filter(zones__gt=1)
        .values_list("name_key", flat=True)
    )
    involved = leads.filter(Q(credit_code__in=list(by_code)) | Q(name_key__in=list(by_name)))
    groups: dict = defaultdict(list)
    for lead in involved.select_related("zone__city").order_by("name_key", "zone__name"):
        key = lead.credit_code if lead.credit_code in set(by_code) else lead.name_key
        groups[key].append(lead)
    return [{"key": k, "leads": v, "by": "code" if v and v[0].credit_code == k else "name"} for k, v in groups.items()]
