"""The API's contract beyond single models (found by the schemathesis run, tests/api): read-only views
answer other methods with 405, and the OpenAPI schema is generated without touching the database, so
it documents integer ids and filters where it cannot look at a queryset."""

import pytest
from drf_spectacular.generators import SchemaGenerator

READ_ONLY = ["/api/rates/", "/api/promotion/funnel/"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
@pytest.mark.parametrize("url", READ_ONLY)
def test_a_read_only_api_view_answers_other_methods_with_405(url, method, client_for, alice, province_user):
    for user in (alice, province_user):
        c = client_for(user)
        c.raise_request_exception = False
        r = c.generic(method, url)
        assert r.status_code == 405, (user, r.status_code, r.content[:200])


def test_the_schema_needs_no_database():
    # No database fixture: a query during generation would fail and the schema would fall back to strings.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    project = schema["paths"]["/api/projects/{id}/"]["get"]["parameters"]
    assert next(p for p in project if p["name"] == "id")["schema"]["type"] == "integer"
    enterprises = schema["paths"]["/api/enterprises/"]["get"]["parameters"]
    assert next(p for p in enterprises if p["name"] == "city")["schema"]["type"] == "integer"


def test_the_schema_bounds_year_filters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    holidays = schema["paths"]["/api/holidays/"]["get"]["parameters"]
    year = next(p for p in holidays if p["name"] == "year")["schema"]
    assert (year["type"], year.get("minimum"), year.get("maximum")) == ("integer", 2004, 2100)
