"""Who reads which bulletin. Bulletins are government documents: the province's is read by every city and
zone, a city's by that city and its zones, never by another city; an enterprise reads none (a bulletin names
other enterprises' red-flagged projects and overdue problems) — not the page, the list, the menu, the
exports nor a job's files."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.reports import jobs
from kaifaqu.reports.models import Bulletin, Job, JobStatus
from kaifaqu.reports.tasks import export_bulletin  # noqa: F401  (registers the handlers)
from kaifaqu.testing import factories as f

D = datetime.date


@pytest.fixture
def bulletins(zone_a, zone_b, city_a, city_b, enterprise_a):
    """September 2025, published: the province's names zone B's red project of another enterprise."""
    other = f.EnterpriseFactory(name="山西别家能源有限公司", zones=[zone_b])
    red = {"zone": zone_b.name, "name": "别家企业的红色项目", "stage": "开工", "enterprise": other.name}
    content = {"title": "2025年09月全省开发区建设月通报", "has_data": True, "red_projects": [red]}
    return {
        "province": Bulletin.objects.create(month=D(2025, 9, 1), level="province", status="published", content=content),
        "city_a": Bulletin.objects.create(month=D(2025, 9, 1), level="city", city=city_a),
        "city_b": Bulletin.objects.create(month=D(2025, 9, 1), level="city", city=city_b),
    }


def detail(bulletin):
    return reverse("bulletin_detail", args=[bulletin.pk])


def test_an_enterprise_reads_no_bulletin(bulletins, client_for, enterprise_user):
    c = client_for(enterprise_user)
    for bulletin in bulletins.values():
        assert c.get(detail(bulletin)).status_code == 404
        assert c.post(reverse("bulletin_export", args=[bulletin.pk])).status_code == 404
    listed = c.get(reverse("bulletin_list")).content.decode()
    assert not any(f'href="{detail(b)}"' in listed for b in bulletins.values())
    assert c.get(reverse("bulletin_autocomplete")).json() == {"results": []}
    rows = list(load_workbook(io.BytesIO(c.get(reverse("bulletin_list") + "?export=xlsx").content)).active.values)
    assert rows[1:] == []
    home = c.get(reverse("records"))
    cards = [card["url"] for _label, group in home.context["groups"] for card in group]
    assert reverse("bulletin_list") not in cards and "别家企业的红色项目" not in home.content.decode()
    assert not Job.objects.exists()


def test_the_province_user_reads_the_province_bulletin_that_the_enterprise_may_not(
    bulletins, client_for, province_user
):
    page = client_for(province_user).get(detail(bulletins["province"]))
    assert page.status_code == 200 and "别家企业的红色项目" in page.content.decode()


@pytest.mark.parametrize("user", ["alice", "city_user"])
def test_a_zone_and_its_city_read_the_provinces_and_their_citys_not_another_citys(bulletins, client_for, user, request):
    c = client_for(request.getfixturevalue(user))
    assert c.get(detail(bulletins["province"])).status_code == 200
    assert c.get(detail(bulletins["city_a"])).status_code == 200
    assert c.get(detail(bulletins["city_b"])).status_code == 404
    listed = c.get(reverse("bulletin_list")).content.decode()
    assert f'href="{detail(bulletins["city_a"])}"' in listed and f'href="{detail(bulletins["city_b"])}"' not in listed


def test_a_bulletin_job_writes_files_only_within_its_requesters_scope(
    bulletins, client_for, enterprise_user, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # A job for a bulletin outside the requester's scope (queued before their scope changed, or forged).
    job = jobs.enqueue("bulletin_export", {"bulletin": bulletins["province"].pk, "formats": []}, enterprise_user)
    mine = jobs.enqueue("bulletin_export", {"bulletin": bulletins["city_a"].pk, "formats": []}, alice)
    assert jobs.work(once=True) == 2
    job.refresh_from_db()
    mine.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result == {} and list(jobs.job_dir(job).iterdir()) == []
    assert "不在您的管辖范围内" in job.message
    assert client_for(enterprise_user).get(reverse("job_download", args=[job.pk, "xlsx"])).status_code == 404
    assert mine.status == JobStatus.DONE
    c = client_for(enterprise_user)
    assert c.get(reverse("job_detail", args=[mine.pk])).status_code == 404  # another user's job
    assert c.get(reverse("job_download", args=[mine.pk, "xlsx"])).status_code == 404


def test_a_background_list_export_of_bulletins_keeps_the_scope(
    bulletins, client_for, alice, enterprise_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.KFQ_SYNC_EXPORT_ROWS = -1  # every export in the background, even an empty one
    exported = {}
    for user in (alice, enterprise_user):
        c = client_for(user)
        assert c.get(reverse("bulletin_list") + "?export=xlsx").status_code == 302
        jobs.work(once=True)
        job = Job.objects.filter(created_by=user).get()
        data = b"".join(c.get(reverse("job_download", args=[job.pk, "xlsx"])).streaming_content)
        exported[user.username] = [r[1:3] for r in list(load_workbook(io.BytesIO(data)).active.values)[1:]]
    assert sorted(exported["alice"], key=str) == [("全省", None), ("地市", "大同")]
    assert exported["huayang"] == []
