"""Query budgets (issue 9): every list page, detail page, dashboard, statistics page, the bulletin, the
home page and every API list costs the same number of SQL queries on a small data set and on one ten
times larger. A page whose cost grows with the data it shows has an N+1 loop; the failure lists the
statements that repeated.

The checks are generated from the resource registry, each resource's extra pages and the API router,
so a new resource or endpoint is covered without touching this file — and the coverage tests below fail
until the data set below has an example of it (``World.anchors``) or it is named as not a page.

One data set is built for the whole module (in a transaction rolled back at the end): every page is
measured once at the small size, the data grown tenfold, and every page measured again; each check then
asserts its own pair. Every check also asserts that the page did show more at the larger size, so a
budget cannot pass on data that never reached the page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from kaifaqu.approvals import calendar as holiday_calendar
from kaifaqu.approvals.models import CalendarYear, Holiday, ProgressAccess
from kaifaqu.assessment.models import RunCase, SchemeItem
from kaifaqu.core.views import REGISTRY
from kaifaqu.enterprises.models import EnterpriseZone
from kaifaqu.projects.models import ReportCorrection
from kaifaqu.reports.bulletin import build
from kaifaqu.reports.models import Bulletin, Job
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f
from kaifaqu.testing.queries import Cost, assert_flat, cost
from kaifaqu.urls import router, urlpatterns

pytestmark = pytest.mark.django_db  # the data is built once for the module (see ``budgets``)

SMALL, LARGE = 2, 20  # units of data; the larger set is ten times the smaller
SLACK = 0  # queries the larger set may cost above the smaller one

# Extra pages of the resources that are not measured, and why.
NOT_PAGES = {
    "procedure_resume": "POST only",
    "monthlyreport_review": "POST only",
    "problem_close": "POST only",
    "bulletin_publish": "POST only",
    "bulletin_export": "POST only (starts a job)",
    "job_download": "a file download: one job, its file",
    "assessmentrun_publish": "POST only",
    "assessmentrun_scorecard": "a run and a zone: the run's own detail (measured) computes the same results",
}
# Extra pages that show one record: the anchor they are measured on.
PAGE_OBJECTS = {
    "procedure_project": "project",
    "promotion_zone": "zone",
    "monthlyreport_correct": "monthlyreport",
    "problem_delete": "problem",
    "job_detail": "job",
    "assessmentrun_export": "assessmentrun",
    "assessmentrun_tongbao": "assessmentrun",
    "assessmentscheme_copy": "assessmentscheme",
}
# Extra pages measured as another user than the province (the one they are made for).
PAGE_USERS = {"project_board": "zone", "approvals_mine": "enterprise", "monthlyreport_correct": "zone"}
# Pages that show one fixed thing whatever the data (checked for their budget, not for growth).
FIXED = {
    "page:job_detail",
    "page:monthlyreport_correct",
    "page:problem_delete",
    "page:assessmentscheme_copy",
    "page:assessment_years",
}
# Lists the enterprise's menu gives it (also measured as the enterprise).
ENTERPRISE_LISTS = ("project", "monthlyreport", "problem")
ENTERPRISE_API = ("projects", "procedures", "reports", "problems")
# Lists narrowed to the grown rows: the seeded holiday calendar alone fills more than a page.
LIST_QUERY = {"holiday": "?q=测试假日"}
PAGE_SIZE = 50  # rows on a list page (core.views.ListView) and an API page (REST_FRAMEWORK)
# Named API views beside the router that are not lists of records (api-… URL names of kaifaqu.urls).
API_NOT_LISTS = {"api-token": "POST only", "api-schema": "the OpenAPI document", "api-docs": "Swagger UI"}
API_NOT_LISTS["api-redoc"] = "ReDoc"
# The field of each anchor edited once per unit of data (its detail page gets more history).
ANCHOR_EDITS = {
    "city": ("name", lambda i: "大同" if i % 2 else "大同市区"),  # ends as on the map (an odd unit last)
    "zone": ("platform_company", lambda i: f"平台公司{i:02d}"),
    "park": ("leading_industries", lambda i: f"主导产业{i:02d}"),
    "industrychain": ("description", lambda i: f"说明{i:02d}"),
    "enterprise": ("address", lambda i: f"地址{i:02d}"),
    "suspension": ("reason", lambda i: f"原因{i:02d}"),
    "annualplan": ("planned_investment", lambda i: Decimal(5000 + i)),
    "monthlyreport": ("progress", lambda i: f"形象进度{i:02d}"),
    "problem": ("owner_person", lambda i: f"责任人{i:02d}"),
    "campaign": ("name", lambda i: f"三个一批第一批（{i:02d}）"),
    "campaignentry": ("kind", lambda i: ("signed", "started", "producing")[i % 3]),
    "procedurepause": ("note", lambda i: f"说明{i:02d}"),
    "proceduretype": ("authority", lambda i: f"办理部门{i:02d}"),
    "calendaryear": ("source", lambda i: f"来源{i:02d}"),
    "holiday": ("name", lambda i: f"节日{i:02d}"),
    "commitment": ("promise", lambda i: f"承诺{i:02d}"),
    "bundle": ("name", lambda i: f"六证同发{i:02d}"),
    "servicelog": ("content", lambda i: f"服务内容{i:02d}"),
    "followup": ("next_step", lambda i: f"下一步{i:02d}"),
    "trip": ("outcomes", lambda i: f"成果{i:02d}"),
    "agreement": ("note", lambda i: f"备注{i:02d}"),
    "sourceregion": ("order", lambda i: i + 1),
    "indicator": ("source", lambda i: f"来源部门{i:02d}"),
    "zonefigure": ("note", lambda i: f"备注{i:02d}"),
    "assessmentscheme": ("name", lambda i: f"预算考核方案（{i:02d}）"),
    "schemeitem": ("target", lambda i: Decimal(10 + i)),
    "schemeadjustment": ("name", lambda i: f"扣分项{i:02d}"),
    "assessmentrun": ("data_year", lambda i: 2020 + i % 5),
    "runcase": ("note", lambda i: f"依据{i:02d}"),
    "indicatorstandard": ("source", lambda i: f"依据{i:02d}"),
    "landreserve": ("note", lambda i: f"备注{i:02d}"),
    "landparcel": ("note", lambda i: f"备注{i:02d}"),
    "parcelcommitment": ("note", lambda i: f"备注{i:02d}"),
    "promotionmode": ("order", lambda i: i + 1),
}


CALENDAR = ("holiday", "calendaryear")


# -- the data ---------------------------------------------------------------------------------------------
class World:
    """Anchors (one record of every kind, each the example a detail page is measured on) and ``grow(n)``,
    which adds n more records of every kind — more rows on every list, more related rows and more history
    (with foreign keys) on every anchor's page, more units on every dashboard."""

    def __init__(self):
        self.today = clock.today()
        self.month = (clock.this_month() - datetime.timedelta(days=1)).replace(day=1)  # the default period
        self.year = self.month.year
        self.grown = 0
        clock.seed_calendar(self.today)
        self.city = f.CityFactory(code="140200", name="大同")
        self.other_city = f.CityFactory(code="140600", name="朔州")
        self.zone = f.ZoneFactory(name="云冈经济技术开发区", city=self.city)
        self.other_zone = f.ZoneFactory(name="平鲁经济技术开发区", city=self.other_city)
        self.park = f.ParkFactory(zone=self.zone, name="东区园")
        self.chain = f.IndustryChainFactory(zone=self.zone, name="碳基新材料")
        self.enterprise = f.EnterpriseFactory(name="山西华阳碳材科技有限公司", zones=[self.zone])
        self.users = {
            "province": f.UserFactory(username="sheng", role="province"),
            "city": f.UserFactory(username="datong", role="city", city=self.city),
            "zone": f.UserFactory(username="alice", role="zone", zone=self.zone),
            "agent": f.UserFactory(username="daiban", role="agent", zone=self.zone, full_name="张代办"),
            "enterprise": f.UserFactory(username="huayang", role="enterprise", enterprise=self.enterprise),
        }
        self.agent = self.users["agent"]
        self.ptype = f.ProcedureTypeFactory(name="消防设计审查", allows_commitment=True)
        self.region = f.SourceRegionFactory(name="京津冀")
        self.mode = f.PromotionModeFactory(name="精准招商")
        self.project = self._project(self.zone, "碳纤维一期", park=self.park, chain=self.chain)
        self.procedure = f.ProcedureFactory(
            project=self.project, type=self.ptype, agent=self.agent, mode="commitment", accepted_on=self._ago(400)
        )
        self.campaign = f.CampaignFactory(name="三个一批第一批", held_on=self._ago(300), level="province")
        self.meeting = f.DispatchMeetingFactory(zone=self.zone, held_on=self._ago(30), title="调度会")
        self.meeting.projects.add(self.project)
        self.lead = f.LeadFactory(
            zone=self.zone, company="北京碳谷科技有限公司", source_region=self.region, mode=self.mode, chain=self.chain
        )
        self.trip = f.TripFactory(zone=self.zone, destination="北京", start_on=self._ago(60), end_on=self._ago(58))
        self.trip.leads.add(self.lead)
        self.bulletin = Bulletin.objects.create(month=self.month, level="province")
        self.published = Bulletin.objects.create(month=self.month, level="city", city=self.city)
        self.job = Job.objects.create(kind="list_export", params={}, created_by=self.users["province"])
        self.indicator = f.IndicatorFactory(code="budget_indicator", name="预算指标")
        self.scheme = f.AssessmentSchemeFactory(name="预算考核方案", sub_group="")
        self.adjustment = f.SchemeAdjustmentFactory(scheme=self.scheme)
        self.run = f.AssessmentRunFactory(scheme=self.scheme)
        self.reserve = f.LandReserveFactory(zone=self.zone, name="云冈东区储备地块", area=Decimal("5000"))
        self.parcel = f.LandParcelFactory(
            zone=self.zone, number="云冈2024-01号", reserve=self.reserve, buyer=self.enterprise, project=self.project
        )
        self.anchors = {
            "city": self.city,
            "zone": self.zone,
            "park": self.park,
            "industrychain": self.chain,
            "enterprise": self.enterprise,
            "project": self.project,
            "suspension": f.SuspensionFactory(project=self.project, suspended_on=self._ago(200), resumed_on=None),
            "annualplan": f.AnnualPlanFactory(project=self.project, year=self.year, planned_investment=5000),
            "monthlyreport": f.MonthlyReportFactory(
                project=self.project, month=self.month, this_month=100, year_to_date=900, since_start=1500
            ),
            "problem": f.ProblemFactory(project=self.project, raised_on=self._ago(90), deadline=self._ago(30)),
            "campaign": self.campaign,
            "campaignentry": f.CampaignEntryFactory(campaign=self.campaign, project=self.project, kind="started"),
            "dispatchmeeting": self.meeting,
            "procedure": self.procedure,
            "procedurepause": f.PauseFactory(
                procedure=self.procedure, paused_on=self._ago(10), resumed_on=None, reason="expert"
            ),
            "proceduretype": self.ptype,
            "calendaryear": CalendarYear.objects.get(year=self.year),
            "holiday": Holiday.objects.filter(date__year=self.year).first(),
            "commitment": f.CommitmentFactory(procedure=self.procedure, due_on=self.today),
            "bundle": f.BundleFactory(project=self.project, planned_on=self._ago(5)),
            "servicelog": f.ServiceLogFactory(project=self.project, agent=self.agent, served_on=self._ago(3)),
            "lead": self.lead,
            "followup": f.FollowUpFactory(lead=self.lead, date=self._ago(7)),
            "trip": self.trip,
            "agreement": f.AgreementFactory(lead=self.lead, signed_on=self.today, amount=Decimal("20000")),
            "sourceregion": self.region,
            "promotionmode": self.mode,
            "bulletin": self.bulletin,
            "job": self.job,
            "indicator": self.indicator,
            "zonefigure": f.ZoneFigureFactory(zone=self.zone, indicator=self.indicator, month=self.month),
            "assessmentscheme": self.scheme,
            "schemeitem": SchemeItem.objects.create(
                scheme=self.scheme, indicator=self.indicator, group="综合", weight=100
            ),
            "schemeadjustment": self.adjustment,
            "assessmentrun": self.run,
            "runcase": RunCase.objects.create(run=self.run, zone=self.zone, adjustment=self.adjustment, cases=1),
            "indicatorstandard": f.IndicatorStandardFactory(
                industry_code="26", industry_name="化学原料和化学制品制造业"
            ),
            "landreserve": self.reserve,
            "landparcel": self.parcel,
            "parcelcommitment": f.ParcelCommitmentFactory(parcel=self.parcel),
        }
        ProgressAccess.objects.create(project=self.project)
        content = build(self.published)
        self.published.content, self.published.status = content, "published"
        self.published.published_at = self.published.updated_at
        self.published.save()

    def _ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def _workdays_ago(self, n: int) -> datetime.date:
        cal = holiday_calendar.current()
        day = self.today
        while cal.count_workdays(day, self.today) < n:
            day -= datetime.timedelta(days=1)
        return day

    def _project(self, zone, name, **kw):
        """A started project whose production milestone is long overdue (red), in this year's plan, reported."""
        project = f.ProjectFactory(
            zone=zone,
            name=name,
            enterprise=kw.pop("enterprise", self.enterprise if zone == self.zone else None),
            key_level="provincial",
            total_investment=Decimal("50000"),
            signed_on=self._ago(500),
            started_on=self._ago(400),
            planned_production_on=self._ago(100),
            **kw,
        )
        return project

    def grow(self, n: int) -> None:
        for _ in range(n):
            self._unit(self.grown)
            self.grown += 1
        holiday_calendar.forget()

    def _unit(self, i: int) -> None:
        a = self.anchors
        # Registries: a city with a zone, a zone of the anchor city, a park, a chain, an enterprise in two zones.
        city = f.CityFactory(code=f"14{i + 10:02d}00", name=f"测试市{i:02d}")
        far_zone = f.ZoneFactory(name=f"测试市{i:02d}开发区", city=city)
        near_zone = f.ZoneFactory(name=f"大同第{i:02d}开发区", city=self.city)
        park = f.ParkFactory(zone=self.zone, name=f"园区{i:02d}")
        chain = f.IndustryChainFactory(zone=self.zone, name=f"产业链{i:02d}")
        f.EnterpriseFactory(name=f"山西测试{i:02d}有限公司", zones=[self.zone, near_zone])
        EnterpriseZone.objects.create(enterprise=self.enterprise, zone=near_zone)
        agent = f.UserFactory(username=f"daiban{i:02d}", role="agent", zone=self.zone, full_name=f"代办{i:02d}")
        ptype = f.ProcedureTypeFactory(name=f"审批事项{i:02d}", stage=1 + i % 4, allows_commitment=True)
        # Projects: one in the anchor zone with everything a project has, one in each new zone.
        project = self._project(self.zone, f"项目{i:02d}", park=park, chain=chain)
        for other in (self._project(far_zone, f"外市项目{i:02d}"), self._project(near_zone, f"本市项目{i:02d}")):
            f.AnnualPlanFactory(project=other, year=self.year, kind="continuing", planned_investment=800)
        f.AnnualPlanFactory(project=project, year=self.year, kind="new_start" if i % 2 else "continuing")
        report = f.MonthlyReportFactory(
            project=project, month=self.month, this_month=50, year_to_date=300, since_start=700
        )
        f.SuspensionFactory(project=project, suspended_on=self._ago(300), resumed_on=None if i % 2 else self._ago(250))
        f.ProblemFactory(project=project, raised_on=self._ago(60), deadline=self._ago(10 - i % 20))
        f.CampaignEntryFactory(campaign=self.campaign, project=project, kind=("signed", "started", "producing")[i % 3])
        # Every other procedure overdue, the others due soon (both reminder lists, from the smallest set on).
        accepted = self._workdays_ago(ptype.limit_days + 10 if i % 2 else ptype.limit_days - 2)
        procedure = f.ProcedureFactory(
            project=project, type=ptype, agent=agent, mode="commitment", accepted_on=accepted
        )
        day = accepted + datetime.timedelta(days=1)
        f.PauseFactory(procedure=procedure, paused_on=day, resumed_on=day + datetime.timedelta(days=1))
        f.CommitmentFactory(procedure=procedure, due_on=self._ago(-30))
        f.BundleFactory(project=project, planned_on=self._ago(i))
        f.ServiceLogFactory(project=project, agent=agent, served_on=self._ago(i))
        ProgressAccess.objects.create(project=project)
        meeting = f.DispatchMeetingFactory(zone=self.zone, held_on=self._ago(40 + i), title=f"调度会{i:02d}")
        meeting.projects.add(project, self.project)
        campaign = f.CampaignFactory(name=f"三个一批第{i + 2:02d}批", held_on=self._ago(200 + i), level="province")
        f.CampaignEntryFactory(campaign=campaign, project=self.project, kind="signed")
        ReportCorrection.objects.create(
            report=report, field="this_month", old_value=40, new_value=50, reason="更正", corrected_by=agent
        )
        indicator = f.IndicatorFactory(code=f"budget_indicator_{i:02d}", name=f"预算指标{i:02d}")
        f.ZoneFigureFactory(zone=self.zone, indicator=indicator, month=self.month)
        f.ZoneFigureFactory(zone=near_zone, indicator=self.indicator, month=self.month)
        scheme = f.AssessmentSchemeFactory(name=f"预算考核方案{i:02d}", sub_group=f"预算分组{i:02d}")
        SchemeItem.objects.create(scheme=scheme, indicator=indicator, group="综合", weight=100)
        f.SchemeAdjustmentFactory(scheme=scheme, name=f"扣分项（{i:02d}）")
        f.AssessmentRunFactory(scheme=scheme, data_year=2024)
        RunCase.objects.create(run=self.run, zone=near_zone, adjustment=self.adjustment, cases=2)
        f.ZoneFigureFactory(zone=near_zone, indicator=self.indicator, month=datetime.date(self.run.data_year, 12, 1))
        # Land: a standard, a reserve and parcels in another zone; parcels from the anchor reserve with commitments.
        f.IndicatorStandardFactory(industry_code=f"{13 + i % 30:02d}", year=2010 + i, industry_name=f"行业{i:02d}")
        f.LandReserveFactory(zone=near_zone, name=f"储备地块{i:02d}")
        f.LandParcelFactory(zone=near_zone, number=f"宗地{i:02d}", buyer=self.enterprise)
        grown_parcel = f.LandParcelFactory(zone=self.zone, number=f"云冈宗地{i:02d}", reserve=self.reserve, area=1)
        f.ParcelCommitmentFactory(parcel=grown_parcel)
        # The anchors' pages: related rows and history with foreign keys.
        a["monthlyreport"].corrections.create(
            field="this_month", old_value=i, new_value=100, reason="更正", corrected_by=agent
        )
        self.meeting.projects.add(project)
        f.SuspensionFactory(
            project=self.project, suspended_on=self._ago(600 - 10 * i), resumed_on=self._ago(595 - 10 * i)
        )
        f.AnnualPlanFactory(project=self.project, year=self.year - 1 - i)
        f.ProblemFactory(project=self.project, raised_on=self._ago(90), deadline=self._ago(20 - i))
        f.ProcedureFactory(project=self.project, type=ptype, agent=agent, accepted_on=self._ago(20))
        f.PauseFactory(procedure=self.procedure, paused_on=self._ago(390 - 10 * i), resumed_on=self._ago(388 - 10 * i))
        self.project.park = park
        self.project.chain = chain
        self.project.save()
        self.procedure.agent = agent
        self.procedure.save()
        # Promotion: a lead courted by two zones (an overlap), follow-ups, agreements, trips.
        lead = f.LeadFactory(
            zone=self.zone,
            company=f"北京测试{i:02d}科技有限公司",
            chain=chain,
            source_region=f.SourceRegionFactory(name=f"地区{i:02d}"),
            mode=f.PromotionModeFactory(name=f"方式{i:02d}"),
            stage=("clue", "contact", "visit", "negotiation", "signed", "landed")[i % 6],
            likelihood=("high", "medium", "low")[i % 3],
            owner=self.users["zone"],
            intended_investment=Decimal("3000"),
        )
        f.LeadFactory(zone=near_zone, company=lead.company, source_region=self.region, mode=self.mode)
        f.FollowUpFactory(lead=lead, date=self._ago(i))
        f.FollowUpFactory(lead=self.lead, date=self._ago(10 + i))
        f.AgreementFactory(lead=lead, signed_on=self.today, amount=Decimal("1000"))
        f.AgreementFactory(lead=self.lead, signed_on=self._ago(i), amount=Decimal("500"))
        trip = f.TripFactory(zone=self.zone, destination=f"上海{i:02d}", start_on=self._ago(i + 2), end_on=self._ago(i))
        trip.leads.add(lead, self.lead)
        self.trip.leads.add(lead)
        self.lead.chain = chain
        self.lead.save()
        # Every other anchor is edited too, so every detail page has more history.
        for slug, (name, value) in ANCHOR_EDITS.items():
            if slug in CALENDAR and i >= SMALL and i % 6:
                continue  # each save recomputes every open clock: a few more edits are enough
            setattr(a[slug], name, value(i))
            a[slug].save()
        # Reference data in bulk (a holiday saved one by one recomputes every open clock), far from today.
        CalendarYear.objects.bulk_create([CalendarYear(year=2100 + i, source="测试")])
        Holiday.objects.bulk_create([Holiday(date=datetime.date(2100 + i, 1, 1), kind="off", name=f"测试假日{i:02d}")])
        # The bulletins: more to list, and corrections beside the published one (above).
        Bulletin.objects.create(month=datetime.date(2000 + i, 1, 1), level="city", city=self.city)
        Job.objects.create(kind="list_export", params={}, created_by=self.users["province"], message=f"导出{i:02d}")


# -- the checks -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    id: str
    user: str
    url: object  # World -> str
    size: str = "content"  # what must grow: "list" (paginator count), "api" (count), "content" (page length)
    grows: bool = True

    def __str__(self):
        return self.id


def _resource_checks() -> list[Check]:
    checks = []
    for resource in REGISTRY.values():
        slug = resource.slug()
        query = LIST_QUERY.get(slug, "")
        checks.append(Check(f"list:{slug}", "province", lambda w, s=slug, q=query: reverse(f"{s}_list") + q, "list"))
        checks.append(
            Check(f"detail:{slug}", "province", lambda w, s=slug: reverse(f"{s}_detail", args=[w.anchors[s].pk]))
        )
    for slug in ENTERPRISE_LISTS:
        checks.append(Check(f"list:{slug}:enterprise", "enterprise", lambda w, s=slug: reverse(f"{s}_list"), "list"))
    checks.append(
        Check("detail:project:enterprise", "enterprise", lambda w: reverse("project_detail", args=[w.project.pk]))
    )
    checks.append(
        Check("detail:bulletin:published", "city", lambda w: reverse("bulletin_detail", args=[w.published.pk]))
    )
    return checks


def extra_pages() -> dict[str, URLPattern]:
    """The pages each resource adds beyond its list and detail, by URL name."""
    return {p.name: p for resource in REGISTRY.values() for p in resource.extra_urls()}


def _page_checks() -> list[Check]:
    checks = []
    for name, pattern in extra_pages().items():
        if name in NOT_PAGES:
            continue
        user = PAGE_USERS.get(name, "province")
        if name in PAGE_OBJECTS:
            url = lambda w, n=name: reverse(n, args=[w.anchors[PAGE_OBJECTS[n]].pk])  # noqa: E731
        elif not pattern.pattern.converters:
            url = lambda w, n=name: reverse(n)  # noqa: E731
        else:
            continue  # test_every_extra_page_is_measured_or_named names it
        checks.append(Check(f"page:{name}", user, url, grows=f"page:{name}" not in FIXED))
    for role in ("province", "city", "zone"):
        checks.append(Check(f"dashboard:{role}", role, lambda w: reverse("dashboard")))
    checks.append(Check("dashboard:province:city", "province", lambda w: reverse("dashboard") + f"?city={w.city.pk}"))
    checks.append(Check("dashboard:province:zone", "province", lambda w: reverse("dashboard") + f"?zone={w.zone.pk}"))
    for role in ("province", "city", "zone", "agent", "enterprise"):
        checks.append(Check(f"home:{role}", role, lambda w: reverse("home")))
        checks.append(Check(f"records:{role}", role, lambda w: reverse("records")))
    return checks


def _api_checks() -> list[Check]:
    checks = []
    for prefix, viewset, _basename in router.registry:
        query = LIST_QUERY.get(viewset.resource.slug(), "")
        checks.append(Check(f"api:{prefix}", "province", lambda w, p=prefix, q=query: f"/api/{p}/{q}", "api"))
    checks += [
        Check(f"api:{prefix}:enterprise", "enterprise", lambda w, p=prefix: f"/api/{p}/", "api")
        for prefix in ENTERPRISE_API
    ]
    for name in api_views():
        if name not in API_NOT_LISTS:
            checks.append(Check(f"api:{name.removeprefix('api-')}", "province", lambda w, n=name: reverse(n)))
    return checks


def api_views() -> list[str]:
    """The API's named views beside the router (rates, funnel, schema …)."""
    return [p.name for p in urlpatterns if isinstance(p, URLPattern) and (p.name or "").startswith("api-")]


CHECKS = _resource_checks() + _page_checks() + _api_checks()


@dataclass
class Measured:
    status: int
    cost: Cost
    size: int
    detail: str = ""


@dataclass
class Budgets:
    small: dict = field(default_factory=dict)
    large: dict = field(default_factory=dict)
    anchors: set = field(default_factory=set)


def _size(check: Check, response) -> int:
    if check.size == "list":
        return response.context["page"].paginator.count
    if check.size == "api":
        return response.json()["count"]
    return len(response.content)


def _measure(world: World, clients: dict) -> dict:
    out = {}
    for check in CHECKS:
        try:
            url = check.url(world)
        except KeyError as exc:  # no example of the kind in the data: test_every_resource_has_an_example…
            out[check.id] = Measured(0, Cost([]), 0, f"no example {exc}")
            continue
        headers = {"HTTP_ACCEPT": "application/json"} if url.startswith("/api/") else {}
        spent, response = cost(clients[check.user].get, url, **headers)
        size = _size(check, response) if response.status_code == 200 else 0
        out[check.id] = Measured(response.status_code, spent, size, url)
    return out


@pytest.fixture(scope="module")
def budgets(django_db_setup, django_db_blocker):
    """Every check measured on the small and on the large data set (built once, rolled back after)."""
    result = Budgets()
    moment = clock.frozen_moment(clock.test_date())
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), time_machine.travel(moment, tick=True), fast, transaction.atomic():
        cache.clear()
        world = World()
        result.anchors = set(world.anchors)
        clients = {}
        for role, user in world.users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        ContentType.objects.get_for_models(*REGISTRY)  # cached per process: warm, as in a running server
        world.grow(SMALL)
        result.small = _measure(world, clients)
        world.grow(LARGE - SMALL)
        result.large = _measure(world, clients)
        cache.clear()
        transaction.set_rollback(True)
    holiday_calendar.forget()  # built from the rolled-back rows
    return result


@pytest.mark.parametrize("check", CHECKS, ids=str)
def test_query_budget(check, budgets):
    small, large = budgets.small[check.id], budgets.large[check.id]
    assert (small.status, large.status) == (200, 200), f"{check.id} ({small.detail}) answered {small.status}"
    if check.grows:
        assert large.size > small.size, f"{check.id}: the larger data set did not reach the page ({small.detail})"
    if check.size in ("list", "api"):
        assert small.size < PAGE_SIZE, f"{check.id}: the small data set already fills a page"
    assert_flat(small.cost, large.cost, what=f"{check.id} ({small.detail})", slack=SLACK)


# -- coverage: a new resource, page or endpoint is measured or named -----------------------------------------
def test_every_resource_has_an_example_in_the_data(budgets):
    assert {r.slug() for r in REGISTRY.values()} <= budgets.anchors, "add the new kind to World.anchors"


def test_every_extra_page_is_measured_or_named():
    measured = {c.id.removeprefix("page:") for c in CHECKS if c.id.startswith("page:")}
    missing = set(extra_pages()) - measured - set(NOT_PAGES)
    assert not missing, f"measure these pages (PAGE_OBJECTS) or say why not (NOT_PAGES): {sorted(missing)}"


def test_the_named_exceptions_are_real_pages():
    pages = set(extra_pages())
    assert set(NOT_PAGES) | set(PAGE_OBJECTS) | set(PAGE_USERS) | {c.removeprefix("page:") for c in FIXED} <= pages
    assert set(API_NOT_LISTS) <= set(api_views())
