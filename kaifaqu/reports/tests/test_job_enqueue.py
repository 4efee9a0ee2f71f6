"""A job is queued only once its input is stored (issue 10, part 3): while a large import's upload is still
being written, the worker finds nothing to claim; once the job is claimable its file is there."""

import io
import threading

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import connections
from django.urls import reverse
from openpyxl import Workbook

from kaifaqu.reports import jobs
from kaifaqu.reports.models import Job, JobStatus


def workbook() -> io.BytesIO:
    wb = Workbook()
    wb.active.append(["项目", "月份", "当月完成投资（万元）", "年初至报告期累计（万元）", "开工至报告期累计（万元）"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "月度投资台账.xlsx"
    return buf


def claimable_by_another_worker() -> list:
    """What the worker process (its own connection) could claim right now: (job id, its upload exists)."""
    seen = []

    def look():
        try:
            for job in Job.objects.filter(status=JobStatus.QUEUED):
                seen.append((job.pk, (jobs.job_dir(job) / job.params.get("upload", "-")).exists()))
        finally:
            connections.close_all()

    worker = threading.Thread(target=look)
    worker.start()
    worker.join(30)
    return seen


@pytest.mark.django_db(transaction=True)
def test_an_import_job_is_claimable_only_once_its_upload_is_stored(client_for, alice, settings, tmp_path, monkeypatch):
    settings.KFQ_SYNC_IMPORT_BYTES = 10  # any upload runs in the background
    settings.MEDIA_ROOT = tmp_path
    while_writing = []
    original = InMemoryUploadedFile.chunks

    def chunks(self, chunk_size=None):
        for chunk in original(self, chunk_size):
            while_writing.extend(claimable_by_another_worker())
            yield chunk

    monkeypatch.setattr(InMemoryUploadedFile, "chunks", chunks)
    r = client_for(alice).post(reverse("monthlyreport_import"), {"file": workbook()})
    assert r.status_code == 302
    assert while_writing == []  # nothing to claim while the upload was being written
    job = Job.objects.get()
    assert claimable_by_another_worker() == [(job.pk, True)]
    claimed = jobs.claim()
    assert claimed.pk == job.pk and (jobs.job_dir(claimed) / "upload.xlsx").stat().st_size > 0
