"""One write path per record kind: the same rule-breaking record sent through the page form, the API and
the Excel import gets the same refusal from each — the same Chinese message, under the same field (the
form field, the API's key, the import's column) — and nothing is written.

Each case builds one good record, then tries to change one field of it to a value a rule refuses, the way a
user would: the edit page as it is filled in, a PATCH of that field, and the list's own Excel export with that
one cell changed and imported back."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
from collections.abc import Callable

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.core.views import REGISTRY
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.xlsx import api_prefix, post_import

D = datetime.date
pytestmark = pytest.mark.django_db


@dataclasses.dataclass
class Case:
    build: Callable  # (fixtures) -> the stored record
    user: str  # the fixture of the user who tries
    field: str
    value: object  # the refused value: a date, a number, a model (its pk for the form and the API)
    message: str  # the refusal, as every path must word it
    cell: object = None  # the import's cell when it differs from how the export writes ``value``
    changes: dict = dataclasses.field(default_factory=dict)  # other fields changed with it (all paths)
    at: str | None = None  # the field the refusal names, when not the one changed


def _project(fx):
    return f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000101", signed_on=D(2025, 5, 10))


def _report(fx):
    """Last month's and this month's reports (this month's is not locked yet)."""
    month = clock.this_month()
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    project = f.StartedProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000102", started_on=last)
    f.MonthlyReportFactory(project=project, month=last, this_month=300, year_to_date=300, since_start=300)
    ytd = 200 if month.month == 1 else 500
    return f.MonthlyReportFactory(project=project, month=month, this_month=200, year_to_date=ytd, since_start=500)


def _report_message(fx):
    last = clock.this_month() - datetime.timedelta(days=1)
    return f"开工至报告期累计应等于{last.year}年{last.month}月累计 300"


def _meeting(fx):
    return f.DispatchMeetingFactory(zone=fx.zone_a, title="四季度重点项目调度会", held_on=D(2025, 10, 20))


def _other_zone_project(fx):
    neighbour = f.ZoneFactory(name="大同经济技术开发区", city=fx.city_a)  # the city user's too
    return f.ProjectFactory(zone=neighbour, name="大同氢能重卡项目", code="2024-140213-36-03-000103")


def _lead(fx):
    return f.LeadFactory(zone=fx.zone_a, company="北京中科新材料有限公司", first_contact_on=D(2025, 6, 1))


def _procedure(fx):
    clock.seed_calendar()
    project = f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000104")
    return f.ProcedureFactory(project=project, type=f.ProcedureTypeFactory(name="建设工程规划许可"))


def _pause(fx):
    return f.PauseFactory(procedure=_procedure(fx), paused_on=D(2025, 10, 10), resumed_on=D(2025, 10, 20))


def _commitment(fx):
    clock.seed_calendar()
    return f.CommitmentFactory(procedure__project=f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000105"))


def _bundle(fx):
    return f.BundleFactory(project=f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000106"), name="六证同发")


def _problem(fx):
    project = f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000107")
    return f.ProblemFactory(project=project, raised_on=D(2025, 3, 1), deadline=D(2025, 4, 1))


def _suspension(fx):
    project = f.StartedProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000108")
    return f.SuspensionFactory(project=project, suspended_on=D(2024, 12, 1), resumed_on=D(2025, 3, 1))


def _holiday(fx):
    clock.seed_calendar()
    from kaifaqu.approvals.models import Holiday

    return Holiday.objects.filter(kind="off", date__year=2025).order_by("date").first()


def _trip(fx):
    return f.TripFactory(zone=fx.zone_a, destination="深圳", start_on=D(2025, 5, 6), end_on=D(2025, 5, 9))


def _follow_up(fx):
    return f.FollowUpFactory(lead=_lead(fx), date=D(2025, 6, 3))


def _service_log(fx):
    project = f.ProjectFactory(zone=fx.zone_a, code="2024-140211-36-03-000109")
    return f.ServiceLogFactory(project=project, served_on=D(2025, 5, 1))


CASES = {
    # a later milestone earlier than the one before it
    "project": Case(_project, "alice", "started_on", D(2025, 4, 1), "开工日期不能早于签约日期"),
    # the month's cumulative figure does not add up with the month before
    "monthlyreport": Case(_report, "alice", "since_start", decimal.Decimal("520"), _report_message),
    # a city user links a project of another of the city's zones
    "dispatchmeeting": Case(_meeting, "city_user", "projects", _other_zone_project, "不属于该开发区"),
    # the zone's lead on another zone's industry chain
    "lead": Case(
        _lead,
        "province_user",
        "chain",
        lambda fx: f.IndustryChainFactory(zone=fx.zone_b, name="平鲁风电装备产业链"),
        "产业链不属于该开发区",
    ),
    "procedure": Case(
        _procedure,
        "alice",
        "completed_on",
        D(2025, 9, 1),
        "办结日期不能早于受理日期",
    ),
    "procedurepause": Case(_pause, "alice", "resumed_on", D(2025, 10, 5), "恢复日期应晚于暂停日期"),
    "commitment": Case(
        _commitment, "alice", "status", "verified", "核验结果须填写核验日期", cell="已履约", at="checked_on"
    ),
    "bundle": Case(_bundle, "alice", "status", "issued", "至少", cell="已同发"),
    "problem": Case(_problem, "alice", "deadline", D(2025, 2, 1), "办结时限不能早于提出日期"),
    # 解决日期 before 提出日期 (a named constraint, as the deadline's)
    "problem-resolved": Case(_problem, "alice", "resolved_on", D(2025, 2, 20), "解决日期不能早于提出日期"),
    # the planned milestones in order, as the actual ones
    "project-planned": Case(
        _project,
        "alice",
        "planned_start_on",
        D(2025, 5, 1),
        "计划开工日期不能早于计划签约日期",
        changes={"planned_sign_on": D(2025, 6, 1)},
    ),
    "project-planned-capacity": Case(
        _project,
        "alice",
        "planned_capacity_on",
        D(2026, 3, 1),
        "计划达效日期不能早于计划投产日期",
        changes={"planned_production_on": D(2026, 6, 1)},
    ),
    "suspension": Case(_suspension, "alice", "resumed_on", D(2024, 11, 1), "复工日期不能早于停工日期"),
    "holiday": Case(_holiday, "province_user", "kind", "worked", "调休上班只能登记在周六或周日", cell="调休上班"),
    "trip": Case(_trip, "alice", "end_on", D(2025, 5, 1), "返回日期不能早于出发日期"),
    "followup": Case(_follow_up, "alice", "date", lambda fx: clock.days_from_today(2), "跟进日期不能晚于今天"),
    "servicelog": Case(_service_log, "alice", "served_on", lambda fx: clock.days_from_today(2), "日期不能晚于今天"),
}


class Fixtures:
    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


def _resolve(value, fx):
    return value(fx) if callable(value) else value


def _form_value(value):
    if hasattr(value, "pk"):
        return value.pk
    return value.isoformat() if isinstance(value, datetime.date) else value


def _posted(form) -> dict:
    """What the browser posts from the edit page as it is filled in (the form's current values)."""
    out = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == []:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [_form_value(v) for v in value]
        else:
            value = _form_value(value)
        out[name] = value
    return out


def _refusal_by_form(client, slug, record, field, value, changes):
    r = client.get(reverse(f"{slug}_edit", args=[record.pk]))
    assert r.status_code == 200, r.status_code
    data = _posted(r.context["form"])
    data.update({k: _form_value(v) for k, v in changes.items()})
    data[field] = [_form_value(v) for v in value] if isinstance(value, list) else _form_value(value)
    r = client.post(reverse(f"{slug}_edit", args=[record.pk]), data)
    assert r.status_code == 400, (slug, r.status_code)
    return {name: [str(m) for m in messages] for name, messages in r.context["form"].errors.items()}


def _refusal_by_api(client, slug, record, field, value, changes):
    body = {k: _form_value(v) for k, v in changes.items()}
    body[field] = [_form_value(v) for v in value] if isinstance(value, list) else _form_value(value)
    if isinstance(body[field], decimal.Decimal):
        body[field] = str(body[field])
    r = client.patch(f"/api/{api_prefix(slug)}/{record.pk}/", body, content_type="application/json")
    assert r.status_code == 400, (slug, r.status_code, r.content[:300])
    return r.json()


def reimport(client, record, cells: dict):
    """Export the list ``record`` is on, change ``cells`` ({field: cell value}) in its row and import the file
    back, as a user edits a ledger in Excel: (status, {field: header}, row number, [(row, column, message)])."""
    resource = REGISTRY[type(record)]
    slug = resource.slug()
    sheet = resource.sheet_class(None)
    header = {c.field: c.header for c in sheet.columns}
    r = client.get(reverse(f"{slug}_list"), {"export": "xlsx"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.active
    headers = [c.value for c in ws[1]]
    rows = [row for row in ws.iter_rows(min_row=2) if any(c.value is not None for c in row)]
    key = [_same(v) for v in _key_cells(sheet, record)]
    (row,) = [row for row in rows if all(k in [_same(c.value) for c in row] for k in key)]
    for name, value in cells.items():
        row[headers.index(header[name])].value = value
    buf = io.BytesIO()
    wb.save(buf)
    status, errors = post_import(client, slug, buf.getvalue(), api=False)
    return status, header, row[0].row, errors


def _key_cells(sheet, record):
    """How the export writes the record's key columns (to find its row)."""
    by_field = {c.field: c for c in sheet.columns}
    return [by_field[name].render(record) for name in sheet.key if name in by_field]


def _same(value) -> str:
    """A cell value and the export's rendering of it, compared as text (a date cell reads back as a datetime)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        value = decimal.Decimal(str(value)).normalize()
    return str(value)


def _cell(value):
    if hasattr(value, "pk"):
        from kaifaqu.projects.models import Project

        return value.code if isinstance(value, Project) else str(value)
    if isinstance(value, list):
        return "\n".join(_cell(v) for v in value)
    return value


def _stored(record):
    record = type(record)._default_manager.get(pk=record.pk)
    return model_to_dict(record)


@pytest.mark.parametrize("kind", CASES)
def test_the_same_bad_record_gets_the_same_refusal_from_form_api_and_import(kind, request, client_for):
    case = CASES[kind]
    fx = Fixtures(request)
    record = case.build(fx)
    value = _resolve(case.value, fx)
    changes = {k: _resolve(v, fx) for k, v in case.changes.items()}
    if case.field == "projects":  # a many-to-many field: the list of linked records
        value = [value]
    client = client_for(getattr(fx, case.user))
    slug = type(record)._meta.model_name
    before = _stored(record)

    by_form = _refusal_by_form(client, slug, record, case.field, value, changes)
    by_api = _refusal_by_api(client, slug, record, case.field, value, changes)
    cell = case.cell if case.cell is not None else _cell(value)
    cells = {**{k: _cell(v) for k, v in changes.items()}, case.field: cell}
    status, header, row, by_import = reimport(client, record, cells)
    assert status == 400, (kind, "import", status)

    at = case.at or case.field
    message = _resolve(case.message, fx)
    refusal = by_form.get(at, [])
    assert [m for m in refusal if message in m], (kind, "form", by_form)
    assert by_api.get(at) == refusal, (kind, "api", by_api)
    assert [m for r, c, m in by_import if (r, c) == (row, header[at])] == refusal, (kind, "import", by_import)
    assert _stored(record) == before  # nothing written by any of the three


# -- the import bypasses of the services' rules (each wrote what the page refuses) ------------------------
def test_a_project_import_cannot_cut_investment_below_the_reports_or_move_the_start_past_them(client_for, alice):
    project = f.StartedProjectFactory(
        zone=alice.zone, code="2024-140211-36-03-000201", total_investment=10000, started_on=D(2025, 8, 1)
    )
    f.MonthlyReportFactory(project=project, month=D(2025, 9, 1), this_month=5000, year_to_date=5000, since_start=5000)
    before = _stored(project)
    status, header, row, errors = reimport(
        client_for(alice), project, {"total_investment": 100, "started_on": "2025-12-01"}
    )
    assert status == 400
    assert {(r, c) for r, c, _m in errors} == {(row, header["total_investment"]), (row, header["started_on"])}
    assert all("须填写原因，Excel 导入不能修改" in m for _r, _c, m in errors)
    assert _stored(project) == before


def test_an_enterprise_cannot_change_a_report_the_zone_reviewed_by_import(client_for, alice, enterprise_user):
    project = f.StartedProjectFactory(
        zone=alice.zone, enterprise=enterprise_user.enterprise, code="2024-140211-36-03-000202"
    )
    report = f.MonthlyReportFactory(
        project=project, month=clock.this_month(), this_month=100, year_to_date=100, since_start=100
    )
    assert client_for(alice).post(reverse("monthlyreport_review", args=[report.pk])).status_code == 302
    status, _header, row, errors = reimport(client_for(enterprise_user), report, {"progress": "企业自改"})
    assert status == 400
    assert [(r, m) for r, _c, m in errors] == [(row, "报表已审核，企业不能再修改；请联系开发区")]
    report.refresh_from_db()
    assert report.progress != "企业自改"


def test_imported_leads_are_matched_by_name_as_saved_ones_are(client_for, alice, zone_b, province_user):
    from kaifaqu.promotion import stats
    from kaifaqu.promotion.models import Lead

    elsewhere = f.LeadFactory(zone=zone_b, company="北京中科新材料有限公司")
    ours = f.LeadFactory(zone=alice.zone, company="山西示范招商线索有限公司")
    c = client_for(alice)
    for company in ("北京中科新材料（集团）有限公司", "上海微电子装备股份有限公司"):  # a new lead per import
        status, *_rest, errors = reimport(c, ours, {"company": company, "credit_code": None})
        assert status == 200, errors
    imported = Lead.objects.get(zone=alice.zone, company="北京中科新材料（集团）有限公司")
    groups = stats.overlaps(Lead.objects.all())
    assert [sorted(lead.pk for lead in g["leads"]) for g in groups] == [sorted([elsewhere.pk, imported.pk])]


def test_starting_a_project_by_import_lands_its_signed_lead(client_for, alice):
    from kaifaqu.promotion.models import Agreement, LeadStage
    from kaifaqu.promotion.services import sign

    lead = f.LeadFactory(zone=alice.zone, company="山西华阳新能源有限公司", first_contact_on=D(2025, 3, 1))
    sign(Agreement(lead=lead, kind="formal", signed_on=D(2025, 5, 1), amount=30000))
    lead.refresh_from_db()
    assert lead.stage == LeadStage.SIGNED and lead.project_id
    status, *_rest, errors = reimport(client_for(alice), lead.project, {"started_on": "2025-06-18"})
    assert status == 200, errors
    lead.refresh_from_db()
    assert lead.stage == LeadStage.LANDED
