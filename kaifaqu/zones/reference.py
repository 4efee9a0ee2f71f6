"""Reference data shipped with the platform: Shanxi's 11 cities and the zones of public sources."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from kaifaqu.lib.units import hectares_to_mu

from .models import City, Zone, ZoneCategory, ZoneLevel

DATA = Path(__file__).resolve().parent / "data"
CATEGORY = {
    "工业类": ZoneCategory.INDUSTRIAL,
    "现代农业类": ZoneCategory.AGRICULTURE,
    "生态文旅类": ZoneCategory.ECO_TOURISM,
}
LEVEL = {"national": ZoneLevel.NATIONAL, "provincial": ZoneLevel.PROVINCIAL}


def load_cities() -> int:
    """Create or correct the 11 cities. Returns how many were created."""
    created = 0
    with open(DATA / "cities.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            city = City.objects.filter(code=row["code"]).first()
            if city is None:
                City.objects.create(code=row["code"], name=row["name"])
                created += 1
            elif city.name != row["name"]:
                city.name = row["name"]
                city.save()
    return created


def zone_rows():
    """The zones of shanxi_zones.csv as model field values; empty and "unknown" cells stay blank."""
    with open(DATA / "shanxi_zones.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            approved = None
            if row["approved"]:
                year, month = row["approved"].split("-")
                approved = datetime.date(int(year), int(month), 1)
            yield {
                "name": row["name"],
                "city_name": row["city"],
                "county": row["county"],
                "level": LEVEL.get(row["level"], ""),
                "category": CATEGORY.get(row["category"], ""),
                "approved_on": approved,
                "planned_area": hectares_to_mu(Decimal(row["area_ha"])) if row["area_ha"] else None,
                "leading_industries": row["leading_industries"],
                "source": row["source"] + ("（批准日期仅知年月，记为当月1日）" if approved else ""),
            }


def load_zones() -> int:
    """Create the listed zones that do not exist yet (existing ones are left as administrators edited them)."""
    cities = {c.name: c for c in City.objects.all()}
    existing = set(Zone.objects.values_list("name", flat=True))
    created = 0
    for values in zone_rows():
        if values["name"] in existing:
            continue
        city = cities[values.pop("city_name")]
        Zone.objects.create(city=city, **values)
        created += 1
    return created
