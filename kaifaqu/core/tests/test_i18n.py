import re

from django.conf import settings
from django.urls import reverse


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
