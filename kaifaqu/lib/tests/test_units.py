from decimal import Decimal

import pytest

from kaifaqu.lib.units import hectares_to_mu, percent, tidy, wan_to_yi


def test_money_and_area_conversions_are_exact():
    assert wan_to_yi(Decimal("3796500")) == Decimal("379.65")
    assert hectares_to_mu(Decimal("960.0")) == Decimal("14400.00")


def test_rates_round_half_up_and_empty_denominator_is_none():
    assert percent(161, 171) == Decimal("94.2")
    assert percent(15, 24) == Decimal("62.5")
    assert percent(0, 0) is None


@pytest.mark.parametrize(
    "raw, shown",
    [("17510.59000000000", "17510.59"), ("0.125", "0.125"), ("3.14159000", "3.14159"), ("12.50", "12.50"), ("7", "7")],
)
def test_tidy_drops_the_zeros_an_aggregate_leaves_but_no_digit(raw, shown):
    assert str(tidy(Decimal(raw))) == shown
