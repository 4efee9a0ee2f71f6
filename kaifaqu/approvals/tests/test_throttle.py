"""The public progress query's throttle counts failures atomically (issue 10, part 3): however many wrong
guesses arrive at the same moment, in however many web workers, at most ten are tried in ten minutes."""

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.approvals import views
from kaifaqu.approvals.models import ProgressAccess
from kaifaqu.testing import factories as f
from kaifaqu.testing.concurrency import Meeting, needs_concurrent_writers, run_together

CODE = "2024-140200-36-03-000001"


@pytest.fixture
def access(zone_a):
    project = f.ProjectFactory(zone=zone_a, name="碳纤维一期", code=CODE)
    return ProgressAccess.objects.create(project=project, query_code="ABCD2345")


def guess(query_code="WRONG234", address="10.0.0.9"):
    r = Client().post(reverse("public_progress"), {"code": CODE, "query_code": query_code}, REMOTE_ADDR=address)
    return r.status_code


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_twelve_wrong_guesses_at_the_same_moment_are_all_counted(access, monkeypatch):
    meeting = Meeting(12)  # every guess that is tried waits here until the others are tried too
    original = views.QueryForm.is_valid

    def valid_then_wait(self):
        ok = original(self)
        meeting.wait()
        return ok

    monkeypatch.setattr(views.QueryForm, "is_valid", valid_then_wait)
    results = run_together(*[guess] * 12)
    statuses = sorted(value for _kind, value in results)
    assert statuses == [404] * 10 + [429] * 2, results
    monkeypatch.setattr(views.QueryForm, "is_valid", original)
    assert guess(access.query_code) == 429  # even the right code, until the window ends
    assert guess(access.query_code, address="10.0.0.10") == 200  # another address is not affected


def test_a_right_guess_does_not_count_as_a_failure(access):
    for _ in range(9):
        assert guess() == 404
    for _ in range(3):
        assert guess(access.query_code) == 200
    assert guess() == 404  # the tenth failure is still tried
    assert guess(access.query_code) == 429
