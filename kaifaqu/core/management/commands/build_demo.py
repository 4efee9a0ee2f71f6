from django.core.management.base import BaseCommand

from kaifaqu.demo.builder import DEMO_PASSWORD, build


class Command(BaseCommand):
    help = "Build the demo database (reference data, zones and enterprises from the news seeds, demo users)."

    def add_arguments(self, parser):
        parser.add_argument("--synthetic-enterprises", type=int, default=300)

    def handle(self, *args, **options):
        result = build(synthetic_enterprises=options["synthetic_enterprises"])
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, scope in result["users"]:
            self.stdout.write(f"  {username:<16} {role:<4} {scope}  （{full_name}）")
