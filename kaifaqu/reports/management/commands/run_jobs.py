from django.core.management.base import BaseCommand

from kaifaqu.reports import jobs


class Command(BaseCommand):
    help = (
        "Run background jobs (bulletin exports, large list exports and imports), each in a child process "
        "that is watched: forever, or --once for what is queued now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")

    def handle(self, *args, **options):
        from kaifaqu.reports import tasks  # noqa: F401  (registers the job handlers)

        started = jobs.supervise(once=options["once"])
        if options["once"]:
            self.stdout.write(f"{started} jobs run")
