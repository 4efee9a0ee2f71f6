"""The synthetic generator's projects obey the same rules as entered ones: every project passes the model's
validation and every monthly report fits the ledger next to its neighbouring months."""

from collections import defaultdict

import pytest
from django.db.models import CheckConstraint

from kaifaqu.demo import synthetic
from kaifaqu.lib.qeval import evaluate
from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Project
from kaifaqu.projects.services import report_errors
from kaifaqu.zones.models import Zone


@pytest.fixture
def generated(db):
    # 47 = the reference zones, which the generator always loads: no synthetic zone is added.
    end = synthetic.last_full_month()  # the last month that may be reported on the frozen clock
    counts = synthetic.generate(zones=47, enterprises=50, projects_per_zone=10, months=24, end=end, seed=3)
    return counts


def test_the_generator_makes_ten_projects_a_zone_with_plans_and_reports(generated):
    zones = Zone.objects.count()
    assert generated.extra["projects"] == Project.objects.count() == 10 * zones
    assert generated.extra["reports"] == MonthlyReport.objects.count() > 0
    assert generated.extra["plans"] == AnnualPlan.objects.count() > 0


def test_every_generated_project_passes_full_clean(generated):
    failures = {}
    for project in Project.objects.select_related("park", "chain", "zone"):
        try:
            project.full_clean()
        except Exception as exc:  # collect them all for a readable failure
            failures[project.name] = getattr(exc, "message_dict", str(exc))
    assert failures == {}


def test_every_generated_plan_passes_full_clean(generated):
    failures = {}
    for plan in AnnualPlan.objects.select_related("project"):
        try:
            plan.full_clean()
        except Exception as exc:
            failures[str(plan)] = getattr(exc, "message_dict", str(exc))
    assert failures == {}


def test_every_generated_report_fits_its_neighbouring_months(generated):
    by_project = defaultdict(list)
    for report in MonthlyReport.objects.order_by("project_id", "month"):
        by_project[report.project_id].append(report)
    projects = Project.objects.in_bulk(list(by_project))
    failures = {}
    for pid, reports in by_project.items():
        for i, report in enumerate(reports):
            prev = reports[i - 1] if i > 0 else None
            nxt = reports[i + 1] if i + 1 < len(reports) else None
            errors = report_errors(report, projects[pid], prev, nxt)
            if errors:
                failures[str(report)] = errors
    assert failures == {}
    assert all(r.month <= synthetic.last_full_month() for rs in by_project.values() for r in rs)


def test_every_generated_report_passes_the_models_own_rules(generated):
    # Field validation here; the check constraints in Python (as the import does), not one query per report.
    checks = [c for c in MonthlyReport._meta.constraints if isinstance(c, CheckConstraint)]
    failures = {}
    for report in MonthlyReport.objects.all():
        try:
            report.full_clean(exclude=["project"], validate_unique=False, validate_constraints=False)
        except Exception as exc:
            failures[str(report.pk)] = getattr(exc, "message_dict", str(exc))
        broken = [c.name for c in checks if evaluate(c.condition, report) is False]
        if broken:
            failures[str(report.pk)] = broken
    assert failures == {}
