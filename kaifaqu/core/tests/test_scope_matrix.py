"""The scope matrix over pages: every scoped model and every action its pages offer, for the insider and
every kind of outsider (see :mod:`kaifaqu.testing.scope_matrix`); and the coverage checks that make a new
model, resource, API route or URL fail here until the matrix knows it. The API half of the matrix is
test_scope_matrix_api.py.
"""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from kaifaqu.core.scoping import ScopedQuerySet
from kaifaqu.core.views import REGISTRY
from kaifaqu.testing.scope_matrix import BUILD, SPECS, api_routes, run_matrix, run_pages, world_for_module


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as w:
        yield w


@pytest.mark.parametrize("name", sorted(SPECS))
def test_scope_matrix(name, world, db, client, record_property):
    run_matrix(run_pages, name, world, client, record_property)


# -- coverage ---------------------------------------------------------------------------------------


def scoped_models():
    return {m for m in apps.get_models() if hasattr(m._default_manager, "for_user")}


def test_every_scoped_model_uses_the_one_mechanism():
    """Model.objects.for_user is core.scoping's, never a model's own (users included)."""
    own = sorted(
        m._meta.label
        for m in scoped_models()
        if not isinstance(m._default_manager.all(), ScopedQuerySet)
        or type(m._default_manager.all()).for_user is not ScopedQuerySet.for_user
        or type(m._default_manager.all()).for_scope is not ScopedQuerySet.for_scope
    )
    assert not own, f"scoped by their own for_user, not core.scoping: {own}"


def test_every_scoped_model_is_in_the_matrix():
    covered = {s.model for s in SPECS.values()}
    missing = sorted(m._meta.label for m in scoped_models() - covered)
    assert not missing, f"no scope-matrix spec for: {', '.join(missing)} (add it to SPECS and BUILD)"


def test_every_registered_resource_and_api_route_is_in_the_matrix():
    covered = {s.model for s in SPECS.values()}
    missing = sorted(r.slug() for model, r in REGISTRY.items() if model not in covered)
    assert not missing, f"resources without a scope-matrix spec: {missing}"
    unregistered = sorted(prefix for model, prefix in api_routes().items() if model not in REGISTRY)
    assert not unregistered, f"API routes whose model has no page resource (not covered): {unregistered}"


def test_every_spec_builds_a_record_of_its_model():
    assert set(BUILD) == set(SPECS), set(BUILD) ^ set(SPECS)


STANDARD = ("list", "add", "import", "template", "autocomplete", "detail", "edit", "delete")
# Pages that take no record but a scope (checked in test_scope_parameters / their own tests), and pages
# that are not scoped (sign-in, API documentation, the public query with its code).
SCOPE_PAGES = {
    "home",
    "records",
    "dashboard",
    "dashboard_warning",
    "indicator_overview",
    "dashboard_indicators",
    "assessmentrun_scorecard",  # assessment/tests: a zone reads its own scorecard, another zone's is 404
    "land_overview",
    "assessment_years",  # assessment/tests: a zone reads its own row, a city its zones, an enterprise is refused
    "api-indicator-overview",
    "project_rates",
    "project_board",
    "promotion_board",
    "promotion_funnel",
    "promotion_reserve",
    "promotion_map",
    "promotion_overlaps",
    "approvals_agents",
    "approvals_stats",
    "approvals_reminders",
    "approvals_mine",
    "api-rates",
    "api-funnel",
    "api-clocks",
    "job_list",
    "job_detail",
    "job_download",
    "figure_check",  # run_scope_parameters: a text naming zone A is checked against it for its insiders only
    "accounts:user_autocomplete",
}
NOT_SCOPED = {
    "public_progress",  # approvals/tests/test_agency.py: project code + query code, throttled
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_done",
    "set_language",
    "api-token",
    "api-schema",
    "api-docs",
    "api-redoc",
    "api-root",
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name


def test_every_url_is_in_the_matrix():
    covered = set(SCOPE_PAGES) | NOT_SCOPED
    for spec in SPECS.values():
        covered |= {name for name, _method in spec.extra}
    for resource in REGISTRY.values():
        covered |= {f"{resource.slug()}_{n}" for n in STANDARD}
    from kaifaqu.urls import router

    for _prefix, _viewset, basename in router.registry:
        covered |= {f"{basename}-list", f"{basename}-detail", f"{basename}-import-xlsx"}
    missing = sorted(set(url_names()) - covered)
    assert not missing, f"URLs the scope matrix does not check: {missing}"
