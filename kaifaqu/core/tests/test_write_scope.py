"""What a user may change is what they see, narrowed where they read more than is theirs: a city reads the
province's rounds and bulletins (and enrols in the rounds) but creates, changes, deletes, imports over and
publishes only its own — through pages, API and Excel alike."""

import datetime
import io

from django.urls import reverse

from kaifaqu.projects.models import Campaign
from kaifaqu.reports.models import Bulletin
from kaifaqu.testing import factories as f
from kaifaqu.testing.xlsx import upload as xlsx_upload
from kaifaqu.testing.xlsx import workbook


def xlsx(*rows) -> io.BytesIO:
    return xlsx_upload(workbook(rows), "campaigns.xlsx")


def test_a_city_changes_only_its_own_rounds(client_for, city_user, city_a):
    provincial = f.CampaignFactory(name="全省第一批", level="province")
    c = client_for(city_user)
    assert c.get(reverse("campaign_detail", args=[provincial.pk])).status_code == 200
    for name in ("edit", "delete"):
        assert c.get(reverse(f"campaign_{name}", args=[provincial.pk])).status_code == 403
        assert c.post(reverse(f"campaign_{name}", args=[provincial.pk]), {}).status_code == 403
    assert (
        c.patch(f"/api/campaigns/{provincial.pk}/", {"name": "改"}, content_type="application/json").status_code == 403
    )
    assert c.delete(f"/api/campaigns/{provincial.pk}/").status_code == 403
    provincial.refresh_from_db()
    assert provincial.name == "全省第一批"
    # Nor may it make a province round, by page, API or Excel.
    form = {"name": "自封的全省批次", "held_on": "2025-05-29", "level": "province"}
    assert c.post(reverse("campaign_add"), form).status_code == 400
    api = {"name": "自封的全省批次", "held_on": "2025-05-29", "level": "province", "city": None}
    assert c.post("/api/campaigns/", api, content_type="application/json").status_code == 400
    upload = xlsx(["名称", "活动日期", "级别", "地市"], ["全省第一批", "2023-02-22", "市级", "大同"])
    r = c.post(reverse("campaign_import"), {"file": upload})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()
    assert not Campaign.objects.filter(name="自封的全省批次").exists()
    assert Campaign.objects.get(pk=provincial.pk).level == "province"
    # Its own rounds it organises as before.
    form = {"name": "大同第二批", "held_on": "2025-05-29", "level": "city", "city": city_a.pk}
    assert c.post(reverse("campaign_add"), form).status_code == 302
    own = Campaign.objects.get(name="大同第二批")
    assert c.get(reverse("campaign_edit", args=[own.pk])).status_code == 200


def test_a_city_neither_publishes_nor_deletes_the_provinces_bulletin(client_for, city_user, city_a):
    provincial = Bulletin.objects.create(month=datetime.date(2025, 9, 1), level="province")
    own = Bulletin.objects.create(month=datetime.date(2025, 9, 1), level="city", city=city_a)
    c = client_for(city_user)
    assert c.post(reverse("bulletin_publish", args=[provincial.pk])).status_code == 403
    assert c.post(reverse("bulletin_delete", args=[provincial.pk])).status_code == 403
    assert Bulletin.objects.filter(pk=provincial.pk, status="draft").exists()
    assert c.get(reverse("bulletin_edit", args=[own.pk])).status_code == 200
