"""Schemathesis over every API operation as the province user (see schemathesis_run)."""

from .schemathesis_run import make_test

api_schema, api_state, test_api_as_province_user = make_test("province")
