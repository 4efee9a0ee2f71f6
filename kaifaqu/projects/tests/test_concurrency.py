"""Writers of a project's ledger at the same moment (issue 10, part 3): each locks the project and its
reports before its rules read them, so two reports that each fit the ledger alone cannot both be saved when
together they break it; a concurrent loser reads a Chinese message (400 on the page, 400/409 in the API),
never a server error; a correction of figures someone else changed meanwhile is refused as a conflict."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kaifaqu.projects import services
from kaifaqu.projects.models import MonthlyReport, Project, ReportCorrection
from kaifaqu.testing import factories as f
from kaifaqu.testing.concurrency import Meeting, needs_concurrent_writers, run_together

D = datetime.date
CONFLICT = "此记录已被他人修改，请刷新后重试"


@pytest.fixture
def march(zone_a):
    """A project started in February 2024 with March reported (100 this month, 200 year to date and since start)."""
    p = f.StartedProjectFactory(zone=zone_a, name="并发项目", code="2024-140200-36-03-000777")
    f.MonthlyReportFactory(project=p, month=D(2024, 3, 1), this_month=100, year_to_date=200, since_start=200)
    return p


def ledger_errors(project) -> dict:
    """Every month's rule violations against its stored neighbours (empty: the ledger holds)."""
    reports = list(MonthlyReport.objects.filter(project=project).order_by("month"))
    found = {}
    for i, r in enumerate(reports):
        prev = reports[i - 1] if i else None
        nxt = reports[i + 1] if i + 1 < len(reports) else None
        errors = services.report_errors(r, r.project, prev, nxt)
        if errors:
            found[r.month] = errors
    return found


def read_then_meet(monkeypatch, meeting):
    """Every writer checks the ledger rules, then waits for the other before it writes."""
    original = services.check_report

    def check_then_wait(report):
        original(report)
        meeting.wait()

    monkeypatch.setattr(services, "check_report", check_then_wait)


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_two_consecutive_months_saved_at_once_cannot_both_pass_the_cumulative_rule(march, alice, monkeypatch):
    # Alone, each fits March: April adds up (200 + 100 = 300); May is not next to March, it only may not
    # go down (450 ≥ 200). Together May should be 300 + 100 = 400, not 450.
    read_then_meet(monkeypatch, Meeting(2))

    def report(month, ytd):
        project = Project.objects.get(pk=march.pk)
        new = MonthlyReport(project=project, month=month, this_month=100, year_to_date=ytd, since_start=ytd)
        return services.save_report(new, user=alice)

    results = run_together(lambda: report(D(2024, 4, 1), 300), lambda: report(D(2024, 5, 1), 450))
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"], results
    (loser,) = [value for kind, value in results if kind == "error"]
    assert isinstance(loser, services.ValidationError) and "应等于" in " ".join(loser.messages)
    assert MonthlyReport.objects.filter(project=march).count() == 2
    assert ledger_errors(march) == {}


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_the_same_month_posted_twice_at_once_through_the_api_gives_one_report_and_a_message(march, alice, monkeypatch):
    read_then_meet(monkeypatch, Meeting(2))
    data = {"project": march.pk, "month": "2024-04-01", "this_month": "100", "year_to_date": "300"}
    data["since_start"] = "300"

    def post():
        client = Client()
        client.force_login(alice)
        r = client.post("/api/reports/", data, content_type="application/json")
        return r.status_code, r.json()

    results = run_together(post, post)
    assert all(kind == "ok" for kind, _v in results), results  # no server error
    statuses = sorted(value[0] for _k, value in results)
    assert statuses[0] == 201 and statuses[1] in (400, 409), results
    loser = next(body for code, body in (v for _k, v in results) if code != 201)
    assert "已填报" in str(loser) or CONFLICT in str(loser)
    assert MonthlyReport.objects.filter(project=march, month=D(2024, 4, 1)).count() == 1


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_of_two_corrections_of_one_month_at_once_the_second_is_refused_as_a_conflict(march, alice, bob, monkeypatch):
    report = MonthlyReport.objects.get(project=march)
    meeting = Meeting(2)
    original = services.report_errors

    def errors_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        meeting.wait()
        return found

    monkeypatch.setattr(services, "report_errors", errors_then_wait)

    def correct(user, amount):
        loaded = MonthlyReport.objects.get(pk=report.pk)
        values = {"this_month": amount, "year_to_date": amount + 100, "since_start": amount + 100}
        return services.correct_report(loaded, user=user, values=values, reason=f"更正为{amount}")

    results = run_together(lambda: correct(alice, Decimal(150)), lambda: correct(bob, Decimal(170)))
    kinds = sorted(kind for kind, _v in results)
    assert kinds == ["error", "ok"], results  # the second read a report the first had changed meanwhile
    (loser,) = [v for kind, v in results if kind == "error"]
    assert CONFLICT in loser.messages
    report.refresh_from_db()
    corrections = list(ReportCorrection.objects.filter(report=report, field="this_month"))
    assert len(corrections) == 1 and report.this_month == corrections[0].new_value
    assert corrections[0].old_value == 100


# -- a stale copy is refused, on SQLite too ----------------------------------------------------------
@pytest.fixture
def locked(march):
    return MonthlyReport.objects.get(project=march)


def test_a_correction_of_figures_someone_corrected_since_the_form_was_opened_is_refused(locked, client_for, alice, bob):
    c = client_for(alice)
    url = reverse("monthlyreport_correct", args=[locked.pk])
    page = c.get(url).content.decode()
    version = re.search(r'name="version" value="([^"]+)"', page)
    assert version, "the correction form carries the version of the report it shows"
    services.correct_report(
        MonthlyReport.objects.get(pk=locked.pk),
        user=bob,
        values={"this_month": 120, "year_to_date": 220, "since_start": 220},
        reason="他人先行更正",
    )
    data = {"this_month": "150", "year_to_date": "250", "since_start": "250", "reason": "统计口径调整"}
    r = c.post(url, {**data, "version": version.group(1)})
    assert r.status_code == 400 and CONFLICT in r.content.decode()
    locked.refresh_from_db()
    assert locked.this_month == 120  # bob's correction stands, alice's was not applied on top of it
    assert not ReportCorrection.objects.filter(reason="统计口径调整").exists()


def test_an_edit_from_a_copy_changed_meanwhile_is_refused_as_a_conflict(march, alice):
    report = f.MonthlyReportFactory(
        project=march, month=D(2024, 4, 1), this_month=100, year_to_date=300, since_start=300
    )
    stale = MonthlyReport.objects.get(pk=report.pk)
    MonthlyReport.objects.filter(pk=report.pk).update(
        progress="他人已修改", updated_at=stale.updated_at.replace(year=2030)
    )
    stale.progress = "我的修改"
    with pytest.raises(services.ValidationError) as exc:
        services.save_report(stale, user=alice)
    assert exc.value.messages == [CONFLICT]
