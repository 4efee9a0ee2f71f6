import datetime

from django.core.management.base import BaseCommand, CommandError

from kaifaqu.demo.synthetic import generate


class Command(BaseCommand):
    help = "Add deterministic synthetic data: fill up to --zones zones and add --enterprises enterprises."

    def add_arguments(self, parser):
        parser.add_argument("--zones", type=int, default=93)
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--projects-per-zone", type=int, default=0)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--end", help="last month YYYY-MM (default: last full month)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--procedures", action="store_true", help="give started projects approval procedures")
        parser.add_argument("--leads-per-zone", type=int, default=0, help="promotion leads (with follow-ups) per zone")
        parser.add_argument(
            "--no-history", action="store_true", help="skip change-history entries (benchmark databases only)"
        )

    def handle(self, *args, **options):
        end = None
        if options["end"]:
            try:
                end = datetime.datetime.strptime(options["end"], "%Y-%m").date()
            except ValueError as exc:
                raise CommandError("--end 应为 YYYY-MM") from exc
        counts = generate(
            zones=options["zones"],
            enterprises=options["enterprises"],
            projects_per_zone=options["projects_per_zone"],
            months=options["months"],
            end=end,
            seed=options["seed"],
            history=not options["no_history"],
            procedures=options["procedures"],
            leads_per_zone=options["leads_per_zone"],
        )
        self.stdout.write(
            f"created {counts.zones} zones, {counts.parks} parks, {counts.chains} chains, "
            f"{counts.enterprises} enterprises {counts.extra}"
        )
