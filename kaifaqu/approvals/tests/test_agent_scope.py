"""The agent rule reaches everything that hangs off a procedure: a plain agent (代办员) who is neither the
agent nor the lead agent of a procedure cannot open, list, export, search, change or delete its pauses
and commitment (pages and API), nor read its changes on the project's page; the assigned agent, a lead
agent (领办员) and the zone can."""

import io

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.approvals.models import Commitment, Procedure, ProcedurePause
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

CHILDREN = {
    # slug: (model, API prefix, factory)
    "procedurepause": (ProcedurePause, "pauses", lambda p: f.PauseFactory(procedure=p, note="专家评审延期")),
    "commitment": (Commitment, "commitments", lambda p: f.CommitmentFactory(procedure=p, promise="开工前补齐图审")),
}


@pytest.fixture
def others(zone_a):
    """A procedure of zone A assigned to another agent, with its pause and commitment."""
    clock.seed_calendar()
    someone = f.UserFactory(username="daiban2", role="agent", zone=zone_a, full_name="王代办")
    procedure = f.ProcedureFactory(project__zone=zone_a, project__name="碳纤维一期", agent=someone)
    return {slug: make(procedure) for slug, (_model, _api, make) in CHILDREN.items()}


@pytest.fixture
def lead(zone_a):
    return f.UserFactory(username="lingban", role="agent", agent_rank="lead", zone=zone_a)


def link(slug, obj):
    return f'href="{reverse(f"{slug}_detail", args=[obj.pk])}"'


def exported_rows(client, slug):
    data = client.get(reverse(f"{slug}_list") + "?export=xlsx").content
    return list(load_workbook(io.BytesIO(data)).active.values)[1:]


@pytest.mark.parametrize("slug", CHILDREN)
def test_an_agent_gets_404_for_what_hangs_off_anothers_procedure(slug, others, client_for, agent):
    model, api, _make = CHILDREN[slug]
    obj = others[slug]
    c = client_for(agent)
    for name in ("detail", "edit", "delete"):
        assert c.get(reverse(f"{slug}_{name}", args=[obj.pk])).status_code == 404, name
    assert c.post(reverse(f"{slug}_edit", args=[obj.pk]), {}).status_code == 404
    assert c.post(reverse(f"{slug}_delete", args=[obj.pk])).status_code == 404
    assert link(slug, obj) not in c.get(reverse(f"{slug}_list")).content.decode()
    assert exported_rows(c, slug) == []
    assert c.get(reverse(f"{slug}_autocomplete")).json() == {"results": []}
    assert c.get(f"/api/{api}/").json()["results"] == []
    assert c.get(f"/api/{api}/{obj.pk}/").status_code == 404
    assert c.patch(f"/api/{api}/{obj.pk}/", {}, content_type="application/json").status_code == 404
    assert c.delete(f"/api/{api}/{obj.pk}/").status_code == 404
    assert model.objects.filter(pk=obj.pk).exists()
    assert not model.objects.for_user(agent).exists()


@pytest.mark.parametrize("slug", CHILDREN)
def test_the_assigned_agent_a_lead_agent_and_the_zone_see_it(slug, others, client_for, alice, lead):
    _model, api, _make = CHILDREN[slug]
    obj = others[slug]
    assigned = obj.procedure.agent
    for user in (assigned, lead, alice):
        c = client_for(user)
        assert c.get(reverse(f"{slug}_detail", args=[obj.pk])).status_code == 200, user
        assert link(slug, obj) in c.get(reverse(f"{slug}_list")).content.decode(), user
        assert len(exported_rows(c, slug)) == 1, user
        assert c.get(f"/api/{api}/{obj.pk}/").status_code == 200, user


def test_an_agent_reads_no_change_of_anothers_procedure_on_the_project_page(others, client_for, agent, alice):
    procedure = others["commitment"].procedure
    procedure.notes = "内部备注：材料尚缺"
    procedure.save()
    project = reverse("project_detail", args=[procedure.project_id])
    assert str(procedure) in client_for(alice).get(project).context["history"][0][0].object_repr
    page = client_for(agent).get(project)
    assert page.status_code == 200  # the project is the zone's: the agent sees it
    assert not [r for r, _changes in page.context["history"] if r.content_type.model == "procedure"]


def test_the_enterprise_reads_no_internal_note_in_the_project_history(others, client_for, zone_a):
    procedure = others["commitment"].procedure
    owner = f.EnterpriseFactory(name="山西华阳碳材科技有限公司", zones=[zone_a])
    procedure.project.enterprise = owner
    procedure.project.save()
    procedure.notes = "内部备注：材料尚缺"
    procedure.save()
    contact = f.UserFactory(username="huayang", role="enterprise", enterprise=owner)
    page = client_for(contact).get(reverse("project_detail", args=[procedure.project_id]))
    assert page.status_code == 200 and "内部备注" not in page.content.decode()
    assert any(r.content_type.model == "procedure" for r, _changes in page.context["history"])


def test_every_model_hanging_off_a_procedure_is_scoped_through_it():
    """So that a new one cannot bypass the agent rule: its scope is its procedure's."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Procedure and hasattr(model, "scope_paths"):
                assert model.scope_paths.parent == field.name, model
