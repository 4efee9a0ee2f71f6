"""The scope matrix's machinery: a world with one record of every scoped model and a user of every kind,
who must see each record, and the checks run for every action of its pages and API.

The tests are kaifaqu/core/tests/test_scope_matrix.py (pages, coverage) and test_scope_matrix_api.py (API,
scope parameters of dashboards, rates, funnel and bulletins).

The world holds one record of each model in zone A of city A (a project of enterprise E1, its plans,
reports, procedures …). For each record a :class:`Spec` says who must see it (the insider and other
readers) and which user is the outsider of each kind:

- ``zone``: a zone user who must not see it (a sibling zone in the same city where that is stricter),
- ``city``: a user of another city,
- ``enterprise``: another enterprise's user (one in the same zone where that is stricter),
- ``agent``: an agent (代办员) of another zone,
- ``unassigned agent``: a plain agent of the same zone, for what hangs off a procedure (the agent rule).

Every action the record's resource offers is then run for those users: list (the record's link is on the
insider's page and not on the outsider's), detail, edit and delete (404, or 403 for a role that may not
write; an outsider's POST changes nothing), history (the record's change entries, wherever pages show
them), Excel export (the record's row), import (an outsider importing the insider's export is refused and
changes nothing), autocomplete, the home-page count, the queryset itself, and the API (list, detail,
PATCH/DELETE, import). Every check is counted; the root conftest prints the count.
"""

from __future__ import annotations

import datetime
import html
import io
import re
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kaifaqu.approvals.models import CalendarYear, Holiday
from kaifaqu.core.models import ChangeRecord
from kaifaqu.core.scoping import can_write, in_scope
from kaifaqu.core.views import REGISTRY
from kaifaqu.testing import clock
from kaifaqu.testing import factories as f

USERS = {
    "province": {"role": "province"},
    "city_a": {"role": "city", "city": "city_a"},
    "city_b": {"role": "city", "city": "city_b"},
    "zone_a": {"role": "zone", "zone": "zone_a"},
    "zone_a2": {"role": "zone", "zone": "zone_a2"},
    "zone_b": {"role": "zone", "zone": "zone_b"},
    "agent_a": {"role": "agent", "zone": "zone_a", "agent_rank": "agent"},  # assigned to the procedure
    "agent_a_other": {"role": "agent", "zone": "zone_a", "agent_rank": "agent"},  # assigned to nothing
    "lead_a": {"role": "agent", "zone": "zone_a", "agent_rank": "lead"},
    "agent_a2": {"role": "agent", "zone": "zone_a2", "agent_rank": "agent"},
    "agent_b": {"role": "agent", "zone": "zone_b", "agent_rank": "agent"},
    "ent1": {"role": "enterprise", "enterprise": "e1"},  # owns the project and the lead in zone A
    "ent2": {"role": "enterprise", "enterprise": "e2"},  # another enterprise in zone A
    "ent3": {"role": "enterprise", "enterprise": "e3"},  # an enterprise in zone B
}


class World:
    """Cities A and B, zones A and A2 (city A) and B (city B), enterprises, a user of every role, and one
    record of each model in zone A (``world[name]``)."""

    def __init__(self):
        self.city_a = f.CityFactory(code="140200", name="大同")
        self.city_b = f.CityFactory(code="140600", name="朔州")
        self.zone_a = f.ZoneFactory(name="矩阵甲经济技术开发区", city=self.city_a)
        self.zone_a2 = f.ZoneFactory(name="矩阵乙经济技术开发区", city=self.city_a)
        self.zone_b = f.ZoneFactory(name="矩阵丙经济技术开发区", city=self.city_b)
        self.e1 = f.EnterpriseFactory(name="矩阵甲一科技有限公司", zones=[self.zone_a])
        self.e2 = f.EnterpriseFactory(name="矩阵甲二科技有限公司", zones=[self.zone_a])
        self.e3 = f.EnterpriseFactory(name="矩阵丙三科技有限公司", zones=[self.zone_b])
        self.users = {}
        for key, spec in USERS.items():
            kwargs = {k: getattr(self, v) if k in ("city", "zone", "enterprise") else v for k, v in spec.items()}
            self.users[key] = f.UserFactory(username=f"m_{key}", full_name=f"矩阵{key}号", **kwargs)
        self._records: dict[str, object] = {}
        self._calendar = False
        self.home: dict[str, dict] = {}  # the home page's counts per user (the world does not change)
        for name in BUILD:
            self[name]

    def calendar(self):
        if not self._calendar:
            clock.seed_calendar()
            self._calendar = True

    def __getitem__(self, name):
        if name not in self._records:
            self._records[name] = BUILD[name](self)
        return self._records[name]


def _project(w):
    return f.ProjectFactory(
        name="矩阵重点项目",
        code="2024-140211-36-03-000001",
        zone=w.zone_a,
        enterprise=w.e1,
        park=w["park"],
        chain=w["industrychain"],
        key_level="provincial",
        signed_on=datetime.date(2024, 1, 10),
        started_on=datetime.date(2024, 2, 1),
    )


def _procedure(w):
    w.calendar()
    # 承诺制, so that the matrix's commitment may belong to it
    return f.ProcedureFactory(
        project=w["project"], agent=w.users["agent_a"], type=w["proceduretype"], mode="commitment"
    )


def _meeting(w):
    meeting = f.DispatchMeetingFactory(zone=w.zone_a, title="矩阵调度会")
    meeting.projects.set([w["project"]])
    return meeting


def _trip(w):
    trip = f.TripFactory(zone=w.zone_a, destination="矩阵目的地")
    trip.leads.set([w["lead"]])
    return trip


def _calendar_year(w):
    w.calendar()
    return CalendarYear.objects.order_by("-year").first()  # the first on the list's first page


def _holiday(w):
    w.calendar()
    return Holiday.objects.order_by("date").first()


BUILD: dict[str, Callable[[World], object]] = {
    "city": lambda w: w.city_a,
    "zone": lambda w: w.zone_a,
    "park": lambda w: f.ParkFactory(zone=w.zone_a, name="矩阵东区园"),
    "industrychain": lambda w: f.IndustryChainFactory(zone=w.zone_a, name="矩阵新材料链"),
    "enterprise": lambda w: w.e1,
    "enterprisezone": lambda w: w.e1.zone_links.get(zone=w.zone_a),
    "project": _project,
    "suspension": lambda w: f.SuspensionFactory(project=w["project"], reason="矩阵停工"),
    "annualplan": lambda w: f.AnnualPlanFactory(project=w["project"]),
    "monthlyreport": lambda w: f.MonthlyReportFactory(project=w["project"], progress="矩阵形象进度"),
    "reportcorrection": lambda w: f.ReportCorrectionFactory(report=w["monthlyreport"], reason="矩阵更正"),
    "problem": lambda w: f.ProblemFactory(project=w["project"], description="矩阵问题"),
    "campaign": lambda w: f.CampaignFactory(level="city", city=w.city_a, name="矩阵市级一批"),
    "campaignentry": lambda w: f.CampaignEntryFactory(
        campaign=f.CampaignFactory(level="province", name="矩阵全省一批"), project=w["project"]
    ),
    "dispatchmeeting": _meeting,
    "proceduretype": lambda w: f.ProcedureTypeFactory(name="矩阵审批事项", allows_commitment=True),
    "calendaryear": _calendar_year,
    "holiday": _holiday,
    "procedure": _procedure,
    "procedurepause": lambda w: f.PauseFactory(procedure=w["procedure"], note="矩阵暂停"),
    "commitment": lambda w: f.CommitmentFactory(procedure=w["procedure"], promise="矩阵承诺"),
    "bundle": lambda w: f.BundleFactory(project=w["project"], name="矩阵六证同发"),
    "servicelog": lambda w: f.ServiceLogFactory(project=w["project"], agent=w.users["agent_a"], content="矩阵帮代"),
    "progressaccess": lambda w: f.ProgressAccessFactory(project=w["project"]),
    "sourceregion": lambda w: f.SourceRegionFactory(name="矩阵来源地"),
    "promotionmode": lambda w: f.PromotionModeFactory(name="矩阵招商方式"),
    "lead": lambda w: f.LeadFactory(
        zone=w.zone_a, company="矩阵线索企业", enterprise=w.e1, chain=w["industrychain"], likelihood="high"
    ),
    "followup": lambda w: f.FollowUpFactory(lead=w["lead"], content="矩阵跟进"),
    "trip": _trip,
    "agreement": lambda w: f.AgreementFactory(lead=w["lead"], note="矩阵协议"),
    "bulletin": lambda w: f.BulletinFactory(city=w.city_a),
    "bulletin (province)": lambda w: f.BulletinFactory(city=None),
    "campaign (province)": lambda w: f.CampaignFactory(level="province", name="矩阵全省二批"),
    "statusrule": lambda w: f.StatusRuleFactory(),
    "user": lambda w: w.users["agent_a"],
    "indicator": lambda w: f.IndicatorFactory(code="matrix_indicator", name="矩阵指标"),
    "zonefigure": lambda w: f.ZoneFigureFactory(zone=w.zone_a, indicator=w["indicator"]),
    "assessmentscheme": lambda w: f.AssessmentSchemeFactory(name="矩阵考核方案"),
    "schemeitem": lambda w: apps.get_model("assessment.SchemeItem").objects.create(
        scheme=w["assessmentscheme"], indicator=w["indicator"], group="综合", weight=100
    ),
    "schemeadjustment": lambda w: f.SchemeAdjustmentFactory(scheme=w["assessmentscheme"], name="矩阵扣分项"),
    "assessmentrun": lambda w: f.AssessmentRunFactory(scheme=w["assessmentscheme"]),
    "runcase": lambda w: apps.get_model("assessment.RunCase").objects.create(
        run=w["assessmentrun"], zone=w.zone_a, adjustment=w["schemeadjustment"], cases=1
    ),
    "indicatorstandard": lambda w: f.IndicatorStandardFactory(industry_code="27", industry_name="矩阵行业"),
    "landreserve": lambda w: f.LandReserveFactory(zone=w.zone_a, name="矩阵储备地块"),
    "landparcel": lambda w: f.LandParcelFactory(
        zone=w.zone_a, number="矩阵宗地", buyer=w.e1, reserve=w["landreserve"], project=w["project"]
    ),
    "parcelcommitment": lambda w: f.ParcelCommitmentFactory(parcel=w["landparcel"], note="矩阵承诺"),
    "figurecheck": lambda w: apps.get_model("reports.FigureCheck").objects.create(
        text="矩阵核验：开复工率达到90.0%。",
        city=w.city_a,
        zone=w.zone_a,
        checked_zone=w.zone_a,
        created_by=w.users["zone_a"],
    ),
}

# -- who sees what ----------------------------------------------------------------------------------

OUTSIDERS = {"zone": "zone_a2", "city": "city_b", "enterprise": "ent2", "agent": "agent_a2"}
CITY_OUTSIDERS = {"zone": "zone_b", "city": "city_b", "enterprise": "ent3", "agent": "agent_b"}
ZONE_READERS = ("province", "city_a", "agent_a_other")


@dataclass
class Spec:
    name: str
    model_label: str
    insider: str = "zone_a"
    readers: tuple[str, ...] = ZONE_READERS
    outsiders: dict[str, str] = field(default_factory=lambda: dict(OUTSIDERS))
    read_only: tuple[str, ...] = ()  # users who see it but may not change it (403), with a role that writes the model
    extra: tuple[tuple[str, str], ...] = ()  # (URL name taking the record's pk, method) beyond the standard ones

    @property
    def model(self):
        return apps.get_model(self.model_label)


def project_record(name, label, **kw):
    return Spec(name, label, readers=(*ZONE_READERS, "ent1"), **kw)


def procedure_record(name, label, **kw):
    return Spec(
        name,
        label,
        readers=("province", "city_a", "agent_a", "lead_a", "ent1"),
        outsiders={**OUTSIDERS, "unassigned agent": "agent_a_other"},
        **kw,
    )


def shared(name, label, extra=()):
    """Reference data every signed-in user reads; only the province writes it."""
    readers = ("zone_b", "city_b", "ent3", "agent_b")
    return Spec(name, label, insider="province", readers=readers, outsiders={}, extra=extra)


SPECS = {
    s.name: s
    for s in [
        Spec(
            "city",
            "zones.City",
            insider="city_a",
            readers=("province", "zone_a", "zone_a2", "agent_a2", "ent1"),
            outsiders=dict(CITY_OUTSIDERS),
        ),
        Spec(
            "zone",
            "zones.Zone",
            insider="city_a",
            readers=("province", "zone_a", "agent_a_other", "ent1", "ent2"),
            outsiders={**OUTSIDERS, "enterprise": "ent3"},
            extra=(("promotion_zone", "get"),),
        ),
        Spec("park", "zones.Park"),
        Spec("industrychain", "zones.IndustryChain"),
        project_record("enterprise", "enterprises.Enterprise"),
        project_record("enterprisezone", "enterprises.EnterpriseZone"),
        project_record(
            "project", "projects.Project", extra=(("procedure_project", "get"), ("api-project-compression", "get"))
        ),
        project_record("suspension", "projects.Suspension"),
        project_record("annualplan", "projects.AnnualPlan"),
        project_record(
            "monthlyreport",
            "projects.MonthlyReport",
            extra=(
                ("monthlyreport_correct", "get"),
                ("monthlyreport_review", "post"),
                ("api-monthlyreport-review", "post"),
            ),
        ),
        project_record("reportcorrection", "projects.ReportCorrection"),
        project_record("problem", "projects.Problem", extra=(("problem_close", "post"), ("api-problem-close", "post"))),
        Spec(
            "campaign",
            "projects.Campaign",
            insider="city_a",
            readers=("province", "zone_a", "zone_a2", "agent_a_other"),
            outsiders={**CITY_OUTSIDERS, "enterprise": "ent1"},  # enterprises see province rounds only
            extra=(("api-campaign-cohorts", "get"),),
        ),
        Spec(
            "campaign (province)",
            "projects.Campaign",
            insider="province",
            readers=("zone_a", "zone_b", "ent1", "agent_b"),
            read_only=("city_a",),  # a city enrols in the province's rounds; it does not change them
            outsiders={},
        ),
        project_record("campaignentry", "projects.CampaignEntry"),
        Spec("dispatchmeeting", "projects.DispatchMeeting"),
        Spec(
            "statusrule",
            "projects.StatusRule",
            insider="province",
            readers=(),
            outsiders={"zone": "zone_a", "city": "city_a", "enterprise": "ent1", "agent": "agent_a"},
        ),
        shared("proceduretype", "approvals.ProcedureType"),
        shared("calendaryear", "approvals.CalendarYear"),
        shared("holiday", "approvals.Holiday"),
        procedure_record("procedure", "approvals.Procedure", extra=(("procedure_resume", "post"),)),
        procedure_record("procedurepause", "approvals.ProcedurePause"),
        procedure_record("commitment", "approvals.Commitment"),
        project_record("bundle", "approvals.Bundle"),
        Spec("servicelog", "approvals.ServiceLog"),
        project_record("progressaccess", "approvals.ProgressAccess"),
        shared("sourceregion", "promotion.SourceRegion"),
        shared("promotionmode", "promotion.PromotionMode"),
        project_record("lead", "promotion.Lead"),
        project_record("followup", "promotion.FollowUp"),
        Spec("trip", "promotion.Trip"),
        project_record("agreement", "promotion.Agreement"),
        Spec(
            "bulletin",
            "reports.Bulletin",
            insider="city_a",
            readers=("province", "zone_a", "zone_a2", "agent_a_other"),
            outsiders={**CITY_OUTSIDERS, "enterprise": "ent1"},  # bulletins are government documents
            extra=(("bulletin_publish", "post"), ("bulletin_export", "post")),
        ),
        Spec(
            "bulletin (province)",
            "reports.Bulletin",
            insider="province",
            readers=("city_b", "zone_b", "agent_b"),
            read_only=("city_a",),  # a city reads the province's bulletin; it neither changes nor publishes it
            outsiders={"enterprise": "ent1"},
            extra=(("bulletin_export", "post"),),
        ),
        shared("indicator", "assessment.Indicator"),
        shared("assessmentscheme", "assessment.AssessmentScheme", extra=(("assessmentscheme_copy", "get"),)),
        shared("schemeitem", "assessment.SchemeItem"),
        shared("schemeadjustment", "assessment.SchemeAdjustment"),
        # A run's ranking is read by every zone (each its own detail); enterprises are not assessed.
        Spec(
            "assessmentrun",
            "assessment.AssessmentRun",
            insider="province",
            readers=("zone_b", "city_b", "agent_b"),
            outsiders={"enterprise": "ent1"},
            extra=(
                ("assessmentrun_export", "get"),
                ("assessmentrun_tongbao", "get"),
                ("assessmentrun_publish", "post"),
            ),
        ),
        Spec("runcase", "assessment.RunCase"),
        shared("indicatorstandard", "land.IndicatorStandard"),
        Spec("landreserve", "land.LandReserve"),
        # A parcel is also read by the enterprise that bought it (its commitments with it).
        project_record("landparcel", "land.LandParcel"),
        project_record("parcelcommitment", "land.ParcelCommitment"),
        Spec("zonefigure", "assessment.ZoneFigure"),
        # A kept 数据核验 belongs to its author's unit: zone A, its city and the province read it.
        Spec("figurecheck", "reports.FigureCheck", extra=(("figure_check_detail", "get"),)),
        Spec(
            "user",
            "accounts.User",
            readers=("province", "city_a", "lead_a", "agent_a_other"),
        ),
    ]
}


def api_routes() -> dict:
    """Model → API prefix, from the DRF router."""
    from kaifaqu.urls import router

    return {viewset.resource.model: prefix for prefix, viewset, _basename in router.registry}


# -- the checks -------------------------------------------------------------------------------------


class Matrix:
    """Runs requests as each user and records every check (counted, and collected when one fails)."""

    def __init__(self, client, world):
        self.client, self.world = client, world
        self.count = 0
        self.actions: Counter = Counter()  # checks per action, for the summary
        self.users: set[str] = set()
        self.failures: list[str] = []
        self._as = None

    def as_(self, key):
        if self._as != key:
            self.client.force_login(self.world.users[key])
            self._as = key
        return self.client

    def check(self, spec, action, who, ok, detail=""):
        """One check of the matrix; ``spec`` is a :class:`Spec` or the name of a page."""
        self.count += 1
        self.actions["scope pages" if isinstance(spec, str) else action] += 1
        self.users.add(who)
        if not ok:
            self.failures.append(f"{getattr(spec, 'name', spec)} · {action} · {who}: {detail}")

    def home_counts(self, key) -> dict:
        home = self.world.home
        if key not in home:
            ctx = self.as_(key).get(reverse("records")).context
            home[key] = {card["url"]: card["count"] for _label, cards in ctx["groups"] for card in cards}
        return home[key]


def xlsx_rows(data: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)][1:]


def history_section(body: str) -> str | None:
    m = re.search(r'<table[^>]*id="history".*?</table>', body, re.S)
    return m.group(0) if m else None


def snapshot(model, pk):
    """The stored record (without the timestamp that the insider's own empty PATCH moves)."""
    values = model._base_manager.filter(pk=pk).values().first()
    if values is not None:
        values.pop("updated_at", None)
    return values


class Deleted(Exception):
    """An outsider deleted the record: what follows would check nothing."""


def still_there(m, spec, obj, action, label):
    exists = type(obj)._base_manager.filter(pk=obj.pk).exists()
    m.check(spec, action, label, exists, "deleted by a user who may not change it")
    if not exists:
        raise Deleted


def expected_write(user, model, visible: bool, read_only: bool, ok: int) -> int:
    """A role that may not write the model, or a record seen but not theirs to change: 403; unseen: 404."""
    if not can_write(user, model) or (visible and read_only):
        return 403
    return ok if visible else 404


def audience(spec: Spec) -> tuple[dict, set]:
    """User key → how the matrix names them (insider, reader, read-only reader, outsider (kind)); and who must
    see the record."""
    who = {spec.insider: "insider", **{u: "reader" for u in spec.readers}}
    who.update({u: "read-only reader" for u in spec.read_only})
    who.update({u: f"outsider ({kind})" for kind, u in spec.outsiders.items()})
    return who, {spec.insider, *spec.readers, *spec.read_only}


def refused(spec: Spec) -> list[tuple[str, str]]:
    """Those who must not change the record: (label, user key)."""
    outsiders = [(f"outsider ({kind})", u) for kind, u in spec.outsiders.items()]
    return [("read-only reader", u) for u in spec.read_only] + outsiders


def run_pages(m: Matrix, spec: Spec, obj) -> None:
    """The queryset, the pages of the record's resource, its history and its extra actions."""
    model = type(obj)
    w = m.world
    who, visible_to = audience(spec)
    before = snapshot(model, obj.pk)
    for key, label in who.items():
        user = w.users[key]
        visible = key in visible_to
        seen = model._default_manager.for_user(user).filter(pk=obj.pk).exists()
        m.check(spec, "queryset", label, seen == visible, f"for_user gives {seen}")
        m.check(spec, "in_scope", label, in_scope(user, obj) == visible, f"in_scope gives {not visible}")
    if spec.name == "user":
        run_user_actions(m, spec, obj, who, visible_to)
    elif model in REGISTRY:
        run_page_actions(m, spec, obj, REGISTRY[model], who, visible_to)
    run_history(m, spec, obj, who, visible_to)
    for name, method in spec.extra:
        url = reverse(name, args=[obj.pk])
        if method == "get":
            status = m.as_(spec.insider).get(url).status_code
            m.check(spec, name, "insider", status == 200, f"status {status}")
        for kind, key in spec.outsiders.items():
            c = m.as_(key)
            status = (c.get(url) if method == "get" else c.post(url)).status_code
            # A page hides the record (404); a POST may also be refused first for a role that may not write (403).
            refused = {404} if method == "get" else {403, 404}
            m.check(spec, name, f"outsider ({kind})", status in refused, f"status {status}, expected {refused}")
    after = snapshot(model, obj.pk)
    m.check(spec, "unchanged", "outsiders", after == before, f"{before} → {after}")


def run_api(m: Matrix, spec: Spec, obj) -> None:
    """The record's API route, if it has one."""
    model = type(obj)
    prefix = api_routes().get(model)
    if prefix is None or spec.name == "user":
        return
    who, visible_to = audience(spec)
    before = snapshot(model, obj.pk)
    run_api_actions(m, spec, obj, REGISTRY[model], prefix, who, visible_to)
    after = snapshot(model, obj.pk)
    m.check(spec, "unchanged", "outsiders", after == before, f"{before} → {after}")


def run_page_actions(m, spec, obj, resource, who, visible_to):
    model = type(obj)
    slug = resource.slug()
    link = f'href="{reverse(f"{slug}_detail", args=[obj.pk])}"'
    detail, edit, delete = (reverse(f"{slug}_{n}", args=[obj.pk]) for n in ("detail", "edit", "delete"))
    sheet = resource.sheet_class(m.world.users[spec.insider])
    exported = sheet.export(model._base_manager.filter(pk=obj.pk))  # the record alone, as the insider exports it
    row = xlsx_rows(exported)[0]
    for key, label in who.items():
        user = m.world.users[key]
        visible = key in visible_to
        c = m.as_(key)
        r = c.get(reverse(f"{slug}_list"))
        m.check(spec, "list", label, r.status_code == 200 and (link in r.content.decode()) == visible, link)
        status = c.get(detail).status_code
        m.check(spec, "detail", label, status == (200 if visible else 404), f"status {status}")
        if label == "reader":
            continue  # other readers: seeing is enough; the insider and the outsiders go through every action
        for action, url in (("edit", edit), ("delete", delete)):
            status = c.get(url).status_code
            want = expected_write(user, model, visible, key in spec.read_only, 200)
            m.check(spec, action, label, status == want, f"GET status {status}, expected {want}")
            if not visible or key in spec.read_only:
                status = c.post(url, {}).status_code
                m.check(spec, action, label, status == want, f"POST status {status}, expected {want}")
                still_there(m, spec, obj, action, label)
        # Export: the record's row is in this user's export of the list, or not.
        r = c.get(reverse(f"{slug}_list") + "?export=xlsx")
        rows = xlsx_rows(r.content) if r.status_code == 200 else []
        m.check(spec, "export", label, r.status_code == 200 and (row in rows) == visible, f"row {row}")
        r = c.get(reverse(f"{slug}_autocomplete") + "?q=")
        ids = [x["id"] for x in r.json()["results"]] if r.status_code == 200 else []
        m.check(spec, "autocomplete", label, r.status_code == 200 and (obj.pk in ids) == visible, f"ids {ids}")
        if not getattr(model, "reference_data", False):  # the home page counts work items, not catalogues
            counts = m.home_counts(key)
            url = reverse(f"{slug}_list")
            scoped = model._default_manager.for_user(user)
            if visible:
                ok = counts.get(url) == scoped.count() and counts.get(url, 0) >= 1
            else:
                ok = counts.get(url, 0) == scoped.exclude(pk=obj.pk).count()
            m.check(spec, "count", label, ok, f"home count {counts.get(url)}")
    # Import: the insider can re-import their export (a dry run); an outsider importing it is refused.
    if sheet.importable and can_write(m.world.users[spec.insider], model):
        upload = SimpleUploadedFile("export.xlsx", exported)
        r = m.as_(spec.insider).post(reverse(f"{slug}_import"), {"file": upload, "dry_run": "1"})
        m.check(spec, "import", "insider", r.status_code == 200, import_errors(r))
    if sheet.importable:
        total = model._base_manager.count()
        for label, key in refused(spec):
            upload = SimpleUploadedFile("export.xlsx", exported)
            r = m.as_(key).post(reverse(f"{slug}_import"), {"file": upload})
            want = 403 if not can_write(m.world.users[key], model) else 400
            ok = r.status_code == want and model._base_manager.count() == total
            m.check(spec, "import", label, ok, f"status {r.status_code}, expected {want}")


def import_errors(response) -> str:
    result = response.context.get("result") if response.context else None
    return f"status {response.status_code}: {getattr(result, 'errors', '')}"


def run_api_actions(m, spec, obj, resource, prefix, who, visible_to):
    model = type(obj)
    detail = f"/api/{prefix}/{obj.pk}/"
    for key, label in who.items():
        user = m.world.users[key]
        visible = key in visible_to
        c = m.as_(key)
        status = c.get(detail).status_code
        m.check(spec, "api detail", label, status == (200 if visible else 404), f"status {status}")
        if label == "reader":
            continue
        r = c.get(f"/api/{prefix}/?page_size=500")
        ids = [x["id"] for x in r.json()["results"]] if r.status_code == 200 else []
        m.check(spec, "api list", label, r.status_code == 200 and (obj.pk in ids) == visible, f"ids {ids}")
        want = expected_write(user, model, visible, key in spec.read_only, 200)
        r = c.patch(detail, {}, content_type="application/json")
        m.check(spec, "api write", label, r.status_code == want, f"PATCH {r.status_code}, expected {want}")
        if not visible or key in spec.read_only:
            status = c.delete(detail).status_code
            m.check(spec, "api write", label, status == want, f"DELETE {status}, expected {want}")
            still_there(m, spec, obj, "api write", label)
    sheet = resource.sheet_class(m.world.users[spec.insider])
    if sheet.importable:
        data = sheet.export(model._base_manager.filter(pk=obj.pk))
        total = model._base_manager.count()
        for label, key in refused(spec):
            upload = SimpleUploadedFile("export.xlsx", data)
            r = m.as_(key).post(f"/api/{prefix}/import/", {"file": upload})
            want = 403 if not can_write(m.world.users[key], model) else 400
            ok = r.status_code == want and model._base_manager.count() == total
            m.check(spec, "api import", label, ok, f"status {r.status_code}, expected {want}")


def run_user_actions(m, spec, obj, who, visible_to):
    """Colleagues: the people search (agents by default) and the agency-centre roster."""
    for key, label in who.items():
        visible = key in visible_to
        c = m.as_(key)
        r = c.get(reverse("accounts:user_autocomplete") + "?q=")
        ids = [x["id"] for x in r.json()["results"]]
        m.check(spec, "autocomplete", label, (obj.pk in ids) == visible, f"ids {ids}")
        r = c.get(reverse("approvals_agents"))
        found = html.escape(str(obj)) in r.content.decode()
        m.check(spec, "list", label, r.status_code == 200 and found == visible, f"{obj} on the roster: {found}")


def run_history(m, spec, obj, who, visible_to):
    """The record's change entries: on its own page and its history parent's, wherever those show a history."""
    model = type(obj)
    entry = ChangeRecord.objects.filter(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name, object_id=obj.pk
    ).first()
    if entry is None:  # every tracked record has a history; a user (not tracked) has none
        m.check(spec, "history", "recorded", not hasattr(model, "track_history"), "no change record")
        return
    places = []
    if model in REGISTRY and spec.name != "user":
        places.append(reverse(f"{REGISTRY[model].slug()}_detail", args=[obj.pk]))
    parent = getattr(obj, model.history_parent) if getattr(model, "history_parent", None) else None
    if parent is not None and type(parent) in REGISTRY:
        places.append(reverse(f"{REGISTRY[type(parent)].slug()}_detail", args=[parent.pk]))
    marker = html.escape(entry.object_repr)
    shown = []
    for url in places:
        section = history_section(m.as_(spec.insider).get(url).content.decode())
        if section is not None:
            shown.append(url)
            m.check(spec, "history", "insider", marker in section, f"{entry.object_repr} not in the history of {url}")
    for key, label in who.items():
        if key in visible_to:
            continue
        for url in shown:
            r = m.as_(key).get(url)
            section = history_section(r.content.decode()) if r.status_code == 200 else None
            m.check(spec, "history", label, section is None or marker not in section, f"{url} shows it")


@contextmanager
def world_for_module(django_db_blocker):
    """The world, built once for a test module inside a transaction that is rolled back at its end; every
    test runs in a savepoint of it (pytest-django's ``db``), so what a test changes is undone after it."""
    import time_machine
    from django.db import transaction
    from django.test.utils import override_settings

    from kaifaqu.approvals import calendar

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, time_machine.travel(clock.frozen_moment(clock.test_date()), tick=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.forget()


def run_matrix(run, spec_name, world, client, record_property) -> None:
    """Run one spec's checks (``run`` is :func:`run_pages` or :func:`run_api`); fail listing every failed check."""
    spec = SPECS[spec_name]
    obj = world[spec_name]
    assert isinstance(obj, spec.model)
    m = Matrix(client, world)
    with suppress(Deleted):
        run(m, spec, obj)
    record(m, record_property)
    assert m.count > 0
    assert not m.failures, "\n".join(m.failures)


# -- pages that take a scope (a city, zone, park or chain) rather than a record ---------------------------

# Users who may not see zone A (nor its park and chain): a sibling zone, another city, an enterprise of
# another zone, an agent of the sibling zone. ent2 (an enterprise in zone A) may choose zone A, but must find
# nothing of E1's in it.
NOT_ZONE_A = {"zone": "zone_a2", "city": "city_b", "enterprise": "ent3", "agent": "agent_a2"}
NOT_CITY_A = {"zone": "zone_b", "city": "city_b", "enterprise": "ent3", "agent": "agent_b"}


def _status(m, key, url, params=None):
    return m.as_(key).get(url, params or {})


def run_scope_parameters(m: Matrix) -> None:
    """Dashboards, rates, funnel, boards and the agency pages: a unit outside the user's scope is not found
    (404), and what the insider's page shows of zone A is not on an outsider's."""
    w = m.world
    units = {"zone": w.zone_a.pk, "city": w.city_a.pk, "park": w["park"].pk, "chain": w["industrychain"].pk}
    period = {"year": 2025, "month": 12}

    def refused(page, url, params, outsiders):
        for kind, key in outsiders.items():
            status = _status(m, key, url, params).status_code
            m.check(page, f"?{'&'.join(params)}", f"outsider ({kind})", status == 404, f"status {status}")

    # Dashboard: its figures of zone A, for zone A's insider; an outsider choosing zone A or city A gets 404.
    def projects_on_dashboard(key, params):
        r = _status(m, key, reverse("dashboard"), {**period, **params})
        return sum(s["count"] for s in r.context["data"]["stages"]) if r.status_code == 200 else None

    m.check("dashboard", "?zone", "insider", (projects_on_dashboard("zone_a", {"zone": units["zone"]}) or 0) >= 1)
    m.check("dashboard", "?city", "insider", (projects_on_dashboard("city_a", {"city": units["city"]}) or 0) >= 1)
    m.check("dashboard", "?zone", "outsider (enterprise in the zone)", projects_on_dashboard("ent2", {}) == 0)
    refused("dashboard", reverse("dashboard"), {"zone": units["zone"]}, NOT_ZONE_A)
    refused("dashboard", reverse("dashboard"), {"city": units["city"]}, NOT_CITY_A)
    # Its 预测预警 panel takes the same scope: the zone's insider gets it, an outsider choosing the zone 404.
    got = _status(m, "zone_a", reverse("dashboard_warning"), {**period, "zone": units["zone"]}).status_code
    m.check("dashboard_warning", "?zone", "insider", got == 200, f"status {got}")
    refused("dashboard_warning", reverse("dashboard_warning"), {"zone": units["zone"]}, NOT_ZONE_A)
    refused("dashboard_warning", reverse("dashboard_warning"), {"city": units["city"]}, NOT_CITY_A)
    # 开发区指标: the zone's figures for its insider; an outsider choosing the zone or city gets 404.
    got = _status(m, "zone_a", reverse("indicator_overview"), {"zone": units["zone"]}).status_code
    m.check("indicator_overview", "?zone", "insider", got == 200, f"status {got}")
    refused("indicator_overview", reverse("indicator_overview"), {"zone": units["zone"]}, NOT_ZONE_A)
    refused("indicator_overview", reverse("indicator_overview"), {"city": units["city"]}, NOT_CITY_A)
    got = _status(m, "zone_a", reverse("dashboard_indicators"), {"zone": units["zone"]}).status_code
    m.check("dashboard_indicators", "?zone", "insider", got == 200, f"status {got}")
    refused("dashboard_indicators", reverse("dashboard_indicators"), {"zone": units["zone"]}, NOT_ZONE_A)
    got = _status(m, "zone_a", reverse("api-indicator-overview"), {"zone": units["zone"]}).status_code
    m.check("api-indicator-overview", "?zone", "insider", got == 200, f"status {got}")
    refused("api-indicator-overview", reverse("api-indicator-overview"), {"zone": units["zone"]}, NOT_ZONE_A)
    # 土地供应与储备: the zone's land for its insider (the matrix's parcel, sold in 2024); an outsider choosing the
    # zone or city gets 404.
    r = _status(m, "zone_a", reverse("land_overview"), {"zone": units["zone"], "since": 2020, "year": 2025})
    sold = r.context["total"].parcels_sold if r.status_code == 200 else None
    m.check("land_overview", "?zone", "insider", (sold or 0) >= 1, f"status {r.status_code}, parcels {sold}")
    refused("land_overview", reverse("land_overview"), {"zone": units["zone"]}, NOT_ZONE_A)
    refused("land_overview", reverse("land_overview"), {"city": units["city"]}, NOT_CITY_A)
    # 审批计时 counts of one zone (today's and a past day's): the insider gets them, an outsider choosing it 404.
    for params in ({"zone": units["zone"]}, {"zone": units["zone"], "as_of": "2025-01-02"}):
        got = _status(m, "zone_a", reverse("api-clocks"), params).status_code
        m.check("api-clocks", "?zone", "insider", got == 200, f"status {got}")
        refused("api-clocks", reverse("api-clocks"), params, NOT_ZONE_A)

    # 三率, page and API, by city, zone, park or chain.
    for name in ("zone", "park", "chain", "city"):
        params = {**period, name: units[name]}
        insider = "city_a" if name == "city" else "zone_a"
        page = _status(m, insider, reverse("project_rates"), params)
        planned = page.context["total"].counts["new_planned"] if page.status_code == 200 else 0
        m.check("project_rates", f"?{name}", "insider", planned >= 1, f"status {page.status_code}, {planned} planned")
        api = _status(m, insider, reverse("api-rates"), params)
        planned = api.json()["total"]["new_planned"] if api.status_code == 200 else 0
        m.check("api-rates", f"?{name}", "insider", planned >= 1, f"status {api.status_code}, {planned} planned")
        outsiders = NOT_CITY_A if name == "city" else NOT_ZONE_A
        refused("project_rates", reverse("project_rates"), params, outsiders)
        refused("api-rates", reverse("api-rates"), params, outsiders)
    api = _status(m, "ent2", reverse("api-rates"), {**period, "zone": units["zone"]})
    m.check("api-rates", "?zone", "outsider (enterprise in the zone)", api.json()["total"]["new_planned"] == 0)

    # 挂图作战 and the promotion board of zone A.
    for page, marker in (("project_board", w["project"].name), ("promotion_board", w["lead"].company)):
        r = _status(m, "zone_a", reverse(page), {"zone": units["zone"]})
        m.check(page, "?zone", "insider", r.status_code == 200 and marker in r.content.decode(), marker)
        r = _status(m, "ent2", reverse(page), {"zone": units["zone"]})
        m.check(page, "?zone", "outsider (enterprise in the zone)", marker not in r.content.decode(), marker)
        refused(page, reverse(page), {"zone": units["zone"]}, NOT_ZONE_A)

    # The promotion funnel, page and API.
    params = {"start": "2024-01-01", "zone": units["zone"]}
    for page in ("promotion_funnel", "api-funnel"):
        r = _status(m, "zone_a", reverse(page), params)
        leads = (r.context["total"].leads if page == "promotion_funnel" else r.json()["total"]["leads"]) or 0
        m.check(page, "?zone", "insider", r.status_code == 200 and leads >= 1, f"status {r.status_code}")
        refused(page, reverse(page), params, NOT_ZONE_A)
    r = _status(m, "ent2", reverse("promotion_funnel"), params)
    m.check("promotion_funnel", "?zone", "outsider (enterprise in the zone)", r.context["total"].leads == 0)

    # Pages without a unit: what they show of zone A is on the insider's page only.
    chain, zone_name = w["industrychain"].name, w.zone_a.name

    def stats_zones(r):
        return [row["label"] for row in r.context["by_zone"]]

    for page, marker, outsiders, shown in (
        ("promotion_reserve", chain, OUTSIDERS, None),
        ("promotion_map", zone_name, NOT_ZONE_A, None),
        ("approvals_stats", zone_name, {**OUTSIDERS, "unassigned agent": "agent_a_other"}, stats_zones),
        ("approvals_reminders", w["project"].name, {**OUTSIDERS, "unassigned agent": "agent_a_other"}, None),
    ):
        for kind, key in {"": "zone_a", **outsiders}.items():
            r = _status(m, key, reverse(page))
            found = r.status_code == 200 and marker in (shown(r) if shown else r.content.decode())
            m.check(page, "", f"outsider ({kind})" if kind else "insider", found == (not kind), marker)
    r = _status(m, "agent_a", reverse("approvals_reminders"))
    m.check("approvals_reminders", "", "assigned agent", w["project"].name in r.content.decode())

    # The enterprise's approvals page, the overlap flags, and the home page's reminders.
    procedure = str(w["procedure"].type)
    r = _status(m, "ent1", reverse("approvals_mine"))
    m.check("approvals_mine", "", "insider", procedure in r.content.decode(), procedure)
    r = _status(m, "ent2", reverse("approvals_mine"))
    m.check("approvals_mine", "", "outsider (enterprise)", procedure not in r.content.decode(), procedure)
    for key, status in (("province", 200), ("city_a", 200), ("zone_a", 403), ("agent_a", 403), ("ent1", 403)):
        got = _status(m, key, reverse("promotion_overlaps")).status_code
        m.check("promotion_overlaps", "", key, got == status, f"status {got}, expected {status}")
    for key in ("zone_a", *OUTSIDERS.values(), "agent_a_other"):
        reminders = dict((str(label), n) for label, n, _url in _status(m, key, reverse("home")).context["reminders"])
        overdue = reminders.get("审批事项已超期", 0)
        m.check("home", "reminders", key, (overdue >= 1) == (key == "zone_a"), f"{overdue} overdue")
    # 数据核验: a text naming zone A is checked against zone A's ledger for its insiders only; for anyone else the
    # zone is not looked up (not even named back), whatever the text says.
    text = {"text": f"{w.zone_a.name}2025年1~12月重点项目开复工率达到100.0%。"}
    for key in ("zone_a", "city_a", "province", *NOT_ZONE_A.values()):
        r = m.as_(key).post(reverse("figure_check"), text, follow=True)
        found = r.status_code == 200 and r.context.get("zone") == w.zone_a
        m.check("figure_check", "", key, found == (key in ("zone_a", "city_a", "province")), f"status {r.status_code}")


def record(m: Matrix, record_property) -> None:
    """Hand the counts to the root conftest's summary (also from xdist workers)."""
    record_property("scope_checks", m.count)
    record_property("scope_actions", dict(m.actions))
