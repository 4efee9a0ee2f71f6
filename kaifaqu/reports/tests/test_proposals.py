"""Proposals from a checked text: the projects and investors it names that the zone does not have, each for the
zone user to confirm through the record's own add form; nothing is written until that form is saved."""

import pytest
from django.urls import reverse

from kaifaqu.projects.models import Project
from kaifaqu.promotion.models import Lead
from kaifaqu.reports import proposals
from kaifaqu.reports.models import FigureCheck
from kaifaqu.testing import factories as f

pytestmark = pytest.mark.django_db
TEXT = (
    "国家级专精特新“小巨人”企业山西亮宇炭素有限公司，总投资16.5亿元的年产2万吨/年高端工业用细颗粒各向同性石墨材料"
    "产业化项目正在加快建设。引入山西鼎晟智能制造有限公司总投资2亿元的年产5万吨智能铸造及机械加工项目。"
    "全区上下全力以赴抓项目，一批批重大项目加快建设。园区招商团队赴深圳对接洽谈深圳市高巨创新科技开发有限公司。"
)


def by_name(items):
    return {p.name: p for p in items}


def test_the_projects_and_investors_a_text_names_are_proposed_and_manners_of_speaking_are_not(alice, zone_a):
    found = by_name(proposals.propose(TEXT, alice, None))
    graphite = found["年产2万吨/年高端工业用细颗粒各向同性石墨材料产业化项目"]
    assert graphite.kind == "project" and graphite.zone == zone_a and str(graphite.total_investment) == "165000.00"
    assert str(found["年产5万吨智能铸造及机械加工项目"].total_investment) == "20000.00"
    assert found["深圳市高巨创新科技开发有限公司"].kind == "lead"
    assert not any("抓项目" in n or "重大项目" in n for n in found)
    assert graphite.url.startswith(reverse("project_add") + "?name=") and f"zone={zone_a.pk}" in graphite.url
    assert Project.objects.count() == 0 and Lead.objects.count() == 0  # proposing writes nothing


def test_a_record_the_zone_has_is_not_proposed_again_and_nothing_is_proposed_without_a_zone(
    alice, province_user, zone_a, zone_b
):
    f.ProjectFactory(zone=zone_a, name="年产5万吨智能铸造及机械加工项目")
    f.LeadFactory(zone=zone_a, company="深圳市高巨创新科技开发有限公司")
    found = by_name(proposals.propose(TEXT, alice, None))
    assert found["年产5万吨智能铸造及机械加工项目"].exists and not found["年产5万吨智能铸造及机械加工项目"].url
    assert found["深圳市高巨创新科技开发有限公司"].exists
    # A province user's text that names no zone: whose project it would be is not known, so none is proposed.
    assert proposals.propose(TEXT, province_user, None) == []
    named = proposals.propose(
        f"{zone_b.name}引入山西鼎晟智能制造有限公司总投资2亿元的年产5万吨智能铸造及机械加工项目。", province_user, None
    )
    assert [(p.name, p.zone, p.exists) for p in named if p.kind == "project"] == [
        ("年产5万吨智能铸造及机械加工项目", zone_b, False)  # zone A has one of that name, zone B does not
    ]


def test_confirming_a_proposal_opens_the_add_form_preset_and_only_saving_it_writes(client_for, alice, zone_a):
    c = client_for(alice)
    r = c.post(reverse("figure_check"), {"text": TEXT}, follow=True)
    page = r.content.decode()
    assert 'id="proposals"' in page and "确认新建" in page
    proposal = by_name(r.context["proposals"])["年产2万吨/年高端工业用细颗粒各向同性石墨材料产业化项目"]
    form = c.get(proposal.url).context["form"]
    assert form.initial["name"] == proposal.name and form.initial["total_investment"] == "165000.00"
    assert Project.objects.count() == 0 and FigureCheck.objects.count() == 1
