"""Job handlers."""

from django.utils.translation import gettext as _

from . import exporters
from .bulletin import build
from .jobs import handler, progress, write_file
from .models import Bulletin


@handler("bulletin_export")
def export_bulletin(job):
    """A bulletin's files: the frozen content if published, else the current figures (a draft)."""
    bulletin = Bulletin.objects.get(pk=job.params["bulletin"])
    progress(job, 5, _("正在汇总数据"))
    content = bulletin.content or build(bulletin)
    stem = f"{content['month']}-{bulletin.level}{'-' + str(bulletin.city_id) if bulletin.city_id else ''}"
    files = {}
    progress(job, 35, _("正在生成 Word"))
    files["docx"] = write_file(job, f"bulletin-{stem}.docx", exporters.to_docx(content))
    progress(job, 60, _("正在生成 Excel"))
    files["xlsx"] = write_file(job, f"bulletin-{stem}.xlsx", exporters.to_xlsx(content))
    if "pdf" in job.params.get("formats", ["pdf"]):
        progress(job, 75, _("正在生成 PDF"))
        files["pdf"] = write_file(job, f"bulletin-{stem}.pdf", exporters.to_pdf(content))
    return files
