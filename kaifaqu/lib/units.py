"""Units of the domain: money in 万元 (stored), shown in 亿元 for large sums; areas in 亩; rates in %."""

from decimal import ROUND_HALF_UP, Decimal

WAN_PER_YI = Decimal(10000)
SQM_PER_MU = Decimal(10000) / Decimal(15)
MU_PER_HECTARE = Decimal(15)


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def wan_to_yi(wan: Decimal) -> Decimal:
    """万元 → 亿元, 2 decimals (1 亿元 = 10,000 万元)."""
    return quantize(Decimal(wan) / WAN_PER_YI, 2)


def hectares_to_mu(ha: Decimal) -> Decimal:
    """公顷 → 亩 (1 公顷 = 15 亩), 2 decimals."""
    return quantize(Decimal(ha) * MU_PER_HECTARE, 2)


def percent(numerator, denominator, places: int = 1) -> Decimal | None:
    """numerator / denominator as a percentage, or None for an empty denominator (shown as "—")."""
    if not denominator:
        return None
    return quantize(Decimal(numerator) * 100 / Decimal(denominator), places)


def tidy(value: Decimal) -> Decimal:
    """``value`` without the zeros an aggregate leaves past the second decimal (17510.59000000000 → 17510.59);
    significant digits are kept (a rate of 0.125 stays 0.125)."""
    if value.as_tuple().exponent >= -2 or not value.is_finite():
        return value
    short = value.quantize(Decimal("0.01"))
    return short if short == value else value.normalize()
