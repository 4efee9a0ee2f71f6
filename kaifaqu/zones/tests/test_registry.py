"""Zone registry behaviour: validation messages, guarded delete, filters and sorting."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Zone

GOOD = {"name": "新设经济技术开发区", "category": "industrial", "level": "provincial"}


@pytest.fixture
def c(client_for, province_user, city_a):
    return client_for(province_user)


def post_zone(c, home_city, **changes):
    data = {**GOOD, "city": home_city.pk, **changes}
    return c.post(reverse("zone_add"), data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"planned_area": "-5"}, "planned_area", "不能为负数"),
        ({"planned_area": "abc"}, "planned_area", "输入一个数字"),
        ({"approved_on": "2020/13/01"}, "approved_on", "输入一个有效的日期"),
        ({"name": "区" * 101}, "name", "不超过 100 字符"),
        ({"city": "999999"}, "city", "选择一个有效的选项"),
        ({"category": "mining"}, "category", "选择一个有效的选项"),
    ],
)
def test_bad_form_input_names_field_and_rule_and_writes_nothing(c, city_a, changes, field, message):
    r = post_zone(c, city_a, **changes)
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert message in " ".join(errors[field])
    assert not Zone.objects.filter(name=changes.get("name", GOOD["name"])).exists()


def test_duplicate_name_is_refused(c, city_a, zone_a):
    r = post_zone(c, city_a, name=zone_a.name)
    assert r.status_code == 400
    assert "已存在" in " ".join(r.context["form"].errors["name"])


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"planned_area": "-1"}, "planned_area", "不能为负数"),  # the model's message, as on the page
        ({"planned_area": "abc"}, "planned_area", "请填写合法的数字"),
        ({"approved_on": "01/02/2020"}, "approved_on", "日期格式错误"),
        ({"city": 999999}, "city", "无效主键"),
        ({"name": "区" * 101}, "name", "不能超过 100 个字符"),
    ],
)
def test_bad_api_input_names_field_and_rule(c, city_a, payload, field, message):
    r = c.post("/api/zones/", {**GOOD, "city": city_a.pk, **payload}, content_type="application/json")
    assert r.status_code == 400
    assert message in " ".join(r.json()[field])
    assert Zone.objects.count() == 0


def test_delete_is_refused_while_parks_depend_on_the_zone(c, zone_a):
    f.ParkFactory(zone=zone_a, name="东区园")
    page = c.get(reverse("zone_delete", args=[zone_a.pk]))
    assert "东区园" in page.content.decode()
    r = c.post(reverse("zone_delete", args=[zone_a.pk]), follow=True)
    assert "无法删除" in r.content.decode() and "园区 1 条" in r.content.decode()
    assert Zone.objects.filter(pk=zone_a.pk).exists()
    r = c.delete(f"/api/zones/{zone_a.pk}/")
    assert r.status_code == 400 and "东区园" in str(r.json())


def test_delete_is_refused_while_enterprises_are_in_the_zone(c, zone_a, enterprise_a):
    r = c.delete(f"/api/zones/{zone_a.pk}/")
    assert r.status_code == 400 and "企业入驻" in str(r.json())


def test_delete_without_dependents_works(c, city_a):
    zone = f.ZoneFactory(city=city_a)
    assert c.post(reverse("zone_delete", args=[zone.pk])).status_code == 302
    assert not Zone.objects.filter(pk=zone.pk).exists()


def test_list_filters_search_sorts_and_paginates(c, city_a, city_b):
    for i in range(60):
        f.ZoneFactory(name=f"甲{i:02d}开发区", city=city_a, planned_area=Decimal(i))
    f.ZoneFactory(name="乙开发区", city=city_b, category="agriculture")
    r = c.get(reverse("zone_list"), {"city": city_a.pk, "sort": "-planned_area"})
    rows = r.context["page"].object_list
    assert r.context["paginator"].count == 60
    assert len(rows) == 50 and rows[0].name == "甲59开发区"
    r = c.get(reverse("zone_list"), {"q": "乙"})
    assert [z.name for z in r.context["page"].object_list] == ["乙开发区"]
    r = c.get(reverse("zone_list"), {"category": "agriculture"})
    assert r.context["paginator"].count == 1
    r = c.get(reverse("zone_list"), {"page": "2", "city": city_a.pk})
    assert len(r.context["page"].object_list) == 10


def test_api_filters_with_the_same_filterset(c, city_a, city_b):
    f.ZoneFactory(name="甲开发区", city=city_a)
    f.ZoneFactory(name="乙开发区", city=city_b)
    names = [z["name"] for z in c.get("/api/zones/", {"city": city_b.pk}).json()["results"]]
    assert names == ["乙开发区"]
    names = [z["name"] for z in c.get("/api/zones/", {"q": "甲"}).json()["results"]]
    assert names == ["甲开发区"]


def test_autocomplete_tells_namesakes_apart_by_zone(c, city_a):
    one, two = (
        f.ZoneFactory(name="甲区", short_name="甲", city=city_a),
        f.ZoneFactory(name="乙区", short_name="乙", city=city_a),
    )
    f.IndustryChainFactory(zone=one, name="新能源")
    f.IndustryChainFactory(zone=two, name="新能源")
    texts = sorted(r["text"] for r in c.get(reverse("industrychain_autocomplete"), {"q": "新能源"}).json()["results"])
    assert texts == ["乙 · 新能源", "甲 · 新能源"]
