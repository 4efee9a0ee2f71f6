"""Schemathesis over every API operation as a zone user (see schemathesis_run)."""

from .schemathesis_run import make_test

api_schema, api_state, test_api_as_zone_user = make_test("zone")
