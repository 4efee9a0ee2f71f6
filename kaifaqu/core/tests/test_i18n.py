import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def test_chinese_by_default_even_for_an_english_browser(client_for, alice):
    r = client_for(alice).get(reverse("zone_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "zh-hans" and "开发区" in r.content.decode()


def test_the_language_switch_gives_english(client_for, alice):
    c = client_for(alice)
    r = c.post(reverse("set_language"), {"language": "en", "next": "/zones/"})
    assert r.status_code == 302
    r = c.get(reverse("zone_list"))
    assert r["Content-Language"] == "en"
    assert "Export to Excel" in r.content.decode()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert c.get(reverse("zone_list"))["Content-Language"] == "zh-hans"


def test_the_demo_database_says_so_on_every_page(client_for, alice, settings):
    settings.KFQ_DEMO = True
    assert "演示数据" in client_for(alice).get("/zones/").content.decode()
    settings.KFQ_DEMO = False
    assert 'id="demo-banner"' not in client_for(alice).get("/zones/").content.decode()


def test_filter_labels_stay_chinese_after_the_api_schema_is_built(client_for, alice):
    """The schema generator reads every filterset's own filters; the list pages after it still name them in Chinese."""
    c = client_for(alice)
    assert c.get(reverse("api-schema")).status_code == 200
    for url, label in [("/bundles/", "状态"), ("/holidays/", "类别"), ("/pauses/", "暂停原因")]:
        page = c.get(url).content.decode()
        assert f">{label}</label>" in page, url
        assert not re.search(r">(Status|Kind|Reason)</label>", page), url
    c.post(reverse("set_language"), {"language": "en", "next": "/bundles/"})
    assert ">Status</label>" in c.get("/bundles/").content.decode()  # the same label, translated when read


def test_one_chinese_word_with_two_english_meanings_is_translated_by_its_context(client_for, alice, zone_a):
    """新建 is the button (Create) and the history entry (Created); 签约 the stage (Signed) and the milestone
    (Signing): in English each reads as what it is, in Chinese both stay one word."""
    from kaifaqu.projects.models import MILESTONES

    from .. import models as core

    c = client_for(alice)
    c.post(reverse("set_language"), {"language": "en", "next": "/parks/"})
    c.post(reverse("park_add"), {"zone": zone_a.pk, "name": "East park", "area": "100"})
    park = zone_a.parks.get(name="East park")
    page = c.get(reverse("park_detail", args=[park.pk])).content.decode()
    assert re.search(r"<td>Created</td>", page), "the history names what happened"
    assert re.search(r'id="add-object">Create</a>', c.get("/parks/").content.decode()), "the button names the act"
    with translation.override("en"):
        assert str(core.ChangeAction.CREATE.label) == "Created" and translation.gettext("新建") == "Create"
        assert str(MILESTONES[0][3]) == "Signing" and str(MILESTONES[0][0].label) == "Signed"
    with translation.override("zh-hans"):
        assert str(core.ChangeAction.CREATE.label) == translation.gettext("新建") == "新建"
        assert str(MILESTONES[0][3]) == str(MILESTONES[0][0].label) == "签约"
