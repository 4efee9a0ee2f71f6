"""A page's change history shows a child record's changes (``history_parent``) only to those who may see that
child: an enterprise reading its zone's page reads nothing of the zone's parks, meetings or trips; a province
round's page shows each user the entries of their own projects; a deleted child's changes stay with those
who saw it."""

from django.urls import reverse

from kaifaqu.testing import factories as f


def history_of(client, url) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200
    return [record.object_repr for record, _changes in page.context["history"]]


def test_an_enterprise_reads_nothing_of_its_zones_internal_records(client_for, enterprise_user, alice, zone_a):
    f.ParkFactory(zone=zone_a, name="东区园")
    meeting = f.DispatchMeetingFactory(zone=zone_a, title="一季度项目调度会")
    zone = reverse("zone_detail", args=[zone_a.pk])
    assert {"东区园", str(meeting)} <= set(history_of(client_for(alice), zone))
    seen = history_of(client_for(enterprise_user), zone)
    assert seen and set(seen) == {zone_a.name}  # the zone's own changes only


def test_a_province_rounds_page_shows_each_user_only_their_own_entries(client_for, alice, charlie, zone_a, zone_b):
    campaign = f.CampaignFactory(name="第一批")
    mine = f.CampaignEntryFactory(campaign=campaign, project__zone=zone_a, project__name="云冈项目")
    theirs = f.CampaignEntryFactory(campaign=campaign, project__zone=zone_b, project__name="平鲁项目")
    page = reverse("campaign_detail", args=[campaign.pk])
    seen = history_of(client_for(alice), page)
    assert str(mine) in seen and str(theirs) not in seen
    seen = history_of(client_for(charlie), page)
    assert str(theirs) in seen and str(mine) not in seen


def test_a_deleted_childs_changes_stay_with_those_who_saw_it(client_for, alice, enterprise_user, charlie, zone_a):
    park = f.ParkFactory(zone=zone_a, name="拆并的园区")
    park.delete()
    zone = reverse("zone_detail", args=[zone_a.pk])
    assert history_of(client_for(alice), zone).count("拆并的园区") == 2  # created, deleted
    assert "拆并的园区" not in history_of(client_for(enterprise_user), zone)
    assert client_for(charlie).get(zone).status_code == 404


def test_who_may_read_a_deleted_childs_changes_follows_the_scope_rules():
    from kaifaqu.approvals.models import Procedure, ProcedurePause
    from kaifaqu.core.scoping import Role, Scope, resolved_paths, shares_scope
    from kaifaqu.projects.models import ReportCorrection
    from kaifaqu.zones.models import Park

    agent = Scope(role=Role.AGENT, zone_id=1, user_id=7, agent_rank="agent")
    zone, enterprise = Scope(role=Role.ZONE, zone_id=1), Scope(role=Role.ENTERPRISE, enterprise_id=1)
    assert resolved_paths(ReportCorrection).zone == "report__project__zone"
    assert resolved_paths(ProcedurePause) is None  # its procedure has a rule of its own: a subquery applies it
    assert shares_scope(ProcedurePause, "procedure", agent)  # seen with its procedure, whoever sees that
    assert not shares_scope(Procedure, "project", agent)  # an agent sees some of a project's procedures
    assert shares_scope(Procedure, "project", zone)
    assert shares_scope(Park, "zone", zone) and not shares_scope(Park, "zone", enterprise)
