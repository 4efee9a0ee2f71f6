from django.core.management.base import BaseCommand
from django.db import transaction

from kaifaqu.core.history import change_context
from kaifaqu.core.models import ChangeSource
from kaifaqu.zones.reference import load_cities, load_zones


class Command(BaseCommand):
    help = "Load Shanxi's 11 cities and the zones of public sources (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic(), change_context(source=ChangeSource.COMMAND):
            cities = load_cities()
            zones = load_zones()
        self.stdout.write(f"reference data: {cities} cities and {zones} zones created")
