"""Schemathesis against the served OpenAPI schema (``/api/schema/``), in process through the WSGI app.

Every operation of the schema is called with generated requests (valid and invalid ones) as one user;
a request fails the test when the answer is a 5xx, or when a documented answer does not match its
schema or content type. Bounded and reproducible: a fixed seed, deterministic generation, no example
database, ``MAX_EXAMPLES`` fuzzed requests per operation besides the coverage phase's boundary cases.
Every request runs in a savepoint that is rolled back, so each one sees the same data: one record of
each kind in zone A, to which the ``{id}`` of a path points.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from kaifaqu.approvals import calendar as holiday_calendar
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import CalendarYear, Holiday, ProcedureType
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

SEED = 20260901
# The bound that keeps the test at about a minute per user on two cores. A deeper exploration, for a
# developer hunting: KFQ_SCHEMATHESIS_EXAMPLES=50 KFQ_SCHEMATHESIS_DEEP=1 (boundary cases of the writes too).
MAX_EXAMPLES = int(os.environ.get("KFQ_SCHEMATHESIS_EXAMPLES", "8"))
DEEP = os.environ.get("KFQ_SCHEMATHESIS_DEEP") == "1"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "mode": "all"},
        "phases": {"stateful": {"enabled": False}},
        # The coverage phase (boundary and invalid values of every parameter) where its cases are cheap:
        # the query parameters of the reads. Writes get MAX_EXAMPLES fuzzed bodies each.
        "operations": []
        if DEEP
        else [{"include-method": ["POST", "PUT", "PATCH", "DELETE"], "phases": {"coverage": {"enabled": False}}}],
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
        },
    }
)


def seed_data() -> dict[str, int]:
    """One record of each kind (in zone A, or in the catalogues), by API collection; and the users."""
    clock.seed_calendar()
    load_defaults()
    zone = f.ZoneFactory(name="云冈经济技术开发区", city=f.CityFactory(code="140200", name="大同"))
    enterprise = f.EnterpriseFactory(zones=[zone])
    park = f.ParkFactory(zone=zone)
    chain = f.IndustryChainFactory(zone=zone)
    agent = f.UserFactory(username="daiban", role="agent", zone=zone)
    project = f.StartedProjectFactory(zone=zone, enterprise=enterprise, park=park, chain=chain)
    ptype = ProcedureType.objects.order_by("pk").first()
    bundle = f.BundleFactory(project=project)
    procedure = f.ProcedureFactory(project=project, type=ptype, agent=agent, bundle=bundle)
    lead = f.LeadFactory(zone=zone, chain=chain)
    meeting = f.DispatchMeetingFactory(zone=zone)
    meeting.projects.add(project)
    campaign = f.CampaignFactory()
    year = clock.today().year
    return {
        "cities": zone.city_id,
        "zones": zone.pk,
        "parks": park.pk,
        "chains": chain.pk,
        "enterprises": enterprise.pk,
        "projects": project.pk,
        "suspensions": f.SuspensionFactory(project=project).pk,
        "plans": f.AnnualPlanFactory(project=project, year=year).pk,
        "reports": f.MonthlyReportFactory(project=project).pk,
        "problems": f.ProblemFactory(project=project).pk,
        "campaigns": campaign.pk,
        "campaign-entries": f.CampaignEntryFactory(campaign=campaign, project=project).pk,
        "meetings": meeting.pk,
        "procedures": procedure.pk,
        "pauses": f.PauseFactory(procedure=procedure).pk,
        "procedure-types": ptype.pk,
        "calendar-years": CalendarYear.objects.get(year=year).pk,
        "holidays": Holiday.objects.filter(date__year=year).order_by("date").first().pk,
        "commitments": f.CommitmentFactory(procedure=procedure).pk,
        "bundles": bundle.pk,
        "service-logs": f.ServiceLogFactory(project=project).pk,
        "leads": lead.pk,
        "follow-ups": f.FollowUpFactory(lead=lead).pk,
        "trips": f.TripFactory(zone=zone).pk,
        "agreements": f.AgreementFactory(lead=lead).pk,
        "source-regions": lead.source_region_id,
        "promotion-modes": lead.mode_id,
        "_zone": zone,
    }


def make_test(role: str):
    """The schemathesis test of every operation as a ``role`` user ("zone": in zone A; "province")."""

    @pytest.fixture
    def api_schema(db, request):
        # Django's WSGI handler closes "old" connections when a request starts and ends; in the test's
        # transaction that would close it (PostgreSQL). Django's test client does the same as here.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))
        # schemathesis 4.32's lazy loader reads ``node._nodeid``, which pytest 9 no longer has.
        if not hasattr(request.node, "_nodeid"):
            request.node._nodeid = request.node.nodeid
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

    @pytest.fixture
    def api_state(db):
        ids = seed_data()
        zone = ids.pop("_zone")
        user = f.UserFactory(username=f"st_{role}", role=role, zone=zone if role == "zone" else None)
        return {"ids": ids, "token": Token.objects.create(user=user).key}

    schema = schemathesis.pytest.from_fixture("api_schema")
    if os.environ.get("KFQ_SCHEMATHESIS_PATHS"):  # a developer narrowing the run: a regular expression
        schema = schema.include(path_regex=os.environ["KFQ_SCHEMATHESIS_PATHS"])

    @schema.parametrize()
    def test_api(case, api_state):
        path = case.path_parameters or {}
        if isinstance(path.get("id"), int):  # a well-formed id: the record of that kind (others stay, for the 404)
            collection = case.operation.path.strip("/").split("/")[1]
            if api_state["ids"].get(collection) is not None:
                path["id"] = api_state["ids"][collection]
        try:
            with transaction.atomic():
                case.call_and_validate(headers={"Authorization": f"Token {api_state['token']}"})
                transaction.set_rollback(True)
        finally:
            holiday_calendar.forget()

    return api_schema, api_state, test_api
