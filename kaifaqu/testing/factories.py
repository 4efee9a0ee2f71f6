"""factory_boy factories for tests and benchmarks."""

import datetime
from decimal import Decimal

import factory

from kaifaqu.accounts.models import User
from kaifaqu.enterprises.models import Enterprise, EnterpriseZone
from kaifaqu.lib import creditcode
from kaifaqu.zones.models import City, IndustryChain, Park, Zone


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"14{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"测试市{n}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"测试经济技术开发区{n}")
    city = factory.SubFactory(CityFactory)
    category = "industrial"
    level = "provincial"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"测试园区{n}")


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"产业链{n}")
    research_group = factory.LazyAttribute(lambda o: f"{o.name}研究小组")


def credit_code_for(n: int) -> str:
    return creditcode.complete(f"91140200{n:09d}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"山西测试科技{n}有限公司")
    credit_code = factory.Sequence(credit_code_for)
    industry = "新材料"

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        for zone in extracted or []:
            EnterpriseZone.objects.create(enterprise=self, zone=zone)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "zone"
    password = factory.PostGenerationMethodCall("set_password", "Secret-pass-2026")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Project"

    name = factory.Sequence(lambda n: f"测试项目{n}")
    zone = factory.SubFactory(ZoneFactory)
    total_investment = 10000


def reached(stage: str, on):
    """Milestone dates for a project that reached ``stage`` on ``on`` (earlier ones the same day)."""
    order = ["signed_on", "started_on", "producing_on", "capacity_on"]
    last = {"signed": 0, "started": 1, "producing": 2, "capacity": 3}[stage]
    return {name: on for name in order[: last + 1]}


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.MonthlyReport"

    project = factory.SubFactory("kaifaqu.testing.factories.StartedProjectFactory")
    month = factory.LazyFunction(lambda: datetime.date(2024, 3, 1))
    this_month = 100
    year_to_date = 200
    since_start = 200


class StartedProjectFactory(ProjectFactory):
    signed_on = factory.LazyFunction(lambda: datetime.date(2024, 1, 10))
    started_on = factory.LazyFunction(lambda: datetime.date(2024, 2, 1))


class SuspensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Suspension"

    project = factory.SubFactory(StartedProjectFactory)
    suspended_on = factory.LazyFunction(lambda: datetime.date(2024, 12, 1))
    resumed_on = factory.LazyFunction(lambda: datetime.date(2025, 3, 1))
    reason = "冬季停工"


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.AnnualPlan"

    project = factory.SubFactory(ProjectFactory)
    year = 2025
    kind = "new_start"
    planned_investment = 1000


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Problem"

    project = factory.SubFactory(ProjectFactory)
    category = "land"
    description = factory.Sequence(lambda n: f"用地指标未落实{n}")
    owner_unit = "自然资源局"
    owner_person = "王科长"
    raised_on = factory.LazyFunction(lambda: datetime.date(2025, 3, 1))
    deadline = factory.LazyFunction(lambda: datetime.date(2025, 4, 1))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Campaign"

    name = factory.Sequence(lambda n: f"三个一批第{n}批")
    held_on = factory.LazyFunction(lambda: datetime.date(2023, 2, 22))
    level = "province"


class CampaignEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.CampaignEntry"

    campaign = factory.SubFactory(CampaignFactory)
    project = factory.SubFactory(ProjectFactory)
    kind = "signed"


class DispatchMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.DispatchMeeting"

    zone = factory.SubFactory(ZoneFactory)
    held_on = factory.LazyFunction(lambda: datetime.date(2024, 6, 27))
    title = factory.Sequence(lambda n: f"省级重点工程项目调度会{n}")
    chair = "崔俊林"


class ProcedureTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ProcedureType"

    name = factory.Sequence(lambda n: f"审批事项{n}")
    stage = 1
    authority = "行政审批服务管理局"
    limit_days = 20


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.Procedure"

    project = factory.SubFactory(ProjectFactory)
    type = factory.SubFactory(ProcedureTypeFactory)
    accepted_on = factory.LazyFunction(lambda: datetime.date(2025, 9, 30))


class PauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ProcedurePause"

    procedure = factory.SubFactory(ProcedureFactory)
    paused_on = factory.LazyFunction(lambda: datetime.date(2025, 10, 10))
    resumed_on = factory.LazyFunction(lambda: datetime.date(2025, 10, 20))
    reason = "expert"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.Commitment"

    procedure = factory.SubFactory(
        ProcedureFactory, mode="commitment", type=factory.SubFactory(ProcedureTypeFactory, allows_commitment=True)
    )
    promise = "开工前补齐施工图审查"
    due_on = factory.LazyFunction(lambda: datetime.date(2025, 12, 31))


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.Bundle"

    project = factory.SubFactory(ProjectFactory)
    planned_on = factory.LazyFunction(lambda: datetime.date(2025, 6, 1))


class ServiceLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ServiceLog"

    project = factory.SubFactory(ProjectFactory)
    zone = factory.LazyAttribute(lambda o: o.project.zone)
    served_on = factory.LazyFunction(lambda: datetime.date(2025, 5, 1))
    content = "协助准备环评材料"


class SourceRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.SourceRegion"
        django_get_or_create = ("name",)

    name = "京津冀"


class PromotionModeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.PromotionMode"
        django_get_or_create = ("name",)

    name = "精准招商"


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.Lead"

    zone = factory.SubFactory(ZoneFactory)
    company = factory.Sequence(lambda n: f"北京测试科技{n}有限公司")
    source_region = factory.SubFactory(SourceRegionFactory)
    mode = factory.SubFactory(PromotionModeFactory)
    first_contact_on = factory.LazyFunction(lambda: datetime.date(2024, 1, 10))


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.FollowUp"

    lead = factory.SubFactory(LeadFactory)
    kind = "phone"
    date = factory.LazyFunction(lambda: datetime.date(2024, 2, 1))
    people = "招商部"
    content = "电话沟通投资意向"


class TripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.Trip"

    zone = factory.SubFactory(ZoneFactory)
    start_on = factory.LazyFunction(lambda: datetime.date(2024, 3, 1))
    end_on = factory.LazyFunction(lambda: datetime.date(2024, 3, 3))
    destination = "北京"
    leader = "管委会主任"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotion.Agreement"

    lead = factory.SubFactory(LeadFactory)
    kind = "framework"
    signed_on = factory.LazyFunction(lambda: datetime.date(2024, 5, 1))
    amount = 5000


class EnterpriseZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseZone

    enterprise = factory.SubFactory(EnterpriseFactory)
    zone = factory.SubFactory(ZoneFactory)


class ReportCorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.ReportCorrection"

    report = factory.SubFactory(MonthlyReportFactory)
    field = "this_month"
    old_value = 100
    new_value = 120
    reason = "统计口径更正"


class StatusRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.StatusRule"


class ProgressAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "approvals.ProgressAccess"

    project = factory.SubFactory(ProjectFactory)


class BulletinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.Bulletin"

    month = factory.LazyFunction(lambda: datetime.date(2025, 9, 1))
    level = factory.LazyAttribute(lambda o: "city" if o.city else "province")
    city = None


def jingjinji(zone, terminated: bool = False) -> list:
    """Seed 000's 京津冀 projects of ``zone``: 25 signed from 京津冀 leads, 379.85 亿元 in all; 15 started, 94 亿元;
    with ``terminated`` the last of the 10 not started has been terminated (the ledger behind its 开工率 62.5%,
    15/24)."""
    region = SourceRegionFactory(name="京津冀")
    started = [60000] * 14 + [100000]
    waiting = [280000] * 9 + [338500]
    projects = []
    for i, amount in enumerate(started + waiting):
        factory_ = StartedProjectFactory if i < len(started) else ProjectFactory
        name = f"京津冀开工项目{i}" if i < len(started) else f"京津冀签约项目{i}"
        p = factory_(zone=zone, name=name, total_investment=amount, signed_on=datetime.date(2024, 1, 10))
        LeadFactory(zone=zone, company=f"北京京津冀转移{i:02d}科技有限公司", source_region=region, project=p)
        projects.append(p)
    if terminated:
        last = projects[-1]
        last.terminated_on, last.termination_reason = datetime.date(2024, 3, 1), "企业战略调整，项目终止"
        last.save()
    return projects


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.Indicator"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator_{n}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "亿元"


class ZoneFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.ZoneFigure"

    zone = factory.SubFactory(ZoneFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    month = factory.LazyFunction(lambda: datetime.date(2025, 6, 1))
    value = 10


class AssessmentSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.AssessmentScheme"

    year = 2026
    category = "industrial"
    sub_group = factory.Sequence(lambda n: f"分组{n}")
    name = factory.Sequence(lambda n: f"2026年工业类开发区考核方案{n}")
    groups = factory.LazyFunction(lambda: [["综合", 100]])


class SchemeAdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.SchemeAdjustment"

    scheme = factory.SubFactory(AssessmentSchemeFactory)
    kind = "deduction"
    name = "中央巡视发现问题"
    per_case = Decimal("0.3")


class AssessmentRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.AssessmentRun"

    scheme = factory.SubFactory(AssessmentSchemeFactory)
    data_year = 2025


class IndicatorStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "land.IndicatorStandard"

    year = 2008
    indicator = "plot_ratio"
    industry_code = factory.Sequence(lambda n: f"{13 + n % 30:02d}")
    industry_name = "测试行业"
    bound = "ge"
    value = Decimal("1.0")
    binding = "mandatory"


class LandReserveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "land.LandReserve"

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"储备地块{n:03d}")
    area = Decimal("500.00")
    reserved_on = factory.LazyFunction(lambda: datetime.date(2020, 3, 1))


class LandParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "land.LandParcel"

    zone = factory.SubFactory(ZoneFactory)
    number = factory.Sequence(lambda n: f"宗地{n:04d}")
    area = Decimal("100.00")
    land_use = "industrial"
    status = "sold"
    sale_way = "listing"
    sold_on = factory.LazyFunction(lambda: datetime.date(2024, 6, 1))
    price = Decimal("2000.00")


class ParcelCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "land.ParcelCommitment"

    parcel = factory.SubFactory(LandParcelFactory)
    indicator = "investment_intensity"
    bound = "ge"
    value = Decimal("300")
