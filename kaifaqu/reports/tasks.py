"""Job handlers."""

from django.utils.translation import gettext as _

from . import exporters
from .bulletin import content_of
from .jobs import handler, progress, write_file
from .models import Bulletin


@handler("bulletin_export")
def export_bulletin(job):
    """A bulletin's files: the frozen content if published, else the current figures (a draft)."""
    bulletin = Bulletin.objects.for_user(job.created_by).filter(pk=job.params["bulletin"]).first()
    if bulletin is None:  # re-checked when the job runs: the requester's scope may have changed since
        raise ValueError(_("通报不存在或不在您的管辖范围内"))
    progress(job, 5, _("正在汇总数据"))
    content = content_of(bulletin)
    stem = f"{content['month']}-{bulletin.level}{'-' + str(bulletin.city_id) if bulletin.city_id else ''}"
    files = {}
    progress(job, 35, _("正在生成 Word"))
    files["docx"] = write_file(job, f"bulletin-{stem}.docx", exporters.to_docx(content))
    progress(job, 60, _("正在生成 Excel"))
    files["xlsx"] = write_file(job, f"bulletin-{stem}.xlsx", exporters.to_xlsx(content))
    if "pdf" in job.params.get("formats", ["pdf"]):
        progress(job, 75, _("正在生成 PDF"))
        files["pdf"] = write_file(job, f"bulletin-{stem}.pdf", exporters.to_pdf(content))
    return {"files": files}


@handler("list_export")
def export_list(job):
    """A large list export (any registry or ledger with its filters), for the user who asked."""
    from django.http import HttpRequest, QueryDict

    from kaifaqu.core.views import REGISTRY, filtered_queryset

    resource = next(r for r in REGISTRY.values() if r.slug() == job.params["slug"])
    request = HttpRequest()
    request.user = job.created_by
    request.GET = QueryDict(job.params.get("query", ""))
    progress(job, 10, _("正在查询"))
    queryset, _filters = filtered_queryset(resource, request)
    progress(job, 30, _("正在写入 Excel"))
    data = resource.sheet_class(job.created_by).export(queryset)
    name = f"{resource.slug()}-{job.pk}.xlsx"
    return {"files": {"xlsx": write_file(job, name, data)}}


@handler("list_import")
def import_list(job):
    """A large all-or-nothing import: the same checks as on the page; every row error is kept for the user."""
    from kaifaqu.core.views import REGISTRY

    from .jobs import job_dir

    resource = next(r for r in REGISTRY.values() if r.slug() == job.params["slug"])
    progress(job, 10, _("正在读取与校验"))
    path = job_dir(job) / job.params["upload"]
    with path.open("rb") as fh:
        result = resource.sheet_class(job.created_by).import_file(fh, dry_run=job.params.get("dry_run", False))
    path.unlink()
    report = {
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "dry_run": job.params.get("dry_run", False),
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
    }
    return {"files": {}, "import": report}
