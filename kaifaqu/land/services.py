"""The write path of parcels (their commitments proposed from the standards), the standards that apply to a
parcel, and the land totals of a zone, city or the province for a period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.lib.units import percent

from .models import (
    CENT,
    SOLD_STATUSES,
    Binding,
    IndicatorStandard,
    LandIndicator,
    LandParcel,
    LandReserve,
    LandUse,
    ParcelCommitment,
    _plain,
    average_price,
    weaker,
)


def parcel_year(parcel: LandParcel) -> int:
    """The year whose standards a parcel is held to: the year it was sold, else this year."""
    return (parcel.sold_on or timezone.localdate()).year


def applicable(parcel: LandParcel, indicator: str | None = None) -> list[IndicatorStandard]:
    """The standards in force for ``parcel`` (its industry class and zone level, in its year): for each indicator,
    industry and level, the latest year's row."""
    rows = IndicatorStandard.objects.filter(
        Q(industry_code="") | Q(industry_code=parcel.industry_code),
        Q(zone_level="") | Q(zone_level=parcel.zone.level),
        year__lte=parcel_year(parcel),
    ).order_by("-year")
    if indicator:
        rows = rows.filter(indicator=indicator)
    latest: dict = {}
    for row in rows:
        latest.setdefault((row.indicator, row.industry_code, row.zone_level), row)
    return list(latest.values())


def proposed(parcel: LandParcel) -> dict[str, IndicatorStandard]:
    """{indicator: the standard to propose}: the most specific row (industry and level before industry before
    level before all); among equally specific ones the strictest."""
    best: dict[str, IndicatorStandard] = {}
    for row in applicable(parcel):
        held = best.get(row.indicator)
        if (
            held is None
            or row.specificity > held.specificity
            or (row.specificity == held.specificity and weaker(held.bound, held.value, row.value))
        ):
            best[row.indicator] = row
    return best


def mandatory_problem(parcel: LandParcel, indicator: str, bound: str, value: Decimal) -> str:
    """Why a commitment is refused: weaker than a mandatory (规范性) standard in force for the parcel; or ""."""
    for row in applicable(parcel, indicator):
        if row.binding != Binding.MANDATORY:
            continue
        if bound != row.bound or weaker(row.bound, value, row.value):
            return _("%(i)s承诺值%(v)s弱于规范性标准“%(b)s%(s)s”（%(src)s），只能从严、不得放宽") % {
                "i": LandIndicator(indicator).label,
                "v": _plain(value),
                "b": row.get_bound_display(),
                "s": _plain(row.value),
                "src": row.source or row.year,
            }
    return ""


def save_parcel(parcel: LandParcel, *, old: LandParcel | None) -> LandParcel:
    """Save a parcel; a new one gets its commitments proposed from the standards in force (to be edited to what
    the contract says — never weaker than a mandatory standard)."""
    with transaction.atomic():
        parcel.save()
        if old is None:
            propose_commitments([parcel])
    return parcel


def propose_commitments(parcels) -> int:
    """For each parcel without commitments, one per standard in force (value = the standard's). A step of every
    write that creates parcels (the page, the API, the import, the admin); returns the rows created."""
    rows = []
    for parcel in parcels:
        if parcel.commitments.exists():
            continue
        for indicator, standard in sorted(proposed(parcel).items()):
            rows.append(
                ParcelCommitment(
                    parcel=parcel,
                    indicator=indicator,
                    bound=standard.bound,
                    value=standard.value,
                    standard_value=standard.value,
                )
            )
    for row in rows:
        row.save()  # each recorded in the change history
    return len(rows)


@dataclass
class LandTotals:
    """Land figures of a set of zones for a period (sales in the period; reserve and stock as at its end)."""

    parcels_sold: int
    area_sold: Decimal
    price_sold: Decimal
    average_price: Decimal | None  # 万元/亩, to 0.01
    standard_parcels_sold: int
    standard_area_sold: Decimal
    industrial_area_sold: Decimal
    standard_share: Decimal | None  # % of new industrial land sold that went as 标准地
    reserve_area: Decimal
    infrastructure_area: Decimal
    reserve_supplied: Decimal  # sold from the reserve (any time to the period's end)
    reserve_left: Decimal


def totals(zones, start: datetime.date, end: datetime.date, group: str | None = None) -> dict:
    """Land totals of ``zones`` (a queryset): parcels sold between ``start`` and ``end`` (inclusive), the 标准地
    share of the industrial land sold, and the reserve taken in up to ``end`` with what is left of it.

    ``group`` (a path from a zone, "city" or "pk"): {group value: LandTotals} for every value that has land, and
    None: the whole. Three grouped queries whatever the number of units."""
    g = f"zone__{group}" if group else None
    keys = [g] if g else []
    sold = LandParcel.objects.filter(zone__in=zones, status__in=SOLD_STATUSES, sold_on__gte=start, sold_on__lte=end)
    sums = {
        "n": Count("id"),
        "sold_area": Sum("area"),
        "sold_price": Sum("price"),
        "std_n": Count("id", filter=Q(is_standard=True)),
        "std_area": Sum("area", filter=Q(is_standard=True)),
        "std_industrial": Sum("area", filter=Q(is_standard=True, land_use=LandUse.INDUSTRIAL)),
        "industrial": Sum("area", filter=Q(land_use=LandUse.INDUSTRIAL)),
    }
    reserve_sums = {"reserve": Sum("area"), "infra": Sum("infrastructure_area")}
    reserves_qs = LandReserve.objects.filter(zone__in=zones, reserved_on__lte=end)
    supplied_qs = LandParcel.objects.filter(
        zone__in=zones, reserve__reserved_on__lte=end, status__in=SOLD_STATUSES, sold_on__lte=end
    )

    def grouped(qs, annotations) -> list[dict]:
        return list(qs.values(*keys).annotate(**annotations)) if keys else [qs.aggregate(**annotations)]

    sales = grouped(sold, sums)
    reserves = grouped(reserves_qs, reserve_sums)
    supplied = grouped(supplied_qs, {"supplied": Sum("area")})
    rows: dict = {}
    zero = Decimal(0)

    def row(key) -> dict:
        return rows.setdefault(key, {})

    for r in sales:
        row(r.get(g)).update({k: r[k] for k in sums})
    for r in reserves:
        row(r.get(g)).update({k: r[k] for k in reserve_sums})
    for r in supplied:
        row(r.get(g))["supplied"] = r["supplied"]
    whole: dict = {}
    for r in rows.values():
        for k, v in r.items():
            whole[k] = (whole.get(k) or 0) + (v or 0)
    out = {key: _land_totals(r, zero) for key, r in rows.items()} if keys else {}
    out[None] = _land_totals(whole, zero)
    return out


def _land_totals(r: dict, zero: Decimal) -> LandTotals:
    def v(key):
        return Decimal(r.get(key) or zero).quantize(CENT)  # 亩 and 万元 to 0.01, whatever the database's sum gives

    return LandTotals(
        parcels_sold=int(v("n")),
        area_sold=v("sold_area"),
        price_sold=v("sold_price"),
        average_price=average_price(v("sold_price"), v("sold_area")),
        standard_parcels_sold=int(v("std_n")),
        standard_area_sold=v("std_area"),
        industrial_area_sold=v("industrial"),
        standard_share=percent(v("std_industrial"), v("industrial"), 2),
        reserve_area=v("reserve"),
        infrastructure_area=v("infra"),
        reserve_supplied=v("supplied"),
        reserve_left=v("reserve") - v("infra") - v("supplied"),
    )
