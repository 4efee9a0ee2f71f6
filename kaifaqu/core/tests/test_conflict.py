"""A lost race is a message, not a server error: write_transaction turns a unique row inserted meanwhile into
Conflict (400 on the page), the API answers it with 409; a broken rule that is a bug stays an error."""

import pytest
from django.db import IntegrityError

from kaifaqu.core.api import to_drf
from kaifaqu.core.services import Conflict, write_transaction
from kaifaqu.projects.models import MonthlyReport
from kaifaqu.testing import factories as f
from kaifaqu.zones.models import City

CONFLICT = "此记录已被他人修改，请刷新后重试"


def test_a_unique_row_inserted_meanwhile_is_a_conflict_and_nothing_is_written(city_a):
    with pytest.raises(Conflict) as exc, write_transaction():
        City.objects.create(code="140300", name="阳泉")
        City.objects.create(code=city_a.code, name="另一个大同")  # what a concurrent writer just inserted
    assert exc.value.messages == [CONFLICT]
    assert not City.objects.filter(code="140300").exists()


def test_the_api_answers_a_conflict_with_409():
    error = to_drf(Conflict())
    assert error.status_code == 409 and error.detail == {"non_field_errors": [CONFLICT]}


def test_a_broken_check_constraint_is_a_bug_and_stays_an_error(zone_a):
    project = f.StartedProjectFactory(zone=zone_a)
    with pytest.raises(IntegrityError), write_transaction():
        figures = {"this_month": 5, "year_to_date": 1, "since_start": 10}  # year to date below the month
        MonthlyReport.objects.create(project=project, month=project.started_on, **figures)
