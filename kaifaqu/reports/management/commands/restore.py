from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from kaifaqu.reports import backups


class Command(BaseCommand):
    help = (
        "Replace the database and the files of KFQ_VAR_DIR by a backup made with `manage.py backup`. "
        "Stop the web server and the job worker first. docs/operations.md"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a directory written by manage.py backup")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        source = options["directory"]
        manifest = backups.read_manifest(source)
        if options["interactive"]:
            question = _(
                "将用 %(s)s（%(t)s 的备份）替换当前数据库 %(db)s 和 %(var)s 中的文件，现有数据将被覆盖。"
                "请先停止网站和后台任务进程。输入 yes 继续："
            ) % {
                "s": source,
                "t": manifest["created_at"],
                "db": connection.settings_dict["NAME"],
                "var": backups.var_dir(),
            }
            if input(question).strip().lower() != "yes":
                raise CommandError(_("已取消，未做任何改动"))
        manifest = backups.restore(source)
        self.stdout.write(
            _("已恢复 %(s)s（数据库 %(e)s，文件 %(n)s 个）。如当前代码比备份新，请接着运行 manage.py migrate。")
            % {"s": source, "e": manifest["engine"], "n": manifest["restored_files"]}
        )
