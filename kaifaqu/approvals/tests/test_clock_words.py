"""Clocks in one language: every number of days carries its kind (剩 3 个工作日, 超期 35 个自然日), compression
is counted in working days only, and a procedure's page offers one clock action at a time."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from kaifaqu.approvals import services
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Procedure, ProcedurePause, ProcedureType
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
PERMIT = "建筑工程施工许可证"  # 7 calendar days
EIA = "环境影响评价审批（报告书）"  # 60 calendar days
FIRE = "消防设计审查"  # 15 working days


@pytest.fixture(autouse=True)
def catalogue_and_calendar(db):
    clock.seed_calendar()
    load_defaults()


@pytest.fixture
def project(zone_a):
    return f.ProjectFactory(zone=zone_a, name="碳纤维一期")


def make(project, type_name, **kw) -> Procedure:
    p = Procedure.objects.create(project=project, type=ProcedureType.objects.get(name=type_name), **kw)
    p.refresh_from_db()
    return p


def on(day):
    return time_machine.travel(clock.frozen_moment(day), tick=False)


def clock_box(client, p) -> str:
    page = client.get(reverse("procedure_detail", args=[p.pk])).content.decode()
    return page[page.index('id="clock"') : page.index("</div>", page.index('id="clock"'))]


def test_a_calendar_day_permit_finished_on_its_moved_deadline_says_calendar_days_and_claims_no_compression(
    project, alice, client_for
):
    # 7 calendar days from Wednesday 2025-09-24 end on 1 October, a holiday: the deadline moves to 9 October.
    p = make(project, PERMIT, accepted_on=D(2025, 9, 24), completed_on=D(2025, 10, 9))
    c = services.clock(p, today=D(2025, 11, 3))
    assert (c.status, c.elapsed, c.saved, c.compression) == ("done", 15, None, None)
    assert (c.elapsed_text, c.limit_text) == ("已用 15 个自然日", "法定 7 个自然日")
    with on(D(2025, 11, 3)):
        box = clock_box(client_for(alice), p)
    assert "按时办结" in box and "已用 15 个自然日 / 法定 7 个自然日" in box
    assert "压缩" not in box


def test_a_working_day_item_finished_early_states_its_compression_in_working_days(project, alice, client_for):
    p = make(project, FIRE, accepted_on=D(2025, 8, 22), completed_on=D(2025, 9, 5))  # 10 of 15 working days
    with on(D(2025, 11, 3)):
        box = clock_box(client_for(alice), p)
    assert "已用 10 个工作日 / 法定 15 个工作日" in box and "压缩 5 个工作日（33.3%）" in box


def test_the_reminder_list_gives_remaining_and_overdue_days_with_their_unit(project, alice, client_for):
    overdue = make(project, FIRE, accepted_on=D(2025, 8, 22))  # due Friday 2025-09-12
    soon = make(project, EIA, accepted_on=D(2025, 7, 17))  # due Monday 2025-09-15
    assert (overdue.due_on, soon.due_on) == (D(2025, 9, 12), D(2025, 9, 15))
    with on(D(2025, 9, 12)):
        assert services.clock(soon).remaining_text == "剩 3 个自然日"
    with on(D(2025, 9, 15)):  # Monday: one working day past the Friday deadline; the EIA is due today
        c = client_for(alice)
        page = c.get(reverse("approvals_reminders")).content.decode()
        listed = c.get(reverse("procedure_list")).content.decode()
    cells = re.findall(r'<td class="text-nowrap">([^<]*)</td>', page)
    assert cells == ["超期 1 个工作日", "剩 0 个自然日"]  # never a bare "-1" or "0"
    assert "已超期 · 超期 1 个工作日" in listed and "即将到期 · 剩 0 个自然日" in listed


def test_the_procedure_page_offers_pause_while_running_resume_while_paused_and_neither_once_done(
    project, alice, client_for
):
    p = make(project, FIRE, accepted_on=D(2025, 8, 22))
    c = client_for(alice)

    def actions():
        page = c.get(reverse("procedure_detail", args=[p.pk])).content.decode()
        return ('id="pause"' in page, 'id="resume"' in page)

    with on(D(2025, 9, 1)):
        assert actions() == (True, False)
        services.save_pause(ProcedurePause(procedure=p, paused_on=D(2025, 8, 29), reason="expert"))
        assert actions() == (False, True)
        services.resume(Procedure.objects.get(pk=p.pk), D(2025, 9, 1))
        assert actions() == (True, False)
    p.refresh_from_db()
    p.completed_on = D(2025, 9, 10)
    services.save_procedure(p)
    with on(D(2025, 9, 11)):
        assert actions() == (False, False)


def test_project_compression_counts_working_day_items_and_lists_the_calendar_day_ones(project, alice, client_for):
    make(project, FIRE, accepted_on=D(2025, 8, 22), completed_on=D(2025, 9, 5))  # 10 working days of 15
    make(project, PERMIT, accepted_on=D(2025, 9, 24), completed_on=D(2025, 10, 9))
    result = services.project_compression(Procedure.objects.filter(project=project).select_related("type"))
    assert (result.count, result.baseline, result.actual, result.calendar_items) == (1, 15, 10, 1)
    assert result.rate == services.percent(5, 15)
    with on(D(2025, 11, 3)):
        page = client_for(alice).get(reverse("procedure_project", args=[project.pk])).content.decode()
    assert "另有 1 项按自然日计时，不计入工作日压缩。" in page
