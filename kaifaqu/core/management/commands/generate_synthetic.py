from django.core.management.base import BaseCommand

from kaifaqu.demo.synthetic import generate


class Command(BaseCommand):
    help = "Add deterministic synthetic data: fill up to --zones zones and add --enterprises enterprises."

    def add_arguments(self, parser):
        parser.add_argument("--zones", type=int, default=93)
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        counts = generate(zones=options["zones"], enterprises=options["enterprises"], seed=options["seed"])
        self.stdout.write(
            f"created {counts.zones} zones, {counts.parks} parks, {counts.chains} chains, "
            f"{counts.enterprises} enterprises"
        )
