from django.core.management.base import BaseCommand
from django.db import transaction

from kaifaqu.approvals.calendar import seed_from_package
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.assessment.catalogue import load_defaults as load_indicators
from kaifaqu.assessment.catalogue import load_template
from kaifaqu.core.history import change_context
from kaifaqu.core.models import ChangeSource
from kaifaqu.land.standards import load_defaults as load_land_standards
from kaifaqu.promotion.services import load_defaults as load_promotion_defaults
from kaifaqu.zones.reference import load_cities, load_zones


class Command(BaseCommand):
    help = (
        "Load Shanxi's 11 cities and the zones of public sources, the official holiday calendar 2004–2026 "
        "the default procedure catalogue, the default indicator catalogue, the ETDZ 2021 assessment template "
        "and the 标准地 control-indicator standards (idempotent)."
    )

    def handle(self, *args, **options):
        with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
            cities = load_cities()
            zones = load_zones()
            years = seed_from_package()
            items = load_defaults()
            lists = load_promotion_defaults()
            indicators = load_indicators()
            templates = load_template()
            standards = load_land_standards()
        self.stdout.write(
            f"reference data: {cities} cities, {zones} zones, {years} holiday calendar years, "
            f"{items} procedure catalogue items, {lists} promotion list entries, {indicators} indicators, "
            f"{templates} assessment templates, {standards} land standards created"
        )
