"""The scope matrix over the API: every route of the DRF router, for the insider and every kind of outsider
(list, detail, PATCH/DELETE, import; see :mod:`kaifaqu.testing.scope_matrix`)."""

import pytest

from kaifaqu.testing.scope_matrix import (
    SPECS,
    Matrix,
    api_routes,
    record,
    run_api,
    run_matrix,
    run_scope_parameters,
    world_for_module,
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as w:
        yield w


ROUTED = sorted(name for name, spec in SPECS.items() if spec.model in api_routes() and name != "user")


@pytest.mark.parametrize("name", ROUTED)
def test_scope_matrix_api(name, world, db, client, record_property):
    run_matrix(run_api, name, world, client, record_property)


def test_scope_parameters(world, db, client, record_property):
    """Dashboards, rates, funnel, boards and agency pages with a unit outside the user's scope."""
    m = Matrix(client, world)
    run_scope_parameters(m)
    record(m, record_property)
    assert not m.failures, "\n".join(m.failures)
