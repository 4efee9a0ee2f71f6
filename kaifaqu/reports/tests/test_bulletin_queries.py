"""The bulletin's content costs the same number of queries whatever the number of red projects."""

import datetime

from kaifaqu.reports.bulletin import build
from kaifaqu.reports.models import Bulletin
from kaifaqu.testing import factories as f
from kaifaqu.testing.queries import assert_flat, cost

D = datetime.date


def red_started_projects(zone, first: int, count: int) -> None:
    """Started projects whose production milestone is long overdue (red), one of them suspended."""
    for i in range(first, first + count):
        p = f.ProjectFactory(
            zone=zone,
            name=f"红色项目{i}",
            signed_on=D(2024, 1, 10),
            started_on=D(2024, 2, 1),
            planned_production_on=D(2024, 6, 1),
        )
        if i % 2:
            f.SuspensionFactory(project=p, suspended_on=D(2025, 3, 1), resumed_on=None)


def test_red_projects_are_listed_without_a_query_each(zone_a):
    bulletin = Bulletin.objects.create(month=D(2025, 9, 1), level="province")
    red_started_projects(zone_a, 0, 2)
    small, content = cost(build, bulletin)
    assert len(content["red_projects"]) == 2
    red_started_projects(zone_a, 2, 18)
    large, content = cost(build, bulletin)
    assert len(content["red_projects"]) == 20
    stages = {p["name"]: p["stage"] for p in content["red_projects"]}
    assert stages["红色项目1"] == "停工" and stages["红色项目2"] == "开工"
    assert_flat(small, large, what="bulletin content")
