from django.core.management.base import BaseCommand

from kaifaqu.reports import jobs


class Command(BaseCommand):
    help = "Run background jobs (bulletin exports): forever, or --once for what is queued now."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, **options):
        from kaifaqu.reports import tasks  # noqa: F401  (registers the job handlers)

        ran = jobs.work(once=options["once"])
        if options["once"]:
            self.stdout.write(f"{ran} jobs run")
