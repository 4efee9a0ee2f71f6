"""The monthly bulletin: figures in .docx, .xlsx and .pdf agree with the registers; publishing freezes
it; later corrections are listed beside it; exports run as background jobs that fail cleanly."""

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.projects.services import correct_report
from kaifaqu.reports import exporters, gongwen, jobs
from kaifaqu.reports.bulletin import build, content_of, publish
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
    assert "开复工率66.7%" in c["summary"] and "超序时进度" not in c["summary"]  # 70.0 − 75.0 < 0
    assert "落后序时进度5.0个百分点" in c["summary"]
    assert not re.search(r"[,;:()](?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[,;:()]", c["summary"])  # full-width


def test_cities_come_in_the_standard_order_and_red_projects_say_why(zone_a, zone_b, city_a, city_b, db):
    """太原, 大同, 阳泉 … 吕梁 by division code, whatever their names sort as; a red project carries its reasons."""
    taiyuan = f.CityFactory(code="140100", name="太原")
    lvliang = f.CityFactory(code="141100", name="吕梁")
    for city, name in ((taiyuan, "太原甲开发区"), (lvliang, "吕梁甲开发区")):
        p = f.ProjectFactory(zone=f.ZoneFactory(city=city, name=name), **f.reached("started", D(2025, 3, 1)))
        AnnualPlan.objects.create(project=p, year=2025, kind="new_start", planned_investment=Decimal("100"))
    late = f.ProjectFactory(zone=zone_a, name="滞后项目", planned_start_on=D(2025, 5, 1))
    AnnualPlan.objects.create(project=late, year=2025, kind="new_start", planned_investment=Decimal("1000"))
    f.MonthlyReportFactory(project=late, month=D(2025, 9, 1), this_month=10, year_to_date=100, since_start=100)
    c = build(Bulletin.objects.create(month=D(2025, 9, 1), level="province"))
    codes = {str(x): x.code for x in (taiyuan, lvliang, city_a, city_b)}
    units = [r["unit"] for r in c["units"]]
    assert units == sorted(units, key=codes.get) and units[0] == "太原市" and units[-1] == "吕梁市"
    (red,) = [p for p in c["red_projects"] if p["name"] == "滞后项目"]
    assert "开工逾期（计划2025年5月1日）" in red["reason"]
    assert "投资完成率10.0%，低于序时进度75.0%超过" in red["reason"]
    word = Document(io.BytesIO(exporters.to_docx(c)))
    reasons = [row.cells[-1].text for t in word.tables for row in t.rows if row.cells[0].text == "滞后项目"]
    assert reasons == [red["reason"]]


def _document_values(c) -> list[str]:
    """Every cell of every table of the bulletin's document, as the documents print it."""
    return [str(gongwen._cell(v)) for t in gongwen.document(c).tables() for row in t.rows for v in row]


def test_docx_xlsx_and_pdf_carry_the_same_tables(ledgers, bulletin, city_a, city_b):
    publish(bulletin.pk, None)
    bulletin.refresh_from_db()
    c = content_of(bulletin)
    values = _document_values(c)
    assert "80.0" in values and str(city_b) in values and "70.0" in values
    doc = Document(io.BytesIO(exporters.to_docx(c)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert c["title"] in text and "山西省开发区建设工作领导小组办公室" in text and "第1期" in text
    assert "一、总体情况" in text and "存在问题" in text and "下步工作" in text and "抄送：" in text
    assert "2025年1–9月" in text and "印发" in text
    assert sorted(cells) == sorted(values + [h for t in gongwen.document(c).tables() for h in t.headers])
    assert doc.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)
    body = doc.styles["Normal"]
    assert body.font.size.pt == 16 and body.font.name == "仿宋_GB2312"  # 三号 仿宋
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "— " in footer and doc.settings.odd_and_even_pages_header_footer

    book = load_workbook(io.BytesIO(exporters.to_xlsx(c)))
    assert book.sheetnames == ["通报", "汇总", "投资完成率排名", "开复工率排名", "签约投资排名"] + [
        s for s in ("红色预警项目", "逾期问题", "超期审批") if s in book.sheetnames
    ]
    rows = {r[0]: r for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert rows[str(city_a)][2] == Decimal("60.0") and rows["合计"][2] == Decimal("70.0")
    assert book["汇总"].column_dimensions["A"].width > book["汇总"].column_dimensions["H"].width
    sheet_values = {_comparable(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r}
    assert {_comparable(v) for v in values} - {"—"} <= sheet_values
    assert book["汇总"]["C2"].number_format == "0.0"
    letter = "\n".join(str(r[0]) for r in book["通报"].iter_rows(values_only=True) if r[0])
    assert c["summary"] in letter and c["document"]["problems"].splitlines()[0] in letter

    pdf = PdfReader(io.BytesIO(exporters.to_pdf(c)))
    pdf_text = re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert "开发区建设月通报" in pdf_text and "第1期" in pdf_text and "—1—" in pdf_text
    missing = [v for v in values if re.sub(r"\s+", "", v) not in pdf_text]
    assert not missing, missing


def _comparable(value):
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)


def _render(tmp_path, source, fmt="pdf"):
    assert shutil.which("soffice"), (
        "LibreOffice is missing: scripts/bootstrap.sh --browser installs libreoffice-writer-nogui"
    )
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(f".{fmt}")


def test_libreoffice_renders_the_docx_with_its_red_header_and_page_numbers(ledgers, bulletin, tmp_path, city_b):
    from PIL import Image

    c = build(bulletin)
    source = tmp_path / "bulletin.docx"
    source.write_bytes(exporters.to_docx(c))
    pdf = _render(tmp_path, source)
    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "月通报" in text and "80.0" in text and str(city_b) in text
    assert len(reader.pages) >= 2
    # Page numbers at the foot: — 1 — on the first page, — 2 — on the second.
    for number, page in enumerate(reader.pages[:2], start=1):
        assert f"— {number} —" in page.extract_text()
    # The 版头 is red: many pure-red pixels in the top fifth of the first page, none in the lower half.
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    width, height = image.size

    def red(box):
        data = image.crop(box).tobytes()  # RGB triples
        return sum(1 for i in range(0, len(data), 3) if data[i] > 200 and data[i + 1] < 80 and data[i + 2] < 80)

    assert red((0, 0, width, height // 5)) > 200
    assert red((0, height // 2, width, height)) == 0
    # The body is set in a serif CJK face standing in for 仿宋 (the set-up's fontconfig file), not a sans fallback.
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Serif" in fonts, fonts


def test_publishing_numbers_the_series_and_freezes_the_document(client_for, province_user, ledgers, bulletin):
    c = client_for(province_user)
    page = c.get(reverse("bulletin_edit", args=[bulletin.pk]))
    assert "一是" in page.content.decode()  # the generated 存在问题 is offered as the starting text
    r = c.post(
        reverse("bulletin_edit", args=[bulletin.pk]),
        {
            "month": "2025-09",
            "level": "province",
            "doc_number": "晋开发办〔2025〕9号",
            "problems": "一是甲市项目开工不足。\n二是乙市要素保障滞后。",
            "next_steps": "一是抓开工。",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    earlier = Bulletin.objects.create(month=D(2025, 8, 1), level="province", issue_no=7)
    assert c.post(reverse("bulletin_publish", args=[bulletin.pk])).status_code == 302
    bulletin.refresh_from_db()
    d = bulletin.content["document"]
    assert bulletin.issue_no == 8 and d["issue"] == "第8期" and d["doc_number"] == "晋开发办〔2025〕9号"
    assert d["problems"].startswith("一是甲市") and d["authority"] == "山西省开发区建设工作领导小组办公室"
    text = "\n".join(p.text for p in Document(io.BytesIO(exporters.to_docx(bulletin.content))).paragraphs)
    assert "二是乙市要素保障滞后。" in text and "晋开发办〔2025〕9号" in text
    # Frozen: the draft's text can no longer be edited, and another bulletin of the year cannot take 第8期.
    r = c.post(reverse("bulletin_edit", args=[bulletin.pk]), {"month": "2025-09", "level": "province"})
    assert r.status_code == 400 and "已发布" in r.content.decode()
    r = c.post(reverse("bulletin_edit", args=[earlier.pk]), {"month": "2025-08", "level": "province", "issue_no": "8"})
    assert r.status_code == 400 and "本年已有第8期" in r.content.decode()


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
    wb.active.append(["所属开发区", "名称", "面积（亩）"])
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
        {"row": 3, "column": "面积（亩）", "message": "应为数字，当前为“很大”"}
    ]
    assert not Park.objects.exists()  # all or nothing
    assert "应为数字" in c.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert not (jobs.job_dir(job) / "upload.xlsx").exists()


def test_a_draft_checks_the_rates_of_its_text_before_it_is_published(client_for, province_user, ledgers, bulletin):
    """The generated 总体情况 agrees with itself (3 planned, 2 started, 66.7%); a compiler's 存在问题 quoting a rate
    that its own counts do not give is flagged on the draft, with the figures that would give it."""
    c = client_for(province_user)
    page = c.get(reverse("bulletin_detail", args=[bulletin.pk])).content.decode()
    checks = page.split('id="text-checks"')[1].split("</div>")[0]
    assert "check-consistent" in checks and "开复工率" in checks and "check-internally" not in checks
    bulletin.problems = "一是甲市共有重点项目4个，已开工3个，开工率80.0%，仍有差距。"
    bulletin.save()
    checks = c.get(reverse("bulletin_detail", args=[bulletin.pk])).content.decode().split('id="text-checks"')[1]
    assert "check-internally_inconsistent" in checks and "3/4 = 75.0%" in checks
    publish(bulletin.pk, province_user)
    assert 'id="text-checks"' not in c.get(reverse("bulletin_detail", args=[bulletin.pk])).content.decode()
