"""The enterprise's phone page of its approvals costs the same number of queries for 2 projects as for 20."""

import datetime

from django.urls import reverse

from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.queries import assert_flat, cost

D = datetime.date


def projects_with_procedures(zone, enterprise, first: int, count: int) -> None:
    for i in range(first, first + count):
        project = f.ProjectFactory(zone=zone, enterprise=enterprise, name=f"企业项目{i:02d}")
        for stage in (2, 1):
            procedure = f.ProcedureFactory(project=project, type__stage=stage, accepted_on=D(2025, 9, 30))
            f.PauseFactory(procedure=procedure)


def test_my_approvals_page_is_not_one_query_per_project(zone_a, enterprise_a, enterprise_user, client_for):
    clock.seed_calendar()
    c = client_for(enterprise_user)
    projects_with_procedures(zone_a, enterprise_a, 0, 2)
    c.get(reverse("approvals_mine"))  # session, calendar and content types warmed up
    small, r = cost(c.get, reverse("approvals_mine"))
    assert [len(g["rows"]) for g in r.context["groups"]] == [2, 2]
    projects_with_procedures(zone_a, enterprise_a, 2, 18)
    large, r = cost(c.get, reverse("approvals_mine"))
    groups = r.context["groups"]
    assert [g["project"].name for g in groups] == [f"企业项目{i:02d}" for i in range(20)]
    assert all([row["p"].type.stage for row in g["rows"]] == [1, 2] for g in groups)
    assert_flat(small, large, what="my approvals page")
