"""A small installation's worth of records and files, written by a subprocess in the backup tests:
records of several kinds (decimals, dates, timestamps to the microsecond, JSON, change history), the
secret key, a finished job's file and an upload."""

import datetime
import os
from decimal import Decimal


def seed() -> None:
    from kaifaqu.reports import jobs
    from kaifaqu.reports.models import Job, JobStatus
    from kaifaqu.testing import factories as f

    city = f.CityFactory(code="140200", name="大同")
    zone = f.ZoneFactory(name="云冈经济技术开发区", short_name="云冈", city=city)
    user = f.UserFactory(username="yungang", role="zone", zone=zone)
    project = f.ProjectFactory(
        zone=zone,
        name="高性能碳纤维项目",
        key_level="provincial",
        total_investment=Decimal("123456.78"),
        **f.reached("started", datetime.date(2024, 2, 10)),
    )
    f.MonthlyReportFactory(project=project, month=datetime.date(2025, 9, 1), this_month=Decimal("100.5"))
    f.LeadFactory(zone=zone, company="贝利精密铸造有限公司", first_contact_on=datetime.date(2025, 3, 1))
    job = jobs.enqueue("bulletin_export", {"bulletin": 1, "formats": ["docx"]}, user)
    name = jobs.write_file(job, "bulletin-2025-09.docx", os.urandom(64 * 1024))
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, result={"files": {"docx": name}})
    (jobs.job_dir(job) / "upload.xlsx").write_bytes(os.urandom(1024))
