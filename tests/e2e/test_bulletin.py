"""Downloading a bulletin in a real browser: export → background job with progress → download."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from playwright.sync_api import expect

from kaifaqu.projects.models import AnnualPlan
from kaifaqu.reports import jobs
from kaifaqu.reports.models import Bulletin
from kaifaqu.reports.tasks import export_bulletin  # noqa: F401  (registers the handler)
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.e2e
D = datetime.date


def test_export_a_bulletin_and_download_the_word_file(page, login, province_user, zone_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = f.ProjectFactory(zone=zone_a, name="甲项目", **f.reached("started", D(2025, 3, 1)))
    AnnualPlan.objects.create(project=project, year=2025, kind="new_start", planned_investment=Decimal("500"))
    bulletin = Bulletin.objects.create(month=D(2025, 9, 1), level="province")
    login(page, province_user)
    page.goto(f"/bulletins/{bulletin.pk}/")
    expect(page.locator("#summary")).to_contain_text("开复工率100.0%")
    page.locator("#export-bulletin").click()
    expect(page.locator("#job-status")).to_be_visible()

    def run_worker():
        try:
            jobs.work(once=True)
        finally:
            connection.close()  # the thread's own connection, or PostgreSQL cannot drop the test database

    worker = threading.Thread(target=run_worker)
    worker.start()
    worker.join(timeout=60)
    expect(page.locator("#download-docx")).to_be_visible(timeout=20_000)  # htmx polls the job every second
    with page.expect_download() as info:
        page.locator("#download-docx").click()
    assert info.value.suggested_filename.endswith(".docx")
