import pytest
from django.db.models import Q

from kaifaqu.enterprises.models import Enterprise
from kaifaqu.lib.qeval import Unsupported, evaluate


@pytest.mark.parametrize(
    ("listed", "stock", "expected"),
    [(True, "600809", True), (False, "", True), (False, "600809", False), (True, "", True)],
)
def test_matches_the_database_semantics_of_the_stock_code_rule(listed, stock, expected):
    rule = Q(is_listed=True) | Q(stock_code="")
    assert evaluate(rule, Enterprise(is_listed=listed, stock_code=stock)) is expected


def test_negation_isnull_and_in():
    e = Enterprise(srdi_tier="srdi", industry="")
    assert evaluate(~Q(srdi_tier__in=["srdi"]) | Q(industry=""), e)
    assert not evaluate(~Q(srdi_tier__in=["srdi"]), e)
    assert evaluate(Q(credit_code__isnull=False), Enterprise(credit_code=""))


def test_unsupported_lookups_are_reported():
    with pytest.raises(Unsupported):
        evaluate(Q(name__icontains="x"), Enterprise(name="x"))


def test_field_references_comparisons_and_null_semantics():
    from django.db.models import F

    from kaifaqu.projects.models import MonthlyReport

    rule = Q(year_to_date__gte=F("this_month"))
    assert evaluate(rule, MonthlyReport(this_month=5, year_to_date=5)) is True
    assert evaluate(rule, MonthlyReport(this_month=6, year_to_date=5)) is False
    assert evaluate(rule, MonthlyReport(this_month=None, year_to_date=5)) is None  # unknown passes a CHECK
    either = Q(year_to_date__lt=1) | Q(this_month__gt=F("since_start"))
    assert evaluate(either, MonthlyReport(year_to_date=0, this_month=1, since_start=2)) is True


def test_a_lookup_follows_foreign_keys_to_the_related_instance_held():
    import datetime

    from kaifaqu.projects.models import AnnualPlan, Project

    project = Project(started_on=datetime.date(2025, 3, 1), terminated_on=None)
    plan = AnnualPlan(kind="new_start", project=project)
    assert evaluate(Q(project__started_on__lte=datetime.date(2025, 3, 31)) & Q(kind="new_start"), plan) is True
    assert evaluate(Q(project__terminated_on__lte=datetime.date(2025, 3, 31)), plan) is None  # NULL: unknown
    # Negated, as Django writes it: NOT (terminated_on <= x AND terminated_on IS NOT NULL), true for NULL.
    assert evaluate(~Q(project__terminated_on__lte=datetime.date(2025, 3, 31)), plan) is True
    assert evaluate(Q(project__terminated_on__isnull=True), plan) is True
    with pytest.raises(Unsupported):
        evaluate(Q(project__name__icontains="x"), plan)
