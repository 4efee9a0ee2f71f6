"""Procedures on working-day clocks (domain.md, "Approvals and agency service"): bad input is refused
with a Chinese message naming the field, and nothing is written, through the page form, the API and
the Excel import; the stored due date follows the holiday calendar and pauses; overdue and due-soon
procedures are listed; a project's compression (seed 002: 9 procedures, 27 working days, 46 saved →
63.0%); the holiday calendar is maintained by the province for years the package does not cover."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kaifaqu.approvals import calendar as holiday_calendar
from kaifaqu.approvals import services
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import CalendarYear, Holiday, Procedure, ProcedurePause, ProcedureType
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
CODE = "2024-140200-36-03-000001"
FIRE = "消防设计审查"  # 15 working days, no 承诺制
EIA = "环境影响评价审批（报告书）"  # 60 calendar days
FILING = "企业投资项目备案"  # 3 working days, 承诺制 allowed
CERT = "云冈消审字〔2025〕第001号"


@pytest.fixture(autouse=True)
def catalogue_and_calendar(db):
    clock.seed_calendar()
    load_defaults()


@pytest.fixture
def project(zone_a, enterprise_a):
    return f.ProjectFactory(zone=zone_a, enterprise=enterprise_a, name="碳纤维一期", code=CODE)


@pytest.fixture
def agent_b(zone_b):
    return f.UserFactory(username="pinglu_daiban", role="agent", zone=zone_b)


@pytest.fixture
def lead(zone_a):
    return f.UserFactory(username="lingban", role="agent", agent_rank="lead", zone=zone_a)


@pytest.fixture
def in_march_2027(_frozen_clock):
    """Today is 2027-03-01: 2027 has begun but nobody has entered its holiday arrangement yet."""
    _frozen_clock.move_to(clock.frozen_moment(D(2027, 3, 1)))
    clock.drop_calendar_from(2027)


@pytest.fixture
def in_december_2026(_frozen_clock):
    """Today is 2026-12-01 and 2027's arrangement is not published yet."""
    _frozen_clock.move_to(clock.frozen_moment(D(2026, 12, 1)))
    clock.drop_calendar_from(2027)


def ptype(name) -> ProcedureType:
    return ProcedureType.objects.get(name=name)


def make(project, type_name=FIRE, **kw) -> Procedure:
    """A procedure saved as every path saves it (the post_save signal stores the clock)."""
    p = Procedure.objects.create(project=project, type=ptype(type_name), **kw)
    p.refresh_from_db()
    return p


def workdays_before(today, n) -> datetime.date:
    """The latest day d with exactly n working days in (d, today]."""
    cal = holiday_calendar.current()
    day = today
    while cal.count_workdays(day, today) < n:
        day -= datetime.timedelta(days=1)
    return day


def mentions(messages, expected) -> bool:
    expected = expected if isinstance(expected, tuple) else (expected,)
    return any(e in str(m) for m in messages for e in expected)


def form_errors(response) -> dict:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


def form_data(project, **changes) -> dict:
    data = {
        "project": project.pk,
        "type": ptype(FIRE).pk,
        "mode": "regular",
        "applied_on": "",
        "accepted_on": "2025-09-30",
        "completed_on": "",
        "certificate_no": "",
        "agent": "",
        "lead_agent": "",
        "bundle": "",
        "notes": "",
    }
    data.update(changes)
    return data


def api_data(project, **changes) -> dict:
    text = ("mode", "certificate_no", "notes")
    return {k: (None if v == "" and k not in text else v) for k, v in form_data(project, **changes).items()}


# -- bad procedures: the page form and the API ---------------------------------------------------------
# case: (changes, user fixture, field, message)
BAD = {
    "completion before acceptance": (
        {"completed_on": "2025-09-29"},
        "alice",
        "completed_on",
        "办结日期不能早于受理日期",
    ),
    "completion without acceptance": (
        {"accepted_on": "", "completed_on": "2025-10-20"},
        "alice",
        "completed_on",
        "未受理的事项不能办结",
    ),
    "a future date": (
        {"accepted_on": lambda: str(clock.days_from_today(1))},
        "alice",
        "accepted_on",
        "日期不能晚于今天",
    ),
    "a year the calendar does not cover": (
        {"accepted_on": "2023-06-01"},
        "alice",
        "accepted_on",
        "2023年的节假日安排尚未录入",
    ),
    "a duplicate certificate number": (
        {"certificate_no": CERT, "completed_on": "2025-10-20"},
        "alice",
        "certificate_no",
        ("该证照编号已登记", "具有 证照编号 的 审批手续 已存在"),  # the API words it as DRF does
    ),
    "承诺制 for a type that does not allow it": ({"mode": "commitment"}, "alice", "mode", "该事项不能实行承诺制"),
    "an agent of another zone (province user, who sees every agent)": (
        {"agent": "agent_b"},
        "province_user",
        "agent",
        "应选择本开发区代办中心的人员",
    ),
    "a zone user who is not an agent": (
        {"agent": "bob"},
        "alice",
        "agent",
        ("应选择本开发区代办中心的人员", "选择一个有效的选项"),  # the form does not even offer him
    ),
    "a plain agent as lead agent": ({"lead_agent": "agent"}, "alice", "lead_agent", "应选择领办员"),
}


def bad_case(case, project, request):
    changes, user, field, message = BAD[case]
    changes = clock.resolved(dict(changes))
    for name in ("agent", "lead_agent"):
        if name in changes:
            changes[name] = request.getfixturevalue(changes[name]).pk
    if case == "a duplicate certificate number":
        make(project, EIA, accepted_on=D(2025, 3, 3), completed_on=D(2025, 4, 1), certificate_no=CERT)
    return changes, request.getfixturevalue(user), field, message


def error_for(errors: dict, field: str, message: str) -> bool:
    """The message sits on the field, or on the whole record where it names the field itself."""
    if mentions(errors.get(field, []), message):
        return True
    return any(mentions(errors.get(k, []), message) for k in ("__all__", "non_field_errors"))


@pytest.mark.parametrize("case", BAD)
def test_the_page_form_refuses_a_bad_procedure_and_writes_nothing(case, project, client_for, request):
    changes, user, field, message = bad_case(case, project, request)
    before = Procedure.objects.count()
    r = client_for(user).post(reverse("procedure_add"), form_data(project, **changes))
    assert r.status_code == 400
    errors = form_errors(r)
    assert error_for(errors, field, message), errors
    assert Procedure.objects.count() == before


@pytest.mark.parametrize("case", BAD)
def test_the_api_refuses_a_bad_procedure_and_writes_nothing(case, project, client_for, request):
    changes, user, field, message = bad_case(case, project, request)
    before = Procedure.objects.count()
    r = client_for(user).post("/api/procedures/", api_data(project, **changes), content_type="application/json")
    assert r.status_code == 400, r.content
    assert error_for(r.json(), field, message), r.json()
    assert Procedure.objects.count() == before


def test_an_agent_of_another_zone_is_not_even_offered_to_a_zone_user(project, client_for, alice, agent_b):
    c = client_for(alice)
    r = c.post(reverse("procedure_add"), form_data(project, agent=agent_b.pk))
    assert r.status_code == 400 and form_errors(r)["agent"]
    assert "选择" in form_errors(r)["agent"][0]  # Django's Chinese "选择一个有效的选项"
    r = c.post("/api/procedures/", api_data(project, agent=agent_b.pk), content_type="application/json")
    assert r.status_code == 400 and "对象不存在" in r.json()["agent"][0]
    assert not Procedure.objects.exists()


def test_a_good_procedure_through_the_form_and_the_api(project, client_for, alice, agent, lead):
    c = client_for(alice)
    r = c.post(reverse("procedure_add"), form_data(project, agent=agent.pk, lead_agent=lead.pk, certificate_no=""))
    assert r.status_code == 302, form_errors(r)
    data = api_data(project, type=ptype(FILING).pk, mode="commitment", accepted_on="2025-09-30")
    r = c.post("/api/procedures/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    # Two procedures without a certificate number yet do not collide (the uniqueness is for numbers given).
    assert Procedure.objects.filter(certificate_no="").count() == 2


# -- 2027: a year without a holiday arrangement ----------------------------------------------------------
CALENDAR_2027 = "2027年的节假日安排尚未录入"


def test_in_december_2026_a_2027_date_is_refused_as_a_future_date(project, client_for, alice, in_december_2026):
    r = client_for(alice).post(reverse("procedure_add"), form_data(project, accepted_on="2027-02-01"))
    assert r.status_code == 400 and mentions(form_errors(r)["accepted_on"], "日期不能晚于今天")


def test_in_2027_without_its_calendar_the_form_and_api_refuse_2027_dates(project, client_for, alice, in_march_2027):
    c = client_for(alice)
    r = c.post(reverse("procedure_add"), form_data(project, accepted_on="2027-02-01"))
    assert r.status_code == 400
    assert mentions(form_errors(r)["accepted_on"], CALENDAR_2027), form_errors(r)
    r = c.post("/api/procedures/", api_data(project, accepted_on="2027-02-01"), content_type="application/json")
    assert r.status_code == 400 and mentions(r.json()["accepted_on"], CALENDAR_2027), r.json()
    # The completion date alone in 2027 is named too.
    r = c.post(
        "/api/procedures/",
        api_data(project, accepted_on="2026-12-01", completed_on="2027-01-05"),
        content_type="application/json",
    )
    assert r.status_code == 400 and mentions(r.json()["completed_on"], CALENDAR_2027), r.json()
    assert not Procedure.objects.exists()


# -- the Excel import ----------------------------------------------------------------------------------
HEADERS = ["项目", "审批事项", "办理方式", "申报日期", "受理日期", "办结日期", "证照编号", "代办员", "领办员"]


def xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "手续台账.xlsx"
    return buf


def row(**changes) -> list:
    values = {
        "项目": CODE,
        "审批事项": FIRE,
        "办理方式": "常规",
        "申报日期": "2025-09-29",
        "受理日期": "2025-09-30",
        "办结日期": "",
        "证照编号": "",
        "代办员": "daiban",
        "领办员": "",
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def good_rows():
    return [
        row(),
        row(**{"审批事项": "节能审查", "办理方式": "承诺制", "受理日期": "2025-10-09", "申报日期": ""}),
    ]


def test_a_good_sheet_is_imported_with_its_clocks(project, client_for, alice, agent):
    r = client_for(alice).post(reverse("procedure_import"), {"file": xlsx([HEADERS, *good_rows()])})
    assert r.status_code == 200, r.context["result"].errors
    assert r.context["result"].created == 2
    fire = Procedure.objects.get(type__name=FIRE)
    assert (fire.agent, fire.due_on) == (agent, D(2025, 10, 28))


# case: (changes to the third row, column, message)
BAD_IMPORT = {
    "completion before acceptance": ({"办结日期": "2025-09-29"}, "办结日期", "办结日期不能早于受理日期"),
    "a duplicate certificate number": ({"证照编号": CERT, "办结日期": "2025-10-20"}, "证照编号", "该证照编号已登记"),
    "an unknown procedure type": ({"审批事项": "不存在的审批事项"}, "审批事项", "不存在"),
    "an unknown agent": ({"代办员": "nobody"}, "代办员", "不存在"),
    "an agent of another zone": ({"代办员": "pinglu_daiban"}, "代办员", "不存在或不在您的管辖范围"),
    "承诺制 for a type that does not allow it": ({"办理方式": "承诺制"}, "办理方式", "该事项不能实行承诺制"),
    "a year the calendar does not cover": ({"受理日期": "2023-06-01", "申报日期": ""}, "受理日期", "2023年的节假日"),
}


@pytest.mark.parametrize("case", BAD_IMPORT)
def test_the_import_refuses_a_bad_row_naming_row_and_column_and_writes_nothing(
    case, project, client_for, alice, agent, agent_b
):
    changes, column, message = BAD_IMPORT[case]
    existing = make(project, EIA, accepted_on=D(2025, 3, 3), completed_on=D(2025, 4, 1), certificate_no=CERT)
    third = row(**{"审批事项": "取水许可", **changes})
    r = client_for(alice).post(reverse("procedure_import"), {"file": xlsx([HEADERS, *good_rows(), third])})
    assert r.status_code == 400
    errors = [(e.row, e.column, e.message) for e in r.context["result"].errors]
    assert any(e[:2] == (4, column) and message in e[2] for e in errors), errors
    assert list(Procedure.objects.all()) == [existing]
    assert column in r.content.decode() and message in r.content.decode()


def test_in_2027_without_its_calendar_the_import_refuses_2027_dates(project, client_for, alice, agent, in_march_2027):
    third = row(**{"审批事项": "取水许可", "申报日期": "", "受理日期": "2027-02-01"})
    r = client_for(alice).post(reverse("procedure_import"), {"file": xlsx([HEADERS, *good_rows(), third])})
    assert r.status_code == 400
    errors = [(e.row, e.column, e.message) for e in r.context["result"].errors]
    assert any(e[:2] == (4, "受理日期") and CALENDAR_2027 in e[2] for e in errors), errors
    assert not Procedure.objects.exists()


# -- pauses and resuming -------------------------------------------------------------------------------
@pytest.fixture
def accepted(project):
    """消防设计审查 accepted 2025-09-30: due 2025-10-28."""
    return make(project, FIRE, accepted_on=D(2025, 9, 30))


@pytest.fixture
def completed(project):
    """消防设计审查 accepted 2025-09-30, completed 2025-10-20."""
    return make(project, FIRE, accepted_on=D(2025, 9, 30), completed_on=D(2025, 10, 20))


def pause_data(procedure, paused_on, resumed_on="", reason="expert", note="专家评审"):
    return {"procedure": procedure.pk, "paused_on": paused_on, "resumed_on": resumed_on, "reason": reason, "note": note}


# case: (procedure fixture, existing pause or None, new pause (paused_on, resumed_on), field, message)
BAD_PAUSES = {
    "before acceptance": ("accepted", None, ("2025-09-29", "2025-10-13"), "paused_on", "暂停日期应晚于受理日期"),
    "on the day of acceptance": ("accepted", None, ("2025-09-30", "2025-10-13"), "paused_on", "应晚于受理日期"),
    "beyond the completion": ("completed", None, ("2025-10-13", "2025-10-24"), "resumed_on", "暂停不能超出办理期间"),
    "still open after the completion": ("completed", None, ("2025-10-13", ""), "resumed_on", "暂停不能超出办理期间"),
    "starting after the completion": (
        "completed",
        None,
        ("2025-10-21", "2025-10-24"),
        "paused_on",
        "暂停不能超出办理期间",
    ),
    "overlapping another": (
        "accepted",
        ("2025-10-13", "2025-10-20"),
        ("2025-10-15", "2025-10-22"),
        "paused_on",
        "重叠",
    ),
    "inside an open pause": ("accepted", ("2025-10-13", ""), ("2025-10-20", "2025-10-22"), "paused_on", "重叠"),
    "resumed before it paused": (
        "accepted",
        None,
        ("2025-10-13", "2025-10-10"),
        "resumed_on",
        "恢复日期应晚于暂停日期",
    ),
}


def bad_pause(case, request):
    fixture, existing, (paused_on, resumed_on), field, message = BAD_PAUSES[case]
    procedure = request.getfixturevalue(fixture)
    if existing:
        ProcedurePause.objects.create(
            procedure=procedure,
            paused_on=D.fromisoformat(existing[0]),
            resumed_on=D.fromisoformat(existing[1]) if existing[1] else None,
            reason="testing",
        )
    return procedure, pause_data(procedure, paused_on, resumed_on), field, message


@pytest.mark.parametrize("case", BAD_PAUSES)
def test_the_pause_form_refuses_a_bad_pause(case, client_for, alice, request):
    procedure, data, field, message = bad_pause(case, request)
    procedure.refresh_from_db()
    before = (ProcedurePause.objects.count(), procedure.due_on)
    r = client_for(alice).post(reverse("procedurepause_add"), data)
    assert r.status_code == 400
    assert error_for(form_errors(r), field, message), form_errors(r)
    procedure.refresh_from_db()
    assert (ProcedurePause.objects.count(), procedure.due_on) == before


@pytest.mark.parametrize("case", BAD_PAUSES)
def test_the_api_refuses_a_bad_pause(case, client_for, alice, request):
    procedure, data, field, message = bad_pause(case, request)
    procedure.refresh_from_db()
    before = (ProcedurePause.objects.count(), procedure.due_on)
    data = {k: (v or None) for k, v in data.items()}
    r = client_for(alice).post("/api/pauses/", data, content_type="application/json")
    assert r.status_code == 400, r.content
    assert error_for(r.json(), field, message), r.json()
    procedure.refresh_from_db()
    assert (ProcedurePause.objects.count(), procedure.due_on) == before


def follow_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_resuming_a_procedure_that_is_not_paused_is_refused(accepted, client_for, alice):
    r = client_for(alice).post(
        reverse("procedure_resume", args=[accepted.pk]), {"resumed_on": "2025-10-20"}, follow=True
    )
    assert r.status_code == 200
    assert any("当前未暂停" in m for m in follow_messages(r)), follow_messages(r)
    assert not ProcedurePause.objects.exists()


def test_resuming_with_a_bad_date_format_is_refused(accepted, client_for, alice):
    ProcedurePause.objects.create(procedure=accepted, paused_on=D(2025, 10, 13), reason="expert")
    r = client_for(alice).post(
        reverse("procedure_resume", args=[accepted.pk]), {"resumed_on": "20.10.2025"}, follow=True
    )
    assert any("恢复日期格式" in m for m in follow_messages(r))
    assert ProcedurePause.objects.get().resumed_on is None


def test_resuming_before_the_pause_began_is_refused_with_a_message(accepted, client_for, alice):
    ProcedurePause.objects.create(procedure=accepted, paused_on=D(2025, 10, 13), reason="expert")
    c = client_for(alice)
    c.raise_request_exception = False
    r = c.post(reverse("procedure_resume", args=[accepted.pk]), {"resumed_on": "2025-10-10"}, follow=True)
    assert r.status_code == 200
    assert any("恢复日期应晚于暂停日期" in m for m in follow_messages(r)), follow_messages(r)
    assert ProcedurePause.objects.get().resumed_on is None


def test_pausing_and_resuming_move_the_due_date(accepted, client_for, alice):
    assert accepted.due_on == D(2025, 10, 28)
    c = client_for(alice)
    r = c.post(reverse("procedurepause_add"), pause_data(accepted, "2025-10-13"))
    assert r.status_code == 302, form_errors(r)
    assert ProcedurePause.objects.get().resumed_on is None
    r = c.post(reverse("procedure_resume", args=[accepted.pk]), {"resumed_on": "2025-10-20"}, follow=True)
    assert any("已恢复计时" in m for m in follow_messages(r))
    accepted.refresh_from_db()
    # 10-13 … 10-17 (five working days) are not counted: 10-28 plus five working days.
    assert accepted.due_on == D(2025, 11, 4)
    ProcedurePause.objects.get().delete()
    accepted.refresh_from_db()
    assert accepted.due_on == D(2025, 10, 28)


def test_a_procedure_with_an_open_pause_is_paused_not_in_error(accepted, client_for, alice):
    ProcedurePause.objects.create(procedure=accepted, paused_on=D(2025, 10, 13), reason="expert")
    accepted.refresh_from_db()
    assert accepted.clock_error == ""
    assert services.clock(accepted).status == "paused"
    r = client_for(alice).get(reverse("procedure_list") + "?status=paused")
    assert [p.pk for p in r.context["page"].object_list] == [accepted.pk]


def test_a_pause_through_the_api_moves_the_due_date(accepted, client_for, alice):
    data = {"procedure": accepted.pk, "paused_on": "2025-10-13", "resumed_on": "2025-10-20", "reason": "hearing"}
    r = client_for(alice).post("/api/pauses/", data, content_type="application/json")
    assert r.status_code == 201, r.content
    accepted.refresh_from_db()
    assert accepted.due_on == D(2025, 11, 4)


# -- clocks ----------------------------------------------------------------------------------------------
def test_fifteen_working_days_from_2025_09_30_are_due_2025_10_28(project, client_for, alice):
    r = client_for(alice).post(reverse("procedure_add"), form_data(project))
    assert r.status_code == 302, form_errors(r)
    p = Procedure.objects.get()
    assert p.due_on == D(2025, 10, 28)  # stored by the signal: National Day off, Saturday 10-11 worked
    assert p.days_used is None and p.clock_error == ""
    r = client_for(alice).get(reverse("procedure_detail", args=[p.pk]))
    assert "2025-10-28" in r.content.decode()


def test_completion_stores_the_days_used_and_the_compression(project):
    p = make(project, FIRE, accepted_on=D(2025, 9, 30), completed_on=D(2025, 10, 20))
    assert p.days_used == 9  # 10-09, 10, 11 (worked Saturday), 13 … 17, 20
    c = services.clock(p)
    assert (c.status, c.saved, c.compression) == ("done", 6, Decimal("40.0"))
    late = make(project, "竣工验收备案", accepted_on=D(2025, 9, 30), completed_on=D(2025, 10, 20))
    assert services.clock(late).status == "done_late"


def test_a_calendar_day_limit_ending_on_a_holiday_ends_on_the_next_working_day(project):
    # 60 calendar days after 2025-08-02 is 2025-10-01 (National Day) → 2025-10-09.
    assert make(project, EIA, accepted_on=D(2025, 8, 2)).due_on == D(2025, 10, 9)


HOLIDAY_DEADLINE_BUG = (
    "BUG: for a calendar-day limit whose deadline falls on a holiday and moves to the next working day, "
    "services.clock (and status_q done/done_late, the stats' late count) compare the calendar days used with "
    "limit_days instead of comparing the dates with due_on, so a procedure within its statutory deadline is "
    "reported 已超期 / 超期办结 (negative compression)"
)


def test_completion_on_a_deadline_moved_past_a_holiday_is_on_time(project, client_for, alice):
    p = make(project, EIA, accepted_on=D(2025, 8, 2), completed_on=D(2025, 10, 9))
    assert p.due_on == D(2025, 10, 9)
    assert services.clock(p).status == "done"
    r = client_for(alice).get(reverse("procedure_list") + "?status=done_late")
    assert list(r.context["page"].object_list) == []


def test_an_open_procedure_is_not_overdue_before_its_moved_deadline(project):
    p = make(project, EIA, accepted_on=D(2025, 8, 2))
    assert p.due_on == D(2025, 10, 9)
    assert services.clock(p, today=D(2025, 10, 8)).status in ("running", "due_soon")


@pytest.fixture
def overdue(project):
    return make(project, FIRE, accepted_on=workdays_before(clock.today(), 30))


@pytest.fixture
def due_soon(project):
    return make(project, "施工图设计文件审查", accepted_on=workdays_before(clock.today(), 18))  # 20 − 18 = 2 left


@pytest.fixture
def running(project):
    return make(project, "节能审查", accepted_on=workdays_before(clock.today(), 5))


def test_overdue_and_due_soon_procedures_are_filtered_and_reminded(overdue, due_soon, running, client_for, alice):
    assert services.clock(overdue).status == "overdue" and services.clock(overdue).remaining == -15
    assert services.clock(due_soon).status == "due_soon" and services.clock(due_soon).remaining == 2
    assert services.clock(running).status == "running"
    c = client_for(alice)
    for status, expected in (("overdue", [overdue]), ("due_soon", [due_soon]), ("open", [overdue, due_soon, running])):
        r = c.get(reverse("procedure_list") + f"?status={status}")
        assert r.status_code == 200
        assert sorted(p.pk for p in r.context["page"].object_list) == sorted(p.pk for p in expected), status
    page = c.get(reverse("procedure_list") + "?status=overdue").content.decode()
    assert "已超期" in page
    r = c.get(reverse("approvals_reminders"))
    assert [row["p"] for row in r.context["overdue"]] == [overdue]
    assert [row["p"] for row in r.context["due_soon"]] == [due_soon]
    assert [row["clock"].remaining for row in r.context["due_soon"]] == [2]


def test_the_api_gives_the_clock(overdue, due_soon, client_for, alice):
    c = client_for(alice)
    body = c.get(f"/api/procedures/{overdue.pk}/").json()
    assert body["clock"]["status"] == "overdue" and body["clock"]["remaining"] == -15
    assert body["due_on"] == str(overdue.due_on)
    assert c.get(f"/api/procedures/{due_soon.pk}/").json()["clock"]["status"] == "due_soon"


# -- seed 002: project compression -----------------------------------------------------------------------
SEED_LIMITS = [3, 5, 5, 7, 8, 10, 10, 10, 15]  # 73 working days in all


@pytest.fixture
def seed_002(project):
    cal = holiday_calendar.current()
    first = D(2024, 3, 1)  # a Friday
    last = cal.add_workdays(first, 27)
    procedures = []
    for i, limit in enumerate(SEED_LIMITS):
        t = ProcedureType.objects.create(
            name=f"种子事项{i + 1}", stage=1 + i % 4, authority="行政审批服务管理局", limit_days=limit
        )
        accepted_on = cal.add_workdays(first, i * 2)
        completed_on = last if i == len(SEED_LIMITS) - 1 else cal.add_workdays(accepted_on, min(limit, 3))
        procedures.append(
            Procedure.objects.create(project=project, type=t, accepted_on=accepted_on, completed_on=completed_on)
        )
    return procedures


def test_seed_002_project_compression_is_46_days_and_63_percent(seed_002, project, client_for, alice):
    assert sum(SEED_LIMITS) == 73
    result = services.project_compression(Procedure.objects.filter(project=project).select_related("type"))
    assert (result.count, result.baseline, result.actual) == (9, 73, 27)
    assert (result.saved, result.rate) == (46, Decimal("63.0"))
    r = client_for(alice).get(reverse("procedure_project", args=[project.pk]))
    assert r.status_code == 200
    assert r.context["compression"].saved == 46
    page = r.content.decode()
    assert "46 / 63.0%" in page


def test_compression_waits_for_the_last_completion(seed_002, project):
    p = seed_002[-1]
    p.completed_on = None
    p.save()
    result = services.project_compression(Procedure.objects.filter(project=project).select_related("type"))
    assert (result.actual, result.saved, result.rate) == (None, None, None)


# -- holiday calendar administration ---------------------------------------------------------------------
def add_2027(client):
    r = client.post(
        reverse("calendaryear_add"), {"year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知"}
    )
    assert r.status_code == 302, form_errors(r)
    # Monday 2027-02-08 off (a weekday holiday), Saturday 2027-02-20 worked (调休).
    r = client.post(reverse("holiday_add"), {"date": "2027-02-08", "kind": "off", "name": "春节"})
    assert r.status_code == 302, form_errors(r)
    r = client.post(reverse("holiday_add"), {"date": "2027-02-20", "kind": "worked", "name": "春节"})
    assert r.status_code == 302, form_errors(r)


def test_the_province_adds_2027_and_2027_dates_are_accepted(project, client_for, alice, province_user, in_march_2027):
    before = client_for(alice).post(reverse("procedure_add"), form_data(project, accepted_on="2027-02-01"))
    assert before.status_code == 400 and mentions(form_errors(before)["accepted_on"], CALENDAR_2027)
    add_2027(client_for(province_user))
    assert CalendarYear.objects.filter(year=2027).exists() and Holiday.objects.filter(date__year=2027).count() == 2
    r = client_for(alice).post(reverse("procedure_add"), form_data(project, accepted_on="2027-02-01"))
    assert r.status_code == 302, form_errors(r)
    p = Procedure.objects.get()
    # 02-02 … 02-05 (4), 02-08 off, 02-09 … 02-12 (8), 02-15 … 02-19 (13), Saturday 02-20 worked (14), 02-22 (15).
    assert (p.due_on, p.clock_error) == (D(2027, 2, 22), "")


def test_an_open_clock_reaching_into_2027_errors_until_2027_is_entered(
    project, client_for, alice, province_user, in_december_2026
):
    p = make(project, EIA, accepted_on=D(2026, 11, 20))  # 60 calendar days: 2027-01-19
    assert p.due_on is None and CALENDAR_2027 in p.clock_error
    body = client_for(alice).get(f"/api/procedures/{p.pk}/").json()
    assert body["clock"]["status"] == "error"
    page = client_for(alice).get(reverse("procedure_detail", args=[p.pk])).content.decode()
    assert CALENDAR_2027 in page
    add_2027(client_for(province_user))
    p.refresh_from_db()
    assert (p.due_on, p.clock_error) == (D(2027, 1, 19), "")
    assert client_for(alice).get(f"/api/procedures/{p.pk}/").json()["clock"]["status"] == "running"


def test_a_holiday_must_be_a_weekday_off_or_a_weekend_worked_in_a_registered_year(
    client_for, province_user, in_december_2026
):
    c = client_for(province_user)
    r = c.post(reverse("holiday_add"), {"date": "2027-01-01", "kind": "off", "name": "元旦"})
    assert r.status_code == 400 and mentions(form_errors(r)["date"], "请先登记2027年度")
    r = c.post(reverse("holiday_add"), {"date": "2026-11-28", "kind": "off", "name": "周六"})
    assert r.status_code == 400 and mentions(form_errors(r)["kind"], "周末本来就是休息日")
    assert not Holiday.objects.filter(date__in=[D(2027, 1, 1), D(2026, 11, 28)]).exists()


def test_a_zone_user_cannot_change_the_holiday_calendar(client_for, alice, in_december_2026):
    c = client_for(alice)
    assert c.get(reverse("holiday_add")).status_code == 403
    assert c.post(reverse("calendaryear_add"), {"year": "2027"}).status_code == 403
    assert c.post(reverse("holiday_add"), {"date": "2026-12-31", "kind": "off", "name": "x"}).status_code == 403
    r = c.post("/api/holidays/", {"date": "2026-12-31", "kind": "off", "name": "x"}, content_type="application/json")
    assert r.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not Holiday.objects.filter(date=D(2026, 12, 31)).exists()
    assert c.get(reverse("holiday_list")).status_code == 200  # everyone may read the calendar


# -- the pause import ------------------------------------------------------------------------------------
PAUSE_HEADERS = ["审批手续", "暂停日期", "恢复日期", "暂停原因", "说明"]


def test_the_pause_import_refuses_a_pause_before_the_acceptance(accepted, client_for, alice):
    sheet = xlsx([PAUSE_HEADERS, [accepted.pk, "2025-09-29", "2025-10-13", "专家评审", ""]])
    r = client_for(alice).post(reverse("procedurepause_import"), {"file": sheet})
    assert r.status_code == 400
    assert any("暂停日期应晚于受理日期" in e.message for e in r.context["result"].errors)
    assert not ProcedurePause.objects.exists()


def test_an_imported_pause_moves_the_due_date(accepted, client_for, alice):
    sheet = xlsx([PAUSE_HEADERS, [accepted.pk, "2025-10-13", "2025-10-20", "专家评审", ""]])
    r = client_for(alice).post(reverse("procedurepause_import"), {"file": sheet})
    assert r.status_code == 200, r.context["result"].errors
    accepted.refresh_from_db()
    assert accepted.due_on == D(2025, 11, 4)


def test_in_2027_without_its_calendar_a_2027_pause_is_refused_naming_its_date(
    project, client_for, alice, in_march_2027
):
    p = make(project, FIRE, accepted_on=D(2026, 12, 1))
    data = {"procedure": p.pk, "paused_on": "2027-01-05", "resumed_on": "2027-01-12", "reason": "expert"}
    r = client_for(alice).post("/api/pauses/", data, content_type="application/json")
    assert r.status_code == 400
    assert mentions(r.json().get("paused_on", []), CALENDAR_2027), r.json()
    r = client_for(alice).post(reverse("procedurepause_add"), data)
    assert r.status_code == 400
    assert mentions(form_errors(r).get("paused_on", []), CALENDAR_2027), form_errors(r)
    assert not ProcedurePause.objects.exists()


def test_a_completion_date_that_would_cut_through_a_pause_is_refused(accepted, client_for, alice):
    ProcedurePause.objects.create(
        procedure=accepted, paused_on=D(2025, 10, 13), resumed_on=D(2025, 10, 20), reason="expert"
    )
    r = client_for(alice).post(
        reverse("procedure_edit", args=[accepted.pk]), form_data(accepted.project, completed_on="2025-10-15")
    )
    assert r.status_code == 400
    errors = form_errors(r)
    assert error_for(errors, "completed_on", "暂停") or mentions(errors.get("__all__", []), "暂停"), errors
    accepted.refresh_from_db()
    assert accepted.completed_on is None


def test_the_api_gives_a_projects_compression_as_its_approvals_page_does(seed_002, project, client_for, alice, charlie):
    r = client_for(alice).get(f"/api/projects/{project.pk}/compression/")
    assert r.status_code == 200
    body = r.json()
    assert (body["procedures"], body["baseline"], body["actual"], body["saved"], body["rate"]) == (
        9,
        73,
        27,
        46,
        "63.0",
    )
    assert body["first_accepted"] == "2024-03-01" and body["error"] == ""
    assert client_for(charlie).get(f"/api/projects/{project.pk}/compression/").status_code == 404


def test_the_api_compression_waits_for_the_last_completion(seed_002, project, client_for, alice):
    p = seed_002[-1]
    p.completed_on = None
    p.save()
    body = client_for(alice).get(f"/api/projects/{project.pk}/compression/").json()
    assert (body["actual"], body["saved"], body["rate"], body["last_completed"]) == (None, None, None, None)
