"""Land: the seeds' land figures reproduced from parcels and reserves entered through the import, the average price
per 亩, commitments proposed from the standards and refused when weaker than a mandatory one (the same refusal
from the form, the API and the import), and the bad input of parcels and reserves."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from kaifaqu.land.models import LandParcel, LandReserve, ParcelCommitment, average_price
from kaifaqu.land.standards import load_defaults
from kaifaqu.testing import factories as f
from kaifaqu.testing.xlsx import post_import, workbook

D = datetime.date
pytestmark = pytest.mark.django_db
HEADERS = ["开发区", "宗地编号", "面积（亩）", "土地用途", "标准地", "状态", "出让方式", "出让日期", "出让价款（万元）"]
HEADERS_WITH = [*HEADERS, "行业代码", "来源储备地块"]


def parcel_rows(zone, areas, start: D, *, prefix="G", standard="是"):
    """One row per area, sold a month apart from ``start`` (listed, 20 万元 a 亩)."""
    rows = []
    for i, area in enumerate(areas):
        sold = D(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 15)
        rows.append([zone.name, f"{prefix}{i + 1:03d}", area, "工业用地", standard, "已出让", "挂牌", sold, area * 20])
    return rows


def split(total: Decimal, n: int) -> list[Decimal]:
    """``n`` parcel areas (to 0.01 亩) adding up to ``total`` exactly."""
    share = (total / n).quantize(Decimal("0.01"))
    return [share] * (n - 1) + [total - share * (n - 1)]


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_seed_000_yungang_sold_35_standard_parcels_of_3332_20_mu_in_2020_to_2024(client_for, alice, zone_a):
    c = client_for(alice)
    rows = parcel_rows(zone_a, split(Decimal("3332.20"), 35), D(2020, 3, 1))
    status, errors = post_import(c, "landparcel", workbook([HEADERS, *rows]), api=False)
    assert (status, errors) == (200, []) and LandParcel.objects.count() == 35
    page = c.get("/land/", {"since": 2020, "year": 2024, "month": 12})
    total = page.context["total"]
    assert (total.parcels_sold, total.area_sold, total.standard_parcels_sold) == (35, Decimal("3332.20"), 35)
    assert "35 宗 · 3332.20 亩" in page.content.decode()
    # One year alone counts that year's sales only.
    assert c.get("/land/", {"year": 2020, "month": 12}).context["total"].parcels_sold == 10


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_seed_002_the_province_sold_45_parcels_of_4844_89_mu_by_march_all_standard(
    client_for, alice, charlie, province_user, zone_a, zone_b
):
    areas = split(Decimal("4844.89"), 45)

    def first_quarter(rows):
        for i, row in enumerate(rows):
            row[7] = D(2025, 1 + i % 3, 10)  # January to March
        return rows

    rows = first_quarter(parcel_rows(zone_a, areas[:20], D(2025, 1, 1)))
    assert post_import(client_for(alice), "landparcel", workbook([HEADERS, *rows]), api=False) == (200, [])
    rows = first_quarter(parcel_rows(zone_b, areas[20:], D(2025, 1, 1)))
    assert post_import(client_for(charlie), "landparcel", workbook([HEADERS, *rows]), api=True)[0] == 200
    page = client_for(province_user).get("/land/", {"year": 2025, "month": 3})
    total = page.context["total"]
    assert (total.parcels_sold, total.area_sold) == (45, Decimal("4844.89"))
    assert total.standard_share == Decimal("100.00")  # all new industrial land went as 标准地
    assert [name for name, _t in page.context["rows"]] == [zone_a.city.name, zone_b.city.name]
    api = client_for(province_user).get("/api/parcels/", {"year": 2025}).json()
    assert api["count"] == 45


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_gaoping_reserved_3033_mu_used_1077_for_infrastructure_and_sold_1272_as_standard_land(
    client_for, alice, zone_a
):
    c = client_for(alice)
    reserve = workbook(
        [
            ["开发区", "地块名称", "收储面积（亩）", "收储日期", "用于基础设施（亩）", "已完成基础设施配套"],
            [zone_a.name, "高平储备地块", Decimal("3033"), D(2019, 5, 1), Decimal("1077"), "是"],
        ]
    )
    assert post_import(c, "landreserve", reserve, api=False) == (200, [])
    rows = [[*r, "", "高平储备地块"] for r in parcel_rows(zone_a, split(Decimal("1272"), 12), D(2021, 1, 1))]
    assert post_import(c, "landparcel", workbook([HEADERS_WITH, *rows]), api=False) == (200, [])
    total = c.get("/land/", {"since": 2019, "year": 2024, "month": 12}).context["total"]
    assert (total.reserve_area, total.infrastructure_area, total.reserve_supplied) == (3033, 1077, 1272)
    assert total.reserve_left == Decimal("684")
    listed = c.get("/land-reserves/").context["totals"].figures
    assert (listed["supplied"], listed["left"]) == (Decimal("1272.00"), Decimal("684.00"))
    # One more parcel than the reserve holds: refused, every row named, nothing written.
    more = [
        [*r, "", "高平储备地块"]
        for r in parcel_rows(zone_a, [Decimal("400"), Decimal("300")], D(2024, 1, 1), prefix="X")
    ]
    status, errors = post_import(c, "landparcel", workbook([HEADERS_WITH, *more]), api=False)
    assert status == 400 and [e[:2] for e in errors] == [(2, "面积（亩）"), (3, "面积（亩）")]
    assert "超过收储面积3033.00亩" in errors[0][2] and LandParcel.objects.count() == 12


def test_the_average_price_per_mu_is_rounded_half_up_to_a_cent(client_for, alice, zone_a):
    assert average_price(Decimal("100.05"), Decimal("10")) == Decimal("10.01")  # half up, not to even
    f.LandParcelFactory(zone=zone_a, area=Decimal("33.33"), price=Decimal("1000.00"))
    f.LandParcelFactory(zone=zone_a, area=Decimal("22.22"), price=Decimal("555.55"))
    parcel = LandParcel.objects.order_by("pk").first()
    assert parcel.price_per_mu == Decimal("30.00")  # 1000.00 / 33.33 = 30.003
    totals = client_for(alice).get("/parcels/").context["totals"]
    assert totals.figures["average_price"] == Decimal("28.00")  # 1555.55 / 55.55 = 28.0027
    assert ("亩均价款", "28.00 万元/亩") in totals.shown


@pytest.fixture
def standards(db):
    load_defaults()


def parcel_data(zone, **change):
    return {
        "zone": zone.pk,
        "number": "晋城2024-07号",
        "area": "120.5",
        "land_use": "industrial",
        "industry_code": "26",
        "is_standard": "on",
        "status": "sold",
        "sale_way": "listing",
        "sold_on": "2024-07-18",
        "price": "2530.5",
        **change,
    }


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_a_new_parcel_gets_its_commitments_proposed_from_the_standards(standards, client_for, alice, zone_a):
    r = client_for(alice).post("/parcels/add/", parcel_data(zone_a))
    assert r.status_code == 302
    parcel = LandParcel.objects.get()
    assert parcel.price_per_mu == Decimal("21.00")
    proposed = {c.indicator: (c.bound, c.value) for c in parcel.commitments.all()}
    assert proposed == {
        "plot_ratio": ("ge", Decimal("0.6")),  # 26 化学原料及化学制品制造业
        "building_coverage": ("ge", Decimal("30")),
        "admin_share": ("le", Decimal("7")),
        "investment_intensity": ("ge", Decimal("200")),  # a provincial-level zone in Shanxi
    }
    page = client_for(alice).get(f"/parcels/{parcel.pk}/").content.decode()
    assert "控制指标承诺" in page and "投资强度（万元/亩）" in page


BAD_COMMITMENT = {"indicator": "plot_ratio", "bound": "ge", "value": "0.5"}


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_a_commitment_weaker_than_a_mandatory_standard_gets_the_same_refusal_everywhere(
    standards, client_for, alice, zone_a
):
    parcel = f.LandParcelFactory(zone=zone_a, number="P-26", industry_code="26")
    c = client_for(alice)
    message = "容积率承诺值0.5弱于规范性标准“不低于（≥）0.6”"
    page = c.post("/parcel-commitments/add/", {"parcel": parcel.pk, **BAD_COMMITMENT})
    assert page.status_code == 400 and message in page.content.decode()
    api = c.post("/api/parcel-commitments/", {"parcel": parcel.pk, **BAD_COMMITMENT})
    assert api.status_code == 400 and message in str(api.json()["value"])
    sheet = workbook([["宗地", "控制指标", "方向", "承诺值"], ["P-26", "容积率", "不低于（≥）", Decimal("0.5")]])
    status, errors = post_import(c, "parcelcommitment", sheet, api=False)
    assert status == 400 and errors[0][1] == "承诺值" and message in errors[0][2]
    # A ≤ in place of the standard's ≥ is a relaxation too; a tighter value is taken.
    relaxed = c.post(
        "/api/parcel-commitments/", {"parcel": parcel.pk, "indicator": "plot_ratio", "bound": "le", "value": "2"}
    )
    assert relaxed.status_code == 400
    assert (
        c.post("/api/parcel-commitments/", {"parcel": parcel.pk, **BAD_COMMITMENT, "value": "0.8"}).status_code == 201
    )
    assert ParcelCommitment.objects.get(parcel=parcel).value == Decimal("0.8")


BAD_PARCELS = [
    ({"area": "0"}, "area", "面积应大于0"),
    ({"area": "-3"}, "area", "面积应大于0"),
    ({"price": ""}, "price", "状态为“已出让”时须填写出让价款（万元）"),
    ({"sold_on": "2025-05-01"}, "sold_on", "出让日期不能晚于今天"),
    ({"status": "preparing"}, "status", "已填写出让日期，状态应为“已出让”或之后的阶段"),
    ({"industry_code": "2A"}, "industry_code", "行业代码应为两位数字"),
]
COLUMN = {
    "area": "面积（亩）",
    "price": "出让价款（万元）",
    "sold_on": "出让日期",
    "status": "状态",
    "industry_code": "行业代码",
}


@pytest.mark.parametrize(("change", "field", "message"), BAD_PARCELS)
@time_machine.travel(D(2025, 4, 10), tick=False)
def test_a_bad_parcel_gets_the_same_refusal_from_form_api_and_import(change, field, message, client_for, alice, zone_a):
    c = client_for(alice)
    data = parcel_data(zone_a, **change)
    page = c.post("/parcels/add/", data)
    assert page.status_code == 400 and message in page.content.decode()
    api = c.post("/api/parcels/", {k: v for k, v in data.items() if k != "is_standard"})
    assert api.status_code == 400 and field in api.json() and message in str(api.json()[field])
    labels = {"industrial": "工业用地", "sold": "已出让", "preparing": "出让前准备", "listing": "挂牌"}
    row = [zone_a.name, data["number"], data["area"], labels[data["land_use"]], "是", labels[data["status"]]]
    row += [labels[data["sale_way"]], data["sold_on"], data["price"], data["industry_code"], ""]
    status, errors = post_import(c, "landparcel", workbook([HEADERS_WITH, row]), api=False)
    assert status == 400 and any(col == COLUMN[field] and message in m for _r, col, m in errors), errors
    assert LandParcel.objects.count() == 0


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_a_sale_before_the_reserve_date_and_a_reserve_overdrawn_are_refused(client_for, alice, zone_a):
    reserve = f.LandReserveFactory(zone=zone_a, name="东区储备", area=Decimal("200"), reserved_on=D(2023, 6, 1))
    c = client_for(alice)
    early = c.post("/parcels/add/", parcel_data(zone_a, reserve=reserve.pk, sold_on="2023-05-31"))
    assert early.status_code == 400 and "出让日期2023-05-31早于该地块的收储日期2023-06-01" in early.content.decode()
    big = c.post("/parcels/add/", parcel_data(zone_a, reserve=reserve.pk, area="250"))
    assert big.status_code == 400 and "超过收储面积200.00亩" in big.content.decode()
    f.LandParcelFactory(zone=zone_a, reserve=reserve, area=Decimal("150"))
    infra = c.post(
        f"/land-reserves/{reserve.pk}/edit/",
        {
            "zone": zone_a.pk,
            "name": "东区储备",
            "area": "200",
            "reserved_on": "2023-06-01",
            "infrastructure_area": "60",
        },
    )
    assert (
        infra.status_code == 400
        and "用于基础设施60.00亩与已供应宗地150.00亩之和超过收储面积200.00亩" in infra.content.decode()
    )


def test_a_standard_needs_its_direction_and_a_two_digit_industry_class(client_for, province_user, alice):
    c = client_for(province_user)
    data = {"year": 2024, "indicator": "plot_ratio", "industry_code": "27", "value": "0.8", "binding": "mandatory"}
    missing = c.post("/land-standards/add/", data)
    assert missing.status_code == 400 and "方向" in missing.content.decode()
    bad = c.post("/land-standards/add/", {**data, "bound": "ge", "industry_code": "医药"})
    assert bad.status_code == 400 and "行业代码应为两位数字" in bad.content.decode()
    assert c.post("/land-standards/add/", {**data, "bound": "ge"}).status_code == 302
    # Everyone reads the standards; only the province writes them.
    assert client_for(alice).get("/land-standards/").status_code == 200
    assert client_for(alice).post("/land-standards/add/", {**data, "bound": "ge", "year": 2025}).status_code == 403


@time_machine.travel(D(2025, 4, 10), tick=False)
def test_a_later_years_standard_replaces_an_earlier_one_for_new_parcels(
    standards, client_for, province_user, alice, zone_a
):
    f.IndicatorStandardFactory(
        year=2024,
        indicator="investment_intensity",
        industry_code="",
        zone_level="provincial",
        value=Decimal("260"),
        binding="recommended",
    )
    assert client_for(alice).post("/parcels/add/", parcel_data(zone_a)).status_code == 302
    commitment = ParcelCommitment.objects.get(indicator="investment_intensity")
    assert (commitment.value, commitment.standard_value) == (Decimal("260"), Decimal("260"))
    # Parcels sold before 2024 are held to the 2018 value.
    assert (
        client_for(alice).post("/parcels/add/", parcel_data(zone_a, number="旧宗地", sold_on="2022-03-01")).status_code
        == 302
    )
    old = ParcelCommitment.objects.get(parcel__number="旧宗地", indicator="investment_intensity")
    assert old.value == Decimal("200")
    assert LandReserve.objects.count() == 0
