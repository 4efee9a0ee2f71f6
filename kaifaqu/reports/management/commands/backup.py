from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaifaqu.reports import backups


class Command(BaseCommand):
    help = (
        "Back up the database and the files of KFQ_VAR_DIR (secret key, uploads, job files) into a new "
        "directory; the platform may keep running. docs/operations.md"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new or empty directory, outside KFQ_VAR_DIR")

    def handle(self, *args, **options):
        manifest = backups.backup(options["directory"])
        self.stdout.write(
            _("已备份到 %(d)s（数据库 %(e)s，已应用迁移 %(m)s 个）")
            % {"d": options["directory"], "e": manifest["engine"], "m": len(manifest["migrations"])}
        )
