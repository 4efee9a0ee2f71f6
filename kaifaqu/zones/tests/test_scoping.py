"""Every zone registry URL and API endpoint: the insider can read and write, the outsider gets 404."""

import pytest
from django.urls import reverse

from kaifaqu.testing import factories as f
from kaifaqu.zones.models import IndustryChain, Park

CHILDREN = {
    "park": (Park, lambda zone: f.ParkFactory(zone=zone, name="东区园"), "parks"),
    "industrychain": (IndustryChain, lambda zone: f.IndustryChainFactory(zone=zone, name="新材料"), "chains"),
}


@pytest.mark.parametrize("slug", CHILDREN)
class TestZoneChildren:
    def test_insider_reads_list_detail_and_export(self, slug, client_for, alice, zone_a):
        obj = CHILDREN[slug][1](zone_a)
        c = client_for(alice)
        assert obj.name in c.get(reverse(f"{slug}_list")).content.decode()
        assert c.get(reverse(f"{slug}_detail", args=[obj.pk])).status_code == 200
        assert c.get(reverse(f"{slug}_edit", args=[obj.pk])).status_code == 200
        export = c.get(reverse(f"{slug}_list") + "?export=xlsx")
        assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")

    def test_outsider_gets_404_everywhere(self, slug, client_for, charlie, zone_a):
        model, make, api = CHILDREN[slug]
        obj = make(zone_a)
        c = client_for(charlie)
        assert obj.name not in c.get(reverse(f"{slug}_list")).content.decode()
        for name in ("detail", "edit", "delete"):
            assert c.get(reverse(f"{slug}_{name}", args=[obj.pk])).status_code == 404
        assert c.post(reverse(f"{slug}_edit", args=[obj.pk]), {"name": "x"}).status_code == 404
        assert c.post(reverse(f"{slug}_delete", args=[obj.pk])).status_code == 404
        assert c.get(f"/api/{api}/{obj.pk}/").status_code == 404
        assert c.patch(f"/api/{api}/{obj.pk}/", {"name": "x"}, content_type="application/json").status_code == 404
        assert c.delete(f"/api/{api}/{obj.pk}/").status_code == 404
        assert c.get(reverse(f"{slug}_autocomplete") + "?q=").json() == {"results": []}
        assert model.objects.filter(pk=obj.pk, name=obj.name).exists()

    def test_insider_writes_through_pages_and_api(self, slug, client_for, alice, zone_a):
        model, _make, api = CHILDREN[slug]
        c = client_for(alice)
        r = c.post(reverse(f"{slug}_add"), {"zone": zone_a.pk, "name": "网页新建"})
        assert r.status_code == 302
        obj = model.objects.get(name="网页新建")
        r = c.post(f"/api/{api}/", {"zone": zone_a.pk, "name": "接口新建"}, content_type="application/json")
        assert r.status_code == 201, r.content
        r = c.patch(f"/api/{api}/{obj.pk}/", {"name": "接口改名"}, content_type="application/json")
        assert r.status_code == 200
        assert c.post(reverse(f"{slug}_delete", args=[obj.pk])).status_code == 302
        assert not model.objects.filter(pk=obj.pk).exists()

    def test_an_edit_cannot_move_a_record_out_of_scope(self, slug, client_for, alice, zone_a, zone_b):
        _model, make, api = CHILDREN[slug]
        obj = make(zone_a)
        c = client_for(alice)
        r = c.post(reverse(f"{slug}_edit", args=[obj.pk]), {"zone": zone_b.pk, "name": obj.name})
        assert r.status_code == 400
        assert "选择一个有效的选项" in r.content.decode()
        r = c.patch(f"/api/{api}/{obj.pk}/", {"zone": zone_b.pk}, content_type="application/json")
        assert r.status_code == 400
        obj.refresh_from_db()
        assert obj.zone == zone_a


class TestZones:
    def test_zone_user_sees_only_their_zone(self, client_for, alice, zone_a, zone_b):
        c = client_for(alice)
        body = c.get(reverse("zone_list")).content.decode()
        assert zone_a.name in body and zone_b.name not in body
        assert c.get(reverse("zone_detail", args=[zone_b.pk])).status_code == 404
        assert [z["id"] for z in c.get("/api/zones/").json()["results"]] == [zone_a.pk]

    def test_zone_user_may_not_edit_zones(self, client_for, alice, zone_a):
        c = client_for(alice)
        assert c.get(reverse("zone_edit", args=[zone_a.pk])).status_code == 403
        r = c.patch(f"/api/zones/{zone_a.pk}/", {"county": "x"}, content_type="application/json")
        assert r.status_code == 403

    def test_city_user_edits_the_zones_of_its_city_only(self, client_for, city_user, zone_a, zone_b, city_b):
        c = client_for(city_user)
        assert c.get(reverse("zone_edit", args=[zone_a.pk])).status_code == 200
        assert c.get(reverse("zone_edit", args=[zone_b.pk])).status_code == 404
        r = c.patch(f"/api/zones/{zone_a.pk}/", {"city": city_b.pk}, content_type="application/json")
        assert r.status_code == 400
        zone_a.refresh_from_db()
        assert zone_a.city.name == "大同"

    def test_province_sees_all(self, client_for, province_user, zone_a, zone_b):
        body = client_for(province_user).get(reverse("zone_list")).content.decode()
        assert zone_a.name in body and zone_b.name in body

    def test_enterprise_user_sees_the_zones_its_enterprise_is_in(self, client_for, enterprise_user, zone_a, zone_b):
        c = client_for(enterprise_user)
        assert [z["id"] for z in c.get("/api/zones/").json()["results"]] == [zone_a.pk]
        assert c.get(reverse("park_list")).status_code == 200

    def test_agent_reads_but_does_not_write(self, client_for, agent, zone_a):
        park = f.ParkFactory(zone=zone_a)
        c = client_for(agent)
        assert c.get(reverse("park_detail", args=[park.pk])).status_code == 200
        assert c.get(reverse("park_edit", args=[park.pk])).status_code == 403
        assert (
            c.post("/api/parks/", {"zone": zone_a.pk, "name": "x"}, content_type="application/json").status_code == 403
        )


class TestCities:
    def test_zone_user_sees_only_the_city_of_its_zone(self, client_for, alice, city_a, city_b):
        c = client_for(alice)
        assert [x["id"] for x in c.get("/api/cities/").json()["results"]] == [city_a.pk]
        assert c.get(reverse("city_detail", args=[city_b.pk])).status_code == 404
        assert c.get(reverse("city_edit", args=[city_a.pk])).status_code == 403

    def test_home_counts_are_scoped(self, client_for, alice, zone_a, zone_b):
        f.ParkFactory(zone=zone_b)
        ctx = client_for(alice).get(reverse("records")).context
        counts = {str(card["title"]): card["count"] for _label, cards in ctx["groups"] for card in cards}
        assert counts["开发区"] == 1 and counts["园区"] == 0


def test_anonymous_is_sent_to_login(client, zone_a):
    r = client.get(reverse("zone_list"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get("/api/zones/").status_code in (401, 403)
