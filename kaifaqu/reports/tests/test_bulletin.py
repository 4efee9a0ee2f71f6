"""The monthly bulletin: figures in .docx, .xlsx and .pdf agree with the registers; publishing freezes
it; later corrections are listed beside it; exports run as background jobs that fail cleanly."""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.projects.services import correct_report
from kaifaqu.reports import exporters, jobs
from kaifaqu.reports.bulletin import build
from kaifaqu.reports.models import Bulletin, Job, JobStatus
from kaifaqu.reports.tasks import export_bulletin  # noqa: F401  (registers the handler)
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def ledgers(zone_a, zone_b):
    """September 2025: 大同 (zone A) completes 60% with 1 of 2 started; 朔州 (zone B) 80% with 1 of 1."""
    a1 = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    a2 = f.ProjectFactory(zone=zone_a, name="乙项目")
    b1 = f.ProjectFactory(zone=zone_b, name="丙项目", **f.reached("started", D(2025, 3, 1)))
    for p in (a1, a2):
        AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal("500"))
    AnnualPlan.objects.create(project=b1, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    f.MonthlyReportFactory(project=a1, month=D(2025, 9, 1), this_month=100, year_to_date=600, since_start=600)
    report = f.MonthlyReportFactory(project=b1, month=D(2025, 9, 1), this_month=100, year_to_date=800, since_start=800)
    return report


@pytest.fixture
def bulletin(db):
    return Bulletin.objects.create(month=D(2025, 9, 1), level="province")


def test_content_ranks_cities_with_the_registers_figures(ledgers, bulletin, city_a, city_b):
    c = build(bulletin)
    assert [r["unit"] for r in c["rankings"]["completion_rate"]] == [str(city_b), str(city_a)]
    assert [r["value"] for r in c["rankings"]["completion_rate"]] == ["80.0", "60.0"]
    assert c["totals"]["completion_rate"] == "70.0" and c["totals"]["start_resume_rate"] == "66.7"
    assert "开复工率 66.7%" in c["summary"] and "超序时进度" not in c["summary"]  # 70.0 − 75.0 < 0
    assert "落后序时进度 5.0 个百分点" in c["summary"]


def test_docx_xlsx_and_pdf_carry_the_same_numbers(ledgers, bulletin, city_a, city_b):
    c = build(bulletin)
    doc = Document(io.BytesIO(exporters.to_docx(c)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert c["title"] in text and "80.0" in cells and "60.0" in cells and str(city_b) in cells
    assert doc.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)
    sheet = load_workbook(io.BytesIO(exporters.to_xlsx(c)))["汇总"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows[str(city_a)][2] == Decimal("60.0") and rows["合计"][2] == Decimal("70.0")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exporters.to_pdf(c))).pages)
    assert "开发区建设月通报" in pdf_text and "80.0" in pdf_text and "70.0" in pdf_text


def test_the_docx_opens_in_libreoffice(ledgers, bulletin, tmp_path, city_b):
    assert shutil.which("soffice"), (
        "LibreOffice is missing: scripts/bootstrap.sh --browser installs libreoffice-writer-nogui"
    )
    c = build(bulletin)
    source = tmp_path / "bulletin.docx"
    source.write_bytes(exporters.to_docx(c))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "bulletin.pdf").pages)
    assert "月通报" in text and "80.0" in text and str(city_b) in text


def test_publishing_freezes_and_later_corrections_are_listed_beside(
    client_for, province_user, ledgers, bulletin, city_b
):
    c = client_for(province_user)
    assert c.post(reverse("bulletin_publish", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == "published" and bulletin.content["totals"]["completion_rate"] == "70.0"
    correct_report(
        ledgers,
        user=province_user,
        values={"this_month": Decimal("300"), "year_to_date": Decimal("1000"), "since_start": Decimal("1000")},
        reason="企业补报9月数据",
    )
    page = c.get(reverse("bulletin_detail", args=[bulletin.pk]))
    assert page.context["c"]["totals"]["completion_rate"] == "70.0"  # what was published
    changed = page.context["since"]["changed"]
    assert {"unit": str(city_b), "figure": "投资完成率", "published": "80.0", "now": "100.0"} in changed
    assert "企业补报9月数据" in page.content.decode()
    assert c.post(reverse("bulletin_publish", args=[bulletin.pk]), follow=True).status_code == 200
    bulletin.refresh_from_db()
    assert bulletin.content["totals"]["completion_rate"] == "70.0"  # publishing again changes nothing


def test_a_month_without_data_says_so_and_cannot_be_published(client_for, province_user, bulletin):
    c = client_for(province_user)
    page = c.get(reverse("bulletin_detail", args=[bulletin.pk]))
    assert "没有可通报的数据" in page.content.decode()
    c.post(reverse("bulletin_publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.status == "draft"


def test_future_month_is_refused_and_outsiders_get_404(client_for, province_user, city_user, city_b):
    r = client_for(province_user).post(reverse("bulletin_add"), {"month": "2099-01", "level": "province"})
    assert r.status_code == 400 and "不能为未来月份出通报" in r.content.decode()
    theirs = Bulletin.objects.create(month=D(2025, 9, 1), level="city", city=city_b)
    assert client_for(city_user).get(reverse("bulletin_detail", args=[theirs.pk])).status_code == 404
    r = client_for(city_user).post(reverse("bulletin_add"), {"month": "2025-09", "level": "province"})
    assert r.status_code == 400


def test_export_runs_as_a_job_with_progress_and_downloads(
    client_for, province_user, ledgers, bulletin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(province_user)
    r = c.post(reverse("bulletin_export", args=[bulletin.pk]))
    job = Job.objects.get()
    assert r["Location"] == reverse("job_detail", args=[job.pk]) and job.status == JobStatus.QUEUED
    assert jobs.work(once=True) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100 and set(job.result["files"]) == {"docx", "xlsx", "pdf"}
    assert "下载 DOCX" in c.get(reverse("job_detail", args=[job.pk])).content.decode()
    download = c.get(reverse("job_download", args=[job.pk, "xlsx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_a_failed_export_says_why_and_offers_no_file(
    client_for, province_user, bulletin, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def broken(content):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(exporters, "to_pdf", broken)
    job = jobs.enqueue("bulletin_export", {"bulletin": bulletin.pk}, province_user)
    jobs.work(once=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "字体缺失" in job.message and job.result == {}
    assert list(jobs.job_dir(job).iterdir()) == []  # the docx and xlsx written before the failure are gone
    assert client_for(province_user).get(reverse("job_download", args=[job.pk, "docx"])).status_code == 404


def test_a_job_interrupted_by_a_restart_is_run_again(province_user, bulletin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = jobs.enqueue("bulletin_export", {"bulletin": bulletin.pk, "formats": []}, province_user)
    stale = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat=stale)  # its worker died
    assert jobs.work(once=True) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_jobs_are_private_to_their_owner(client_for, province_user, alice, bulletin):
    job = jobs.enqueue("bulletin_export", {"bulletin": bulletin.pk}, province_user)
    assert client_for(alice).get(reverse("job_detail", args=[job.pk])).status_code == 404


def test_a_large_list_export_runs_in_the_background(client_for, alice, zone_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KFQ_SYNC_EXPORT_ROWS = 2
    for i in range(3):
        f.ParkFactory(zone=zone_a, name=f"园{i}")
    c = client_for(alice)
    r = c.get(reverse("park_list"), {"q": "园", "export": "xlsx"})
    job = Job.objects.get()
    assert r["Location"] == reverse("job_detail", args=[job.pk]) and job.params["query"] == "q=%E5%9B%AD"
    jobs.work(once=True)
    job.refresh_from_db()
    data = b"".join(c.get(reverse("job_download", args=[job.pk, "xlsx"])).streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["园0", "园1", "园2"]
    assert str(job.pk) in c.get(reverse("job_list")).content.decode()


def test_a_large_import_runs_in_the_background_and_reports_every_error(client_for, alice, zone_a, settings, tmp_path):
    from openpyxl import Workbook

    from kaifaqu.zones.models import Park

    settings.MEDIA_ROOT = tmp_path
    settings.KFQ_SYNC_IMPORT_BYTES = 10
    wb = Workbook()
    wb.active.append(["所属开发区", "名称", "面积(亩)"])
    wb.active.append([zone_a.name, "东园", "10"])
    wb.active.append([zone_a.name, "西园", "很大"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "parks.xlsx"
    c = client_for(alice)
    r = c.post(reverse("park_import"), {"file": buf})
    job = Job.objects.get()
    assert r["Location"] == reverse("job_detail", args=[job.pk])
    jobs.work(once=True)
    job.refresh_from_db()
    report = job.result["import"]
    assert not report["ok"] and report["errors"] == [
        {"row": 3, "column": "面积(亩)", "message": "应为数字,当前为“很大”"}
    ]
    assert not Park.objects.exists()  # all or nothing
    assert "应为数字" in c.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert not (jobs.job_dir(job) / "upload.xlsx").exists()
