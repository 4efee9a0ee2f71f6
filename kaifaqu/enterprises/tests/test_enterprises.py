"""Enterprise registry: scope through the zones an enterprise is in, credit-code rule, shared links."""

import pytest
from django.urls import reverse

from kaifaqu.enterprises.models import Enterprise, EnterpriseZone
from kaifaqu.testing import factories as f
from kaifaqu.testing.factories import credit_code_for

VALID = credit_code_for(424242)


def form_data(zone, **changes):
    return {"name": "山西新建材料有限公司", "credit_code": VALID, "zones": [zone.pk], **changes}


class TestScope:
    def test_insider_reads_and_writes(self, client_for, alice, zone_a, enterprise_a):
        c = client_for(alice)
        assert enterprise_a.name in c.get(reverse("enterprise_list")).content.decode()
        assert c.get(reverse("enterprise_detail", args=[enterprise_a.pk])).status_code == 200
        r = c.post(reverse("enterprise_edit", args=[enterprise_a.pk]), form_data(zone_a, name=enterprise_a.name))
        assert r.status_code == 302
        r = c.patch(f"/api/enterprises/{enterprise_a.pk}/", {"industry": "碳纤维"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["industry"] == "碳纤维"

    def test_outsider_gets_404_everywhere(self, client_for, charlie, enterprise_a):
        c = client_for(charlie)
        pk = enterprise_a.pk
        assert enterprise_a.name not in c.get(reverse("enterprise_list")).content.decode()
        assert enterprise_a.name not in c.get(reverse("enterprise_list") + "?q=华阳").content.decode()
        for name in ("detail", "edit", "delete"):
            assert c.get(reverse(f"enterprise_{name}", args=[pk])).status_code == 404
        assert c.post(reverse("enterprise_delete", args=[pk])).status_code == 404
        assert c.get(f"/api/enterprises/{pk}/").status_code == 404
        assert c.put(f"/api/enterprises/{pk}/", {"name": "x"}, content_type="application/json").status_code == 404
        assert c.delete(f"/api/enterprises/{pk}/").status_code == 404
        assert c.get(reverse("enterprise_autocomplete") + "?q=华阳").json() == {"results": []}
        export = c.get(reverse("enterprise_list") + "?export=xlsx").content
        assert "华阳".encode() not in export
        assert Enterprise.objects.filter(pk=pk).exists()

    def test_enterprise_user_sees_only_itself(self, client_for, enterprise_user, enterprise_a, zone_a):
        other = f.EnterpriseFactory(zones=[zone_a])
        c = client_for(enterprise_user)
        assert [e["id"] for e in c.get("/api/enterprises/").json()["results"]] == [enterprise_a.pk]
        assert c.get(reverse("enterprise_detail", args=[other.pk])).status_code == 404
        assert c.get(reverse("enterprise_edit", args=[enterprise_a.pk])).status_code == 403

    def test_city_user_sees_enterprises_of_its_zones(self, client_for, city_user, enterprise_a, zone_b):
        elsewhere = f.EnterpriseFactory(zones=[zone_b])
        ids = [e["id"] for e in client_for(city_user).get("/api/enterprises/").json()["results"]]
        assert ids == [enterprise_a.pk] and elsewhere.pk not in ids

    def test_a_zone_user_cannot_create_an_enterprise_outside_its_zone(self, client_for, alice, zone_b):
        c = client_for(alice)
        r = c.post(reverse("enterprise_add"), form_data(zone_b))
        assert r.status_code == 400
        r = c.post(reverse("enterprise_add"), form_data(zone_b, zones=[]))
        assert r.status_code == 400 and "不在您的管辖范围" in r.content.decode()
        r = c.post("/api/enterprises/", {"name": "x公司", "zones": []}, content_type="application/json")
        assert r.status_code == 400 and "不在您的管辖范围" in str(r.json())
        assert not Enterprise.objects.exists()

    def test_editing_keeps_links_to_zones_the_editor_cannot_see(self, client_for, alice, zone_a, zone_b):
        shared = f.EnterpriseFactory(name="共享企业", zones=[zone_a, zone_b])
        c = client_for(alice)
        r = c.post(reverse("enterprise_edit", args=[shared.pk]), form_data(zone_a, name="共享企业", industry="改"))
        assert r.status_code == 302
        assert set(shared.zones.all()) == {zone_a, zone_b}
        body = c.get(f"/api/enterprises/{shared.pk}/").json()
        assert body["zones"] == [zone_a.pk]  # the other zone is not disclosed
        c.patch(f"/api/enterprises/{shared.pk}/", {"zones": [zone_a.pk]}, content_type="application/json")
        assert EnterpriseZone.objects.filter(enterprise=shared).count() == 2


class TestValidation:
    @pytest.mark.parametrize(
        ("code", "message"),
        [
            (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "校验位错误"),
            (VALID[:17], "应为18位"),
            ("91140200MA0OOOOO0X", "不含 I、O、S、V、Z"),
        ],
    )
    def test_wrong_credit_code_is_refused_with_the_rule(self, client_for, alice, zone_a, code, message):
        c = client_for(alice)
        r = c.post(reverse("enterprise_add"), form_data(zone_a, credit_code=code))
        assert r.status_code == 400 and message in " ".join(r.context["form"].errors["credit_code"])
        r = c.post("/api/enterprises/", form_data(zone_a, credit_code=code), content_type="application/json")
        assert r.status_code == 400 and message in " ".join(r.json()["credit_code"])
        assert not Enterprise.objects.exists()

    def test_lower_case_code_is_normalised(self, client_for, alice, zone_a):
        code = f.credit_code_for(7)
        r = client_for(alice).post(reverse("enterprise_add"), form_data(zone_a, credit_code=code.lower()))
        assert r.status_code == 302
        assert Enterprise.objects.get().credit_code == code

    def test_duplicate_credit_code_and_name_are_refused(self, client_for, alice, zone_a, enterprise_a):
        c = client_for(alice)
        r = c.post(reverse("enterprise_add"), form_data(zone_a, credit_code=enterprise_a.credit_code))
        assert r.status_code == 400 and "该统一社会信用代码已登记" in r.content.decode()
        r = c.post(reverse("enterprise_add"), form_data(zone_a, name=enterprise_a.name))
        assert r.status_code == 400 and "已存在" in " ".join(r.context["form"].errors["name"])

    def test_stock_code_requires_listed(self, client_for, alice, zone_a):
        r = client_for(alice).post(reverse("enterprise_add"), form_data(zone_a, stock_code="600809"))
        assert r.status_code == 400 and "只有上市公司才能填写股票代码" in r.content.decode()
        r = client_for(alice).post(
            "/api/enterprises/", form_data(zone_a, stock_code="600809"), content_type="application/json"
        )
        assert r.status_code == 400 and "只有上市公司" in str(r.json())

    def test_empty_credit_codes_do_not_collide(self, client_for, alice, zone_a):
        c = client_for(alice)
        assert c.post(reverse("enterprise_add"), form_data(zone_a, name="甲", credit_code="")).status_code == 302
        assert c.post(reverse("enterprise_add"), form_data(zone_a, name="乙", credit_code="")).status_code == 302

    def test_filters(self, client_for, alice, zone_a):
        f.EnterpriseFactory(name="规上甲", is_above_scale=True, zones=[zone_a])
        f.EnterpriseFactory(name="小巨人乙", srdi_tier="little_giant", zones=[zone_a])
        c = client_for(alice)
        names = [e.name for e in c.get(reverse("enterprise_list"), {"is_above_scale": "true"}).context["page"]]
        assert names == ["规上甲"]
        names = [e["name"] for e in c.get("/api/enterprises/", {"srdi_tier": "little_giant"}).json()["results"]]
        assert names == ["小巨人乙"]
