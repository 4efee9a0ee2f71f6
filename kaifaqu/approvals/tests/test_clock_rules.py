"""A clock's status is one definition (services.status_q, evaluated for one procedure by services.clock), and from
1 November administrators are told when next year's holiday calendar is still missing."""

import datetime

import pytest
from django.urls import reverse

from kaifaqu.approvals import services
from kaifaqu.approvals.catalogue import load_defaults
from kaifaqu.approvals.models import Procedure, ProcedureType
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

D = datetime.date
EIA = "环境影响评价审批（报告书）"  # 60 calendar days
FIRE = "消防设计审查"  # 15 working days


@pytest.fixture(autouse=True)
def catalogue_and_calendar(db):
    clock.seed_calendar()
    load_defaults()


@pytest.fixture
def project(zone_a):
    return f.ProjectFactory(zone=zone_a, name="碳纤维一期")


def make(project, type_name, **kw) -> Procedure:
    p = Procedure.objects.create(project=project, type=ProcedureType.objects.get(name=type_name), **kw)
    p.refresh_from_db()
    return p


def listed(status, day) -> list[int]:
    return list(Procedure.objects.filter(services.status_q(status, day)).values_list("pk", flat=True))


# 2025-09-10 is a Wednesday; Thursday, Friday and Monday 2025-09-15 are the next three working days.
WEDNESDAY = D(2025, 9, 10)


def test_a_calendar_day_procedure_due_within_three_working_days_is_due_soon_in_the_list_and_on_its_label(project):
    p = make(project, EIA, accepted_on=D(2025, 7, 17))  # 60 calendar days: Monday 2025-09-15
    assert p.due_on == D(2025, 9, 15)
    c = services.clock(p, today=WEDNESDAY)
    assert (c.status, c.label, c.remaining) == ("due_soon", "即将到期", 5)  # five calendar days, three working days
    assert listed("due_soon", WEDNESDAY) == [p.pk] and listed("running", WEDNESDAY) == []


def test_a_working_day_procedure_is_due_soon_from_three_working_days_before_its_due_date(project):
    p = make(project, FIRE, accepted_on=D(2025, 8, 22))  # 15 working days: Friday 2025-09-12
    assert p.due_on == D(2025, 9, 12)
    assert services.clock(p, today=D(2025, 9, 8)).status == "running"  # Monday: four working days left
    for day in (D(2025, 9, 9), D(2025, 9, 12)):
        assert services.clock(p, today=day).status == "due_soon" and listed("due_soon", day) == [p.pk]
    assert services.clock(p, today=D(2025, 9, 15)).status == "overdue" and listed("overdue", D(2025, 9, 15)) == [p.pk]


def test_on_a_past_day_a_procedure_completed_later_was_still_open(project):
    p = make(project, FIRE, accepted_on=D(2025, 8, 22), completed_on=D(2025, 9, 19))
    assert services.clock(p).status == "done_late" and listed("done_late", clock.today()) == [p.pk]
    assert services.clock(p, today=D(2025, 9, 16)).status == "overdue" and listed("overdue", D(2025, 9, 16)) == [p.pk]


def test_without_the_days_calendar_the_status_stands_and_the_count_says_why(project, _frozen_clock):
    """In January without the new year's calendar, an open clock keeps its status (a date comparison) and says
    why it cannot count the days used, rather than disagreeing with the list."""
    p = make(project, FIRE, accepted_on=D(2026, 12, 1))  # due 2026-12-22
    _frozen_clock.move_to(clock.frozen_moment(D(2027, 1, 6)))
    clock.drop_calendar_from(2027)
    c = services.clock(p)
    assert c.status == "overdue" and c.elapsed is None and "2027年的节假日安排尚未录入" in c.error
    assert listed("overdue", D(2027, 1, 6)) == [p.pk]


# -- the December reminder ---------------------------------------------------------------------------------
def home_reminders(client) -> list:
    r = client.get(reverse("home"))
    assert r.status_code == 200
    return r.context["reminders"]


def calendar_reminders(client) -> list:
    return [item for item in home_reminders(client) if "节假日安排尚未录入" in item[0]]


def on(traveller, day, *, next_year_entered):
    traveller.move_to(clock.frozen_moment(day))
    clock.seed_calendar(day)
    if not next_year_entered:
        clock.drop_calendar_from(day.year + 1)


def test_before_november_nobody_is_reminded(_frozen_clock, client_for, province_user):
    on(_frozen_clock, D(2026, 10, 31), next_year_entered=False)
    assert calendar_reminders(client_for(province_user)) == []


def test_from_november_the_province_sees_next_year_is_missing_and_when_clocks_fail(
    _frozen_clock, client_for, province_user, project
):
    on(_frozen_clock, D(2026, 11, 1), next_year_entered=False)
    make(project, FIRE, accepted_on=D(2026, 10, 20))  # due in November: fine until 1 January
    [(label, badge, url)] = calendar_reminders(client_for(province_user))
    assert "2027年节假日安排尚未录入" in label and "将于 2027年1月1日 起计时异常" in label
    assert badge == "2027年1月1日起" and url == reverse("calendaryear_list")


def test_once_an_open_clock_already_needs_next_year_the_reminder_says_from_today(
    _frozen_clock, client_for, province_user, project
):
    on(_frozen_clock, D(2026, 12, 1), next_year_entered=False)
    p = make(project, EIA, accepted_on=D(2026, 11, 20))  # 60 calendar days reach 2027-01-19
    assert p.clock_error
    [(label, badge, _url)] = calendar_reminders(client_for(province_user))
    assert "已有 1 项在办审批事项因此计时异常" in label and badge == "1 项计时异常"


def test_with_next_year_entered_there_is_no_reminder(_frozen_clock, client_for, province_user):
    on(_frozen_clock, D(2026, 11, 15), next_year_entered=True)
    assert calendar_reminders(client_for(province_user)) == []


def test_a_zone_user_is_not_told_about_the_calendar(_frozen_clock, client_for, alice):
    on(_frozen_clock, D(2026, 11, 15), next_year_entered=False)
    assert calendar_reminders(client_for(alice)) == []


def test_an_administrator_is_reminded(_frozen_clock, client_for, zone_a):
    on(_frozen_clock, D(2026, 11, 15), next_year_entered=False)
    admin = f.UserFactory(username="admin", zone=zone_a, is_superuser=True, is_staff=True)
    assert len(calendar_reminders(client_for(admin))) == 1
