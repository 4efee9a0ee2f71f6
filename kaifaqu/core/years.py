"""The years the platform deals in: 2004 (the first year of the official holiday data) to 2100.

A year outside them is a typing error (0, 20260, 1e20). It is refused with a message naming the field
— by the model validators (page, API, import) and by every year filter — and never reaches date
arithmetic, where it would fail (``datetime.date(0, 1, 1)``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2004
LAST_YEAR = 2100

TOO_EARLY = _("年度不能早于%(limit_value)s年")
TOO_LATE = _("年度不能晚于%(limit_value)s年")


def year_validators() -> list:
    """Validators of a 年度 field: FIRST_YEAR to LAST_YEAR."""
    return [MinValueValidator(FIRST_YEAR, message=TOO_EARLY), MaxValueValidator(LAST_YEAR, message=TOO_LATE)]
