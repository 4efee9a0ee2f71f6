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
