"""Daily reminder: procedures overdue and due soon, per zone and per agent (run it from cron)."""

from collections import defaultdict

from django.core.management.base import BaseCommand
from django.utils import timezone

from kaifaqu.approvals.models import Procedure
from kaifaqu.approvals.views import reminder_lists


class Command(BaseCommand):
    help = "Print the procedures overdue and due within KFQ_DUE_SOON_DAYS working days, per zone and agent."

    def handle(self, *args, **options):
        today = timezone.localdate()
        lists = reminder_lists(Procedure.objects.select_related("project__zone"), today)
        for label, rows in (("已超期", lists["overdue"]), ("即将到期", lists["due_soon"])):
            by_zone = defaultdict(lambda: defaultdict(list))
            for row in rows:
                p = row["p"]
                by_zone[str(p.project.zone)][str(p.agent or "未分配")].append(row)
            for zone, agents in sorted(by_zone.items()):
                for agent, items in sorted(agents.items()):
                    self.stdout.write(f"[{label}] {zone} · {agent}:{len(items)} 项")
                    for row in items:
                        p, c = row["p"], row["clock"]
                        self.stdout.write(f"    {p.project} · {p.type} · 期限 {p.due_on} · {c.remaining_text}")
        self.stdout.write(f"{today}: {len(lists['overdue'])} overdue, {len(lists['due_soon'])} due soon")
