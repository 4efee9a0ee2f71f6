"""Monthly investment reports: the ledger rules hold through the form, the API and the Excel import;
a locked month changes only by a recorded correction; the zone reviews; an enterprise files its own."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kaifaqu.core.models import ChangeRecord
from kaifaqu.projects.models import MonthlyReport, ReportCorrection, ReportStatus
from kaifaqu.projects.services import next_month
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
HEADERS = [
    "项目",
    "月份",
    "当月完成投资（万元）",
    "年初至报告期累计（万元）",
    "开工至报告期累计（万元）",
    "形象进度",
    "存在问题",
]


def project_code(n: int) -> str:
    return f"2024-140200-36-03-{n:06d}"


@pytest.fixture
def project(zone_a):
    """Started 2024-02-01, total investment 10,000 万元, with April 2025 reported (YTD 400, since start 1,400)."""
    p = f.StartedProjectFactory(zone=zone_a, name="碳纤维一期", code=project_code(1), total_investment=10000)
    f.MonthlyReportFactory(project=p, month=D(2025, 4, 1), this_month=100, year_to_date=400, since_start=1400)
    return p


def report_data(project, *, month="2025-05", this_month="100", year_to_date="500", since_start="1500", **extra):
    return {
        "project": project.pk,
        "month": month,
        "this_month": this_month,
        "year_to_date": year_to_date,
        "since_start": since_start,
        "progress": "主体施工",
        **extra,
    }


def as_api(data: dict) -> dict:
    month = data["month"]
    return {**data, "month": f"{month}-01" if len(month) == 7 else month}


def form_errors(response) -> dict:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


# -- the ledger rules, through the form and the API ----------------------------------------------------
BAD_REPORTS = {
    "a month before the project started": ({"month": "2024-01"}, "month", "报告月份早于项目开工月份（2024年2月）"),
    "a project not started": ({"project": "not started"}, "month", "项目尚未开工，不能填报月度投资"),
    "a month already reported": ({"month": "2025-04"}, None, "该项目该月已填报"),
    "a negative amount": ({"this_month": "-5"}, "this_month", ("不能为负数", "大于或者等于 0")),
    "since start above the total investment": (
        {"since_start": "10500", "year_to_date": "500"},
        "since_start",
        "超过项目总投资（10000",
    ),
    "YTD not previous YTD plus this month": (
        {"year_to_date": "600"},
        "year_to_date",
        "应等于2025年4月累计 400.00 加2025年5月当月 100",
    ),
    "a cumulative figure going down": (
        {"since_start": "1300", "year_to_date": "500"},
        "since_start",
        "开工至报告期累计不能小于2025年4月的 1400.00 万元",
    ),
    "a future month": (
        {"month": lambda: next_month(clock.this_month()).strftime("%Y-%m"), "since_start": "9000"},
        "month",
        "不能填报未来月份",
    ),
}


def bad_report(case, project, zone):
    changes, field, message = BAD_REPORTS[case]
    changes = clock.resolved(dict(changes))
    if changes.pop("project", None) == "not started":
        project = f.ProjectFactory(zone=zone, name="尚未开工项目", signed_on=D(2024, 1, 10))
    return report_data(project, **changes), field, message


def mentions(messages, expected) -> bool:
    expected = expected if isinstance(expected, tuple) else (expected,)
    return any(e in m for m in messages for e in expected)


@pytest.mark.parametrize("case", BAD_REPORTS)
def test_the_report_form_refuses_a_report_breaking_the_ledger(case, project, client_for, alice, zone_a):
    data, field, message = bad_report(case, project, zone_a)
    r = client_for(alice).post(reverse("monthlyreport_add"), data)
    assert r.status_code == 400
    errors = form_errors(r)
    assert mentions(errors.get(field or "__all__", []), message), errors
    if field:
        label = str(MonthlyReport._meta.get_field(field).verbose_name)
        assert f"{label}：" in r.content.decode()
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize("case", BAD_REPORTS)
def test_the_report_api_refuses_a_report_breaking_the_ledger(case, project, client_for, alice, zone_a):
    data, field, message = bad_report(case, project, zone_a)
    r = client_for(alice).post("/api/reports/", as_api(data), content_type="application/json")
    assert r.status_code == 400
    body = r.json()
    messages = body.get(field, []) if field else [m for ms in body.values() for m in ms]
    assert mentions(messages, message), body
    assert MonthlyReport.objects.count() == 1


def test_a_good_report_is_saved_through_the_form_and_the_api(project, client_for, alice):
    c = client_for(alice)
    assert c.post(reverse("monthlyreport_add"), report_data(project)).status_code == 302
    june = report_data(project, month="2025-06", year_to_date="600", since_start="1600")
    r = c.post("/api/reports/", as_api(june), content_type="application/json")
    assert r.status_code == 201, r.content
    months = list(MonthlyReport.objects.filter(project=project).order_by("month").values_list("month", "since_start"))
    assert months == [(D(2025, 4, 1), 1400), (D(2025, 5, 1), 1500), (D(2025, 6, 1), 1600)]
    assert MonthlyReport.objects.get(month=D(2025, 5, 1)).status == ReportStatus.SUBMITTED


def test_a_report_must_fit_the_month_after_it_too(project, client_for, alice):
    # March filed after April: its cumulative figures may not exceed April's.
    data = report_data(project, month="2025-03", this_month="100", year_to_date="300", since_start="1450")
    r = client_for(alice).post(reverse("monthlyreport_add"), data)
    assert r.status_code == 400
    assert mentions(form_errors(r)["since_start"], "不能大于2025年4月的 1400.00 万元")


def test_january_year_to_date_equals_the_month(project, client_for, alice):
    data = report_data(project, month="2025-01", this_month="100", year_to_date="250", since_start="1100")
    r = client_for(alice).post(reverse("monthlyreport_add"), data)
    assert r.status_code == 400
    assert mentions(form_errors(r)["year_to_date"], "1月的年初至报告期累计应等于当月完成投资")


# -- the Excel import ------------------------------------------------------------------------------
def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "月度投资台账.xlsx"
    return buf


def month_add(month: datetime.date, n: int) -> datetime.date:
    total = month.year * 12 + month.month - 1 + n
    return datetime.date(total // 12, total % 12 + 1, 1)


@pytest.fixture
def ledger_rows(zone_a):
    """2,000 consistent rows: 80 started projects × 25 months (2024-02 … 2026-02), 100 万元 a month."""
    rows = []
    for n in range(80):
        p = f.StartedProjectFactory(zone=zone_a, name=f"导入项目{n}", code=project_code(100 + n))
        ytd = since = 0
        for i in range(25):
            month = month_add(D(2024, 2, 1), i)
            ytd = 100 if month.month == 1 else ytd + 100
            since += 100
            rows.append([p.code, month.isoformat(), 100, ytd, since, "主体施工", ""])
    return rows


def test_a_sheet_of_2000_good_rows_is_imported(ledger_rows, client_for, alice):
    r = client_for(alice).post(reverse("monthlyreport_import"), {"file": xlsx([HEADERS, *ledger_rows])})
    assert r.status_code == 200, [e for e in r.context["result"].errors][:5]
    assert r.context["result"].created == 2000
    assert MonthlyReport.objects.count() == 2000


BAD_ROWS = {
    # (row values after the project code, column, message) — the row follows the project's last month, 2026-02.
    "a negative amount": (["2026-03-01", -100, 200, 2400], "当月完成投资（万元）", "不能为负数"),
    # Next month, with figures that would be right for it (in January the year to date starts again).
    "a future month": (lambda: future_row(), "月份", "不能填报未来月份"),
    "YTD not previous YTD plus this month": (["2026-03-01", 100, 999, 2600], "年初至报告期累计（万元）", "应等于"),
    "a cumulative figure going down": (["2026-03-01", 100, 300, 2000], "开工至报告期累计（万元）", "不能小于2026年2月"),
}


def future_row() -> list:
    month = next_month(clock.this_month())
    return [month.isoformat(), 100, 100 if month.month == 1 else 300, 2600]


def import_with_bad_row(case, ledger_rows, client):
    values, column, message = clock.resolved(BAD_ROWS[case])
    first_project = ledger_rows[0][0]
    rows = [HEADERS, *ledger_rows[:1000], [first_project, *values, "", ""], *ledger_rows[1000:]]
    return client.post(reverse("monthlyreport_import"), {"file": xlsx(rows)}), column, message


@pytest.mark.parametrize("case", BAD_ROWS)
def test_one_bad_row_among_2000_writes_nothing_and_names_the_row_and_column(case, ledger_rows, client_for, alice):
    r, column, message = import_with_bad_row(case, ledger_rows, client_for(alice))
    assert r.status_code == 400
    errors = {(e.row, e.column): e.message for e in r.context["result"].errors}
    assert message in errors[(1002, column)], errors  # header is row 1, then 1,000 good rows
    assert MonthlyReport.objects.count() == 0
    page = r.content.decode()
    assert "1002" in page and column in page


@pytest.mark.parametrize("case", ["a negative amount", "a future month"])
def test_a_bad_row_alone_is_reported(case, ledger_rows, client_for, alice):
    r, column, _message = import_with_bad_row(case, ledger_rows, client_for(alice))
    assert [(e.row, e.column) for e in r.context["result"].errors] == [(1002, column)]


def test_the_good_row_before_a_bad_one_is_not_blamed(ledger_rows, client_for, alice):
    r, column, _message = import_with_bad_row("YTD not previous YTD plus this month", ledger_rows, client_for(alice))
    assert [(e.row, e.column) for e in r.context["result"].errors] == [(1002, column)]


def test_the_import_cannot_change_the_figures_of_a_locked_month(client_for, alice, zone_a):
    p = f.StartedProjectFactory(zone=zone_a, code=project_code(5))
    stored = f.MonthlyReportFactory(project=p, month=D(2024, 3, 1), this_month=100, year_to_date=200, since_start=200)
    c = client_for(alice)
    same = [p.code, "2024-03-01", 100, 200, 200, "厂房封顶", ""]
    r = c.post(reverse("monthlyreport_import"), {"file": xlsx([HEADERS, same])})
    assert r.status_code == 200 and r.context["result"].updated == 1  # the narrative may change
    changed = [p.code, "2024-03-01", 150, 250, 250, "", ""]
    r = c.post(reverse("monthlyreport_import"), {"file": xlsx([HEADERS, changed])})
    assert r.status_code == 400
    (error,) = r.context["result"].errors
    assert (error.row, error.column) == (2, "月份") and "已锁定，只能通过更正修改数字" in error.message
    stored.refresh_from_db()
    assert (stored.this_month, stored.progress) == (100, "厂房封顶")


def test_the_import_refuses_a_project_of_another_zone(client_for, alice, zone_b):
    other = f.StartedProjectFactory(zone=zone_b, code=project_code(999))
    rows = [HEADERS, [other.code, "2025-03-01", 100, 200, 200, "", ""]]
    r = client_for(alice).post(reverse("monthlyreport_import"), {"file": xlsx(rows)})
    assert r.status_code == 400
    (error,) = r.context["result"].errors
    assert (error.row, error.column) == (2, "项目") and "不在您的管辖范围" in error.message
    assert not MonthlyReport.objects.exists()


# -- a locked month --------------------------------------------------------------------------------
@pytest.fixture
def locked(zone_a):
    """March 2024 (locked since 2024-04-05): 100 this month, 200 YTD and since start."""
    p = f.StartedProjectFactory(zone=zone_a, name="石膏板项目", code=project_code(2))
    return f.MonthlyReportFactory(project=p, month=D(2024, 3, 1), this_month=100, year_to_date=200, since_start=200)


def test_a_month_long_past_is_locked_and_says_so(locked, client_for, alice):
    assert locked.is_locked and locked.lock_date == D(2024, 4, 5)
    page = client_for(alice).get(reverse("monthlyreport_detail", args=[locked.pk])).content.decode()
    assert "已于 2024年4月5日 锁定" in page and 'id="correct"' in page


def test_the_current_month_is_not_locked(zone_a):
    p = f.StartedProjectFactory(zone=zone_a)
    report = f.MonthlyReportFactory(
        project=p, month=clock.this_month(), this_month=100, year_to_date=100, since_start=100
    )
    assert not report.is_locked


def test_editing_the_figures_of_a_locked_month_is_refused(locked, client_for, alice):
    data = report_data(locked.project, month="2024-03", this_month="150", year_to_date="250", since_start="250")
    r = client_for(alice).post(reverse("monthlyreport_edit", args=[locked.pk]), data)
    assert r.status_code == 400
    assert mentions(form_errors(r)["__all__"], "2024年3月 的报表已于 2024-04-05 锁定，只能通过更正修改数字")
    locked.refresh_from_db()
    assert (locked.this_month, locked.year_to_date, locked.since_start) == (100, 200, 200)
    r = client_for(alice).patch(
        f"/api/reports/{locked.pk}/",
        {"this_month": "150", "year_to_date": "250", "since_start": "250"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "锁定" in str(r.json())
    locked.refresh_from_db()
    assert locked.this_month == 100


def test_a_locked_report_cannot_be_moved_to_another_month_or_project(locked, client_for, alice, zone_a):
    c = client_for(alice)
    data = report_data(locked.project, month="2024-04", this_month="100", year_to_date="200", since_start="200")
    r = c.post(reverse("monthlyreport_edit", args=[locked.pk]), data)
    other = f.StartedProjectFactory(zone=zone_a, name="另一项目")
    r2 = c.patch(f"/api/reports/{locked.pk}/", {"project": other.pk}, content_type="application/json")
    locked.refresh_from_db()
    assert (locked.month, locked.project_id) == (D(2024, 3, 1), data["project"])
    assert r.status_code == 400 and r2.status_code == 400


def test_the_lock_day_is_configurable(locked, settings):
    settings.KFQ_REPORT_LOCK_DAY = 10
    assert locked.lock_date == D(2024, 4, 10)


def test_the_narrative_of_a_locked_month_may_still_change(locked, client_for, alice):
    data = report_data(
        locked.project, month="2024-03", this_month="100", year_to_date="200", since_start="200", progress="厂房封顶"
    )
    assert client_for(alice).post(reverse("monthlyreport_edit", args=[locked.pk]), data).status_code == 302
    locked.refresh_from_db()
    assert locked.progress == "厂房封顶"


def test_a_correction_changes_the_figure_and_keeps_old_and_new_on_the_report_page(locked, client_for, alice):
    c = client_for(alice)
    url = reverse("monthlyreport_correct", args=[locked.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"this_month": "150", "year_to_date": "250", "since_start": "250", "reason": "统计口径调整"})
    assert r.status_code == 302
    locked.refresh_from_db()
    assert (locked.this_month, locked.year_to_date, locked.since_start) == (150, 250, 250)
    corrections = {c.field: c for c in ReportCorrection.objects.filter(report=locked)}
    assert set(corrections) == {"this_month", "year_to_date", "since_start"}
    fix = corrections["this_month"]
    assert (fix.old_value, fix.new_value, fix.reason, fix.corrected_by) == (
        Decimal("100"),
        Decimal("150"),
        "统计口径调整",
        alice,
    )
    page = c.get(reverse("monthlyreport_detail", args=[locked.pk])).content.decode()
    table = page[page.index('id="corrections"') :]
    assert "100.00" in table and "150.00" in table and "统计口径调整" in table
    change = ChangeRecord.objects.for_object(locked).get(action="update")
    assert change.reason == "统计口径调整" and change.user == alice


def test_a_correction_needs_a_reason(locked, client_for, alice):
    url = reverse("monthlyreport_correct", args=[locked.pk])
    r = client_for(alice).post(url, {"this_month": "150", "year_to_date": "250", "since_start": "250", "reason": "  "})
    assert r.status_code == 400 and "reason" in form_errors(r)
    assert "更正原因" in r.content.decode()
    locked.refresh_from_db()
    assert locked.this_month == 100 and not ReportCorrection.objects.exists()


def test_a_correction_still_keeps_the_ledger_rules(locked, client_for, alice):
    url = reverse("monthlyreport_correct", args=[locked.pk])
    data = {"this_month": "100", "year_to_date": "200", "since_start": "20000", "reason": "补录"}
    r = client_for(alice).post(url, data)
    assert r.status_code == 400 and "超过项目总投资" in r.content.decode()
    locked.refresh_from_db()
    assert locked.since_start == 200 and not ReportCorrection.objects.exists()


def test_a_correction_refused_for_its_month_shows_a_message_not_a_server_error(client_for, alice, zone_a):
    # A report filed before the project's start date was revised to a later month (see test_lifecycle).
    p = f.StartedProjectFactory(zone=zone_a, name="开工日期已更正项目", started_on=D(2024, 6, 1))
    report = f.MonthlyReportFactory(project=p, month=D(2024, 3, 1))
    url = reverse("monthlyreport_correct", args=[report.pk])
    r = client_for(alice).post(
        url, {"this_month": "150", "year_to_date": "250", "since_start": "250", "reason": "补正"}
    )
    assert r.status_code == 400 and "报告月份早于项目开工月份" in r.content.decode()


def test_the_zone_reviews_a_report(locked, client_for, alice):
    r = client_for(alice).post(reverse("monthlyreport_review", args=[locked.pk]))
    assert r.status_code == 302
    locked.refresh_from_db()
    assert (locked.status, locked.reviewed_by) == (ReportStatus.REVIEWED, alice) and locked.reviewed_at


def test_review_is_a_post(locked, client_for, alice):
    assert client_for(alice).get(reverse("monthlyreport_review", args=[locked.pk])).status_code == 405


# -- the enterprise files its own project's reports -----------------------------------------------
@pytest.fixture
def own_project(zone_a, enterprise_a):
    return f.StartedProjectFactory(zone=zone_a, enterprise=enterprise_a, name="华阳碳材项目", code=project_code(3))


@pytest.fixture
def others_project(zone_a):
    other = f.EnterpriseFactory(name="山西别家科技有限公司", zones=[zone_a])
    return f.StartedProjectFactory(zone=zone_a, enterprise=other, name="别家项目", code=project_code(4))


def current_month_data(project):
    return report_data(
        project,
        month=clock.this_month().strftime("%Y-%m"),
        this_month="100",
        year_to_date="100",
        since_start="100",
    )


def test_an_enterprise_files_a_report_for_its_own_project(own_project, client_for, enterprise_user):
    r = client_for(enterprise_user).post(reverse("monthlyreport_add"), current_month_data(own_project))
    assert r.status_code == 302
    report = MonthlyReport.objects.get(project=own_project)
    assert report.status == ReportStatus.SUBMITTED


def test_an_enterprise_files_through_the_api_too(own_project, client_for, enterprise_user):
    data = as_api(current_month_data(own_project))
    r = client_for(enterprise_user).post("/api/reports/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "submitted"


def test_an_enterprise_cannot_review(own_project, client_for, enterprise_user):
    report = f.MonthlyReportFactory(
        project=own_project,
        month=clock.this_month(),
        this_month=100,
        year_to_date=100,
        since_start=100,
    )
    r = client_for(enterprise_user).post(reverse("monthlyreport_review", args=[report.pk]), follow=True)
    assert "报表由开发区审核" in r.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.reviewed_by is None
    page = client_for(enterprise_user).get(reverse("monthlyreport_detail", args=[report.pk])).content.decode()
    assert 'id="review"' not in page


def test_an_enterprise_cannot_change_a_reviewed_report(own_project, client_for, enterprise_user, alice):
    report = f.MonthlyReportFactory(
        project=own_project,
        month=clock.this_month(),
        this_month=100,
        year_to_date=100,
        since_start=100,
    )
    client_for(alice).post(reverse("monthlyreport_review", args=[report.pk]))
    data = {**current_month_data(own_project), "progress": "企业自改"}
    r = client_for(enterprise_user).post(reverse("monthlyreport_edit", args=[report.pk]), data)
    assert r.status_code == 400 and "报表已审核，企业不能再修改" in r.content.decode()
    report.refresh_from_db()
    assert report.progress != "企业自改"


def test_an_enterprise_cannot_correct_a_locked_month(own_project, client_for, enterprise_user):
    report = f.MonthlyReportFactory(project=own_project)
    url = reverse("monthlyreport_correct", args=[report.pk])
    r = client_for(enterprise_user).post(
        url, {"this_month": "150", "year_to_date": "250", "since_start": "250", "reason": "企业更正"}
    )
    assert r.status_code == 403
    report.refresh_from_db()
    assert report.this_month == 100


def test_an_enterprise_cannot_see_another_enterprises_project(own_project, others_project, client_for, enterprise_user):
    c = client_for(enterprise_user)
    assert c.get(reverse("project_detail", args=[others_project.pk])).status_code == 404
    assert c.get(f"/api/projects/{others_project.pk}/").status_code == 404
    listed = [p.pk for p in c.get(reverse("project_list")).context["page"].object_list]
    assert listed == [own_project.pk]
    report = f.MonthlyReportFactory(project=others_project)
    assert c.get(reverse("monthlyreport_detail", args=[report.pk])).status_code == 404
    assert c.post(reverse("monthlyreport_review", args=[report.pk])).status_code == 404


def test_an_enterprise_cannot_file_for_another_enterprises_project(others_project, client_for, enterprise_user):
    c = client_for(enterprise_user)
    r = c.post(reverse("monthlyreport_add"), current_month_data(others_project))
    assert r.status_code == 400 and "project" in form_errors(r)
    r = c.post("/api/reports/", as_api(current_month_data(others_project)), content_type="application/json")
    assert r.status_code == 400 and "project" in r.json()
    assert not MonthlyReport.objects.exists()
