"""Calendar years are bounded to 2004–2100 (core/years.py): the page, the API and the import refuse a
year outside with a Chinese message naming the field, and nothing is written; a year outside stored
before the bound breaks no clock; year filters refuse bad values with a 400 naming the field."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kaifaqu.approvals.models import CalendarYear, Procedure
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

TOO_EARLY = "年度不能早于2004年"
TOO_LATE = "年度不能晚于2100年"
BAD_YEARS = [("0", TOO_EARLY), ("2003", TOO_EARLY), ("10000", TOO_LATE), ("2101", TOO_LATE)]


@pytest.fixture(autouse=True)
def calendar(db):
    clock.seed_calendar()


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "years.xlsx"
    return out


@pytest.mark.parametrize(("year", "message"), BAD_YEARS)
def test_the_page_refuses_a_year_outside_2004_to_2100(year, message, client_for, province_user):
    before = CalendarYear.objects.count()
    r = client_for(province_user).post(reverse("calendaryear_add"), {"year": year, "source": "x"})
    assert r.status_code == 400
    assert any(message in str(m) for m in r.context["form"].errors["year"]), r.context["form"].errors
    assert CalendarYear.objects.count() == before


@pytest.mark.parametrize(("year", "message"), BAD_YEARS)
def test_the_api_refuses_a_year_outside_2004_to_2100(year, message, client_for, province_user):
    before = CalendarYear.objects.count()
    r = client_for(province_user).post("/api/calendar-years/", {"year": int(year)}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert any(message in m for m in r.json()["year"]), r.json()
    assert CalendarYear.objects.count() == before


@pytest.mark.parametrize(("year", "message"), BAD_YEARS)
def test_the_import_refuses_a_year_outside_2004_to_2100(year, message, client_for, province_user):
    before = CalendarYear.objects.count()
    r = client_for(province_user).post(
        reverse("calendaryear_import"), {"file": xlsx([["年度", "来源"], [int(year), "x"]])}
    )
    assert r.status_code == 400
    errors = [(e.row, e.column, e.message) for e in r.context["result"].errors]
    assert any(e[:2] == (2, "年度") and message in e[2] for e in errors), errors
    assert CalendarYear.objects.count() == before


def test_the_bounds_themselves_are_accepted(client_for, province_user):
    CalendarYear.objects.filter(year__in=[2004, 2100]).delete()
    c = client_for(province_user)
    for year in (2004, 2100):
        r = c.post("/api/calendar-years/", {"year": year, "source": "x"}, content_type="application/json")
        assert r.status_code == 201, r.content


@pytest.mark.parametrize("year", [0, 10000])
def test_a_year_stored_before_the_bound_breaks_no_procedure(year, client_for, alice, zone_a):
    CalendarYear.objects.create(year=year)  # as an unbounded page or import once let it in
    project = f.ProjectFactory(zone=zone_a)
    ptype = f.ProcedureTypeFactory()
    accepted = clock.days_from_today(-30)
    f.ProcedureFactory(project=project, type=ptype, accepted_on=accepted, completed_on=clock.days_from_today(-2))
    c = client_for(alice)
    c.raise_request_exception = False
    assert c.get("/api/procedures/").status_code == 200
    assert c.get(reverse("procedure_list")).status_code == 200
    data = {"project": project.pk, "type": f.ProcedureTypeFactory().pk, "accepted_on": accepted.isoformat()}
    r = c.post("/api/procedures/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    assert Procedure.objects.get(pk=r.json()["id"]).due_on is not None


BAD_FILTERS = [
    ("/api/holidays/", "year", "年度"),
    ("/api/plans/", "year", "年度"),
    ("/api/projects/", "plan_year", "计划年度"),
]


@pytest.mark.parametrize("value", ["0", "10000", "-1", "1e20", "2026.5", "二〇二六"])
@pytest.mark.parametrize(("url", "name", "label"), BAD_FILTERS)
def test_a_bad_year_filter_is_a_400_naming_the_field(url, name, label, value, client_for, province_user):
    c = client_for(province_user)
    c.raise_request_exception = False
    r = c.get(url, {name: value})
    assert r.status_code == 400, r.content[:300]
    assert r.json()[name] == [f"{label}应为2004至2100之间的年份"]


def test_a_bad_drill_down_year_is_a_400_naming_the_field(client_for, province_user):
    c = client_for(province_user)
    c.raise_request_exception = False
    r = c.get("/api/projects/", {"figure": "new_planned", "year": "1e20", "month": "3"})
    assert r.status_code == 400, r.content[:300]
    assert r.json()["year"] == ["年度应为2004至2100之间的年份"]


@pytest.mark.parametrize("value", ["0", "1e20"])
def test_the_holiday_page_says_which_filter_is_wrong(value, client_for, province_user):
    c = client_for(province_user)
    c.raise_request_exception = False
    r = c.get(reverse("holiday_list"), {"year": value})
    assert r.status_code == 400
    assert "年度应为2004至2100之间的年份" in r.content.decode()
    # the live refresh (htmx) swaps only a 2xx: it gets the same page with a 200
    assert c.get(reverse("holiday_list"), {"year": value}, HTTP_HX_REQUEST="true").status_code == 200


def test_a_good_year_filter_still_filters(client_for, province_user):
    year = clock.today().year
    body = client_for(province_user).get("/api/holidays/", {"year": year, "page_size": 500}).json()
    assert body["count"] > 0 and all(h["date"].startswith(str(year)) for h in body["results"])
    assert datetime.date.fromisoformat(body["results"][0]["date"]).year == year
