"""The scoping mechanism itself, and a coverage check that every registered model is scoped."""

import datetime

import pytest
from django.apps import apps

from kaifaqu.accounts.models import User
from kaifaqu.assessment.models import RunCase
from kaifaqu.core.models import TrackedModel
from kaifaqu.core.scoping import NO_SCOPE, ScopePaths, merge_links, scope_for
from kaifaqu.core.views import REGISTRY
from kaifaqu.reports.models import Bulletin
from kaifaqu.testing import factories as f


def test_a_user_without_assignment_sees_nothing(zone_a):
    for role in ("city", "zone", "agent", "enterprise"):
        assert scope_for(User(role=role, is_active=True)) == NO_SCOPE
    from kaifaqu.zones.models import Zone

    assert not Zone.objects.for_user(User(role="zone", is_active=True)).exists()


def test_inactive_and_anonymous_users_see_nothing(alice, zone_a):
    from django.contrib.auth.models import AnonymousUser

    from kaifaqu.zones.models import Zone

    alice.is_active = False
    assert not Zone.objects.for_user(alice).exists()
    assert not Zone.objects.for_user(AnonymousUser()).exists()


def test_every_tracked_model_declares_its_scope():
    for model in apps.get_models():
        if issubclass(model, TrackedModel):
            assert isinstance(model.scope_paths, ScopePaths), model


def test_multivalued_paths_do_not_duplicate_rows(city_user, zone_a, city_a):
    second = f.ZoneFactory(city=city_a)
    f.EnterpriseFactory(name="两区企业", zones=[zone_a, second])
    from kaifaqu.enterprises.models import Enterprise

    assert Enterprise.objects.for_user(city_user).count() == 1


def test_merge_links_never_touches_what_the_user_cannot_see():
    add, remove = merge_links(current={1, 2, 9}, selected={2, 3}, visible={1, 2, 3})
    assert (add, remove) == ({3}, {1})


OBJECTS = {
    "city": lambda zone: zone.city,
    "zone": lambda zone: zone,
    "park": lambda zone: f.ParkFactory(zone=zone),
    "industrychain": lambda zone: f.IndustryChainFactory(zone=zone),
    "enterprise": lambda zone: f.EnterpriseFactory(zones=[zone]),
    "project": lambda zone: f.ProjectFactory(zone=zone),
    "suspension": lambda zone: f.SuspensionFactory(project__zone=zone),
    "annualplan": lambda zone: f.AnnualPlanFactory(project__zone=zone),
    "monthlyreport": lambda zone: f.MonthlyReportFactory(project__zone=zone),
    "problem": lambda zone: f.ProblemFactory(project__zone=zone),
    "campaign": lambda zone: f.CampaignFactory(level="city", city=zone.city),
    "campaignentry": lambda zone: f.CampaignEntryFactory(project__zone=zone),
    "dispatchmeeting": lambda zone: f.DispatchMeetingFactory(zone=zone),
    "procedure": lambda zone: f.ProcedureFactory(project__zone=zone),
    "procedurepause": lambda zone: f.PauseFactory(procedure__project__zone=zone),
    "commitment": lambda zone: f.CommitmentFactory(procedure__project__zone=zone),
    "bundle": lambda zone: f.BundleFactory(project__zone=zone),
    "servicelog": lambda zone: f.ServiceLogFactory(project__zone=zone),
    "lead": lambda zone: f.LeadFactory(zone=zone),
    "followup": lambda zone: f.FollowUpFactory(lead__zone=zone),
    "trip": lambda zone: f.TripFactory(zone=zone),
    "agreement": lambda zone: f.AgreementFactory(lead__zone=zone),
    "bulletin": lambda zone: Bulletin.objects.create(month=datetime.date(2025, 9, 1), level="city", city=zone.city),
    "zonefigure": lambda zone: f.ZoneFigureFactory(zone=zone),
    "runcase": lambda zone: RunCase.objects.create(
        run=f.AssessmentRunFactory(), zone=zone, adjustment=f.SchemeAdjustmentFactory(), cases=2
    ),
    "landreserve": lambda zone: f.LandReserveFactory(zone=zone),
    "landparcel": lambda zone: f.LandParcelFactory(zone=zone),
    "parcelcommitment": lambda zone: f.ParcelCommitmentFactory(parcel__zone=zone),
}
# Reference data every signed-in user reads (the catalogue and the holiday calendar).
SHARED = {"proceduretype", "calendaryear", "holiday", "sourceregion", "promotionmode", "indicator"}
SHARED |= {"assessmentscheme", "schemeitem", "schemeadjustment", "assessmentrun"}  # every zone reads them
SHARED |= {"indicatorstandard"}


def test_every_registered_resource_is_covered_by_this_check():
    assert {r.slug() for r in REGISTRY.values()} == set(OBJECTS) | SHARED


@pytest.mark.parametrize("slug", sorted(OBJECTS))
def test_every_resource_hides_other_zones_records(slug, client_for, alice, charlie, zone_a):
    from django.urls import reverse

    obj = OBJECTS[slug](zone_a)
    assert client_for(alice).get(reverse(f"{slug}_detail", args=[obj.pk])).status_code == 200
    c = client_for(charlie)
    assert c.get(reverse(f"{slug}_detail", args=[obj.pk])).status_code == 404
    assert str(obj) not in c.get(reverse(f"{slug}_list")).content.decode()
