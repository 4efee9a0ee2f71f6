"""One definition per rule: where a list filters in SQL and a page shows a value computed in Python, both come
from the same definition — checked on every row of a small synthetic province on the frozen day (and on the days
around it, where the answer changes)."""

import datetime

import pytest

from kaifaqu.approvals import services as approvals
from kaifaqu.approvals.models import Procedure
from kaifaqu.demo import synthetic
from kaifaqu.lib.qeval import holds
from kaifaqu.projects.filters import ProblemFilterSet
from kaifaqu.projects.models import Problem
from kaifaqu.projects.rates import reporting_period
from kaifaqu.reports import dashboard
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import Zone
from kaifaqu.zones.reference import load_cities, load_zones


@pytest.fixture
def province(db):
    """Eight reference zones with projects, their approvals and problem ledgers, up to last month."""
    clock.seed_calendar()  # the frozen day's year and the next one, whatever the date
    load_cities()
    load_zones()
    zones = list(Zone.objects.order_by("pk")[:8])
    counts = synthetic.generate(
        zones=0,
        enterprises=40,
        projects_per_zone=8,
        months=14,
        seed=7,
        only_zones=zones,
        procedures=True,
        problems=True,
    )
    assert counts.extra["problems"] > 20 and counts.extra["procedures"] > 100
    return f.UserFactory(username="sheng_synthetic", role="province")


def days_around_today() -> list[datetime.date]:
    today = clock.today()
    return [today + datetime.timedelta(days=n) for n in range(-2, 9)] + [reporting_period(today).end]


def test_overdue_problems_agree_between_sql_and_python(province):
    problems = list(Problem.objects.all())
    for day in days_around_today():
        in_python = {p.pk for p in problems if holds(Problem.overdue_q(day), p)}
        in_sql = set(Problem.objects.filter(Problem.overdue_q(day)).values_list("pk", flat=True))
        assert in_python == in_sql, day
    today = clock.today()
    overdue = {p.pk for p in problems if p.is_overdue}
    assert 0 < len(overdue) < len(problems)  # the province has both
    listed = ProblemFilterSet({"overdue": "true"}, queryset=Problem.objects.all()).qs
    not_listed = ProblemFilterSet({"overdue": "false"}, queryset=Problem.objects.all()).qs
    assert set(listed.values_list("pk", flat=True)) == overdue
    assert set(not_listed.values_list("pk", flat=True)) == {p.pk for p in problems} - overdue
    assert dashboard.problems(province, {}, today)["overdue"] == len(overdue)


def test_every_procedure_has_one_clock_status_and_the_list_of_that_status_holds_it(province):
    procedures = list(Procedure.objects.select_related("type").prefetch_related("pauses"))
    seen = set()
    for day in days_around_today():
        by_clock = {}
        for p in procedures:
            by_clock.setdefault(approvals.clock(p, today=day).status, set()).add(p.pk)
        for status in approvals.STATUSES:
            in_sql = set(Procedure.objects.filter(approvals.status_q(status, day)).values_list("pk", flat=True))
            assert by_clock.get(status, set()) == in_sql, (day, status)
        opened = set(Procedure.objects.filter(approvals.status_q("open", day)).values_list("pk", flat=True))
        assert opened == set().union(*(by_clock.get(s, set()) for s in approvals.OPEN_STATUSES)), day
        seen |= set(by_clock)
    assert "done" in seen and len(seen & set(approvals.OPEN_STATUSES)) >= 2  # the province has several kinds
