"""Kaifaqu benchmarks. Usage: .venv/bin/python bench/run.py [import|list ...]"""

import datetime
import io
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "bench" / "var"
sys.path.insert(0, str(ROOT))
os.environ.pop("DATABASE_URL", None)
os.environ["KFQ_VAR_DIR"] = str(VAR)
os.environ.setdefault("KFQ_ALLOWED_HOSTS", "testserver")
os.environ["DJANGO_SETTINGS_MODULE"] = "kaifaqu.settings"
os.environ["KFQ_DB_CONN_MAX_AGE"] = "0"

BASE = VAR / "province-v7.sqlite3"  # bump the name when the generated data changes
END = "2026-06"  # last month of the synthetic ledgers (fixed, so every machine builds the same data)
DB = VAR / "kaifaqu.sqlite3"


def setup_db():
    """The province-scale database: 93 zones, 100,000 enterprises (built once, then copied)."""
    VAR.mkdir(parents=True, exist_ok=True)
    if not BASE.exists():
        import django
        from django.core.management import call_command

        for p in VAR.glob("kaifaqu.sqlite3*"):
            p.unlink()
        django.setup()
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        call_command("generate_synthetic", zones=93, enterprises=100_000, seed=1)
        # 93 zones × 200 projects × 36 months of reports; no history rows for these millions (bench only).
        call_command(
            "generate_synthetic",
            zones=93,
            enterprises=0,
            projects_per_zone=200,
            months=36,
            end=END,
            seed=2,
            no_history=True,
            procedures=True,
            leads_per_zone=540,
        )
        print(f"built synthetic database in {time.perf_counter() - t:.0f} s")
        from django.db import connection

        connection.close()
        shutil.copy(DB, BASE)
    else:
        for p in VAR.glob("kaifaqu.sqlite3*"):
            p.unlink()
        shutil.copy(BASE, DB)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)  # indexes added since the base was built


def province_user():
    from kaifaqu.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-province", defaults={"role": "province"})
    return user


def bench_import():
    """Import a 10,000-row enterprise sheet (new enterprises in 93 zones) — rows per second."""
    from django.db import transaction
    from openpyxl import Workbook

    from kaifaqu.enterprises.sheets import EnterpriseSheet
    from kaifaqu.lib import creditcode
    from kaifaqu.zones.models import Zone

    zones = list(Zone.objects.order_by("pk").values_list("name", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(["企业名称", "统一社会信用代码", "所在开发区", "所属行业", "规上企业", "高新技术企业", "专精特新等级"])
    n = 10_000
    for i in range(n):
        code = creditcode.complete(f"92140100B{i:08d}")
        ws.append(
            [
                f"基准导入企业{i:05d}有限公司",
                code,
                zones[i % len(zones)],
                "装备制造",
                "是" if i % 3 else "否",
                "否",
                "专精特新中小企业" if i % 17 == 0 else "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    user = province_user()
    rates = []
    for _ in range(3):

        class Rollback(Exception):
            pass

        t = time.perf_counter()
        try:
            with transaction.atomic():
                result = EnterpriseSheet(user).import_file(io.BytesIO(data))
                elapsed = time.perf_counter() - t
                assert result.ok and result.created == n, result.errors[:5]
                raise Rollback
        except Rollback:
            pass
        rates.append(n / elapsed)
    print(
        f"import: 10,000-row enterprise sheet: median {statistics.median(rates):,.0f} rows/s "
        f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}; target >= 2,000)"
    )


def bench_list():
    """Filtered enterprise list page over 100,000 enterprises, as a province and a zone user."""
    from django.test import Client

    from kaifaqu.accounts.models import User
    from kaifaqu.enterprises.models import Enterprise
    from kaifaqu.zones.models import City, Zone

    total = Enterprise.objects.count()
    city = City.objects.get(code="140200")
    zone = Zone.objects.filter(city=city).order_by("pk").first()
    zone_user, _ = User.objects.get_or_create(username="bench-zone", defaults={"role": "zone", "zone": zone})
    cases = [
        (
            "province, city + 规上 filter, sorted by name",
            province_user(),
            f"/enterprises/?city={city.pk}&is_above_scale=true&sort=name",
        ),
        ("province, search '科技'", province_user(), "/enterprises/?q=%E7%A7%91%E6%8A%80"),
        ("province, unfiltered page 200", province_user(), "/enterprises/?page=200"),
        ("zone user, 高新 filter", zone_user, "/enterprises/?is_high_tech=true"),
        ("API, province, city filter", province_user(), f"/api/enterprises/?city={city.pk}"),
    ]
    for label, user, url in cases:
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 200
        times = []
        for _ in range(30):
            t = time.perf_counter()
            r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        print(
            f"list ({total:,} enterprises): {label}: median {statistics.median(times):.1f} ms "
            f"(p90 {sorted(times)[26]:.1f} ms; target <= 100 ms)"
        )


def timed(fn, runs=30):
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), sorted(times)[int(runs * 0.9) - 1]


RATES_SQL = """
WITH p AS (
  SELECT ap.kind, ap.planned_investment, ap.resumed_on, pr.started_on, pr.terminated_on, z.city_id,
         COALESCE((SELECT r.year_to_date FROM projects_monthlyreport r
                   WHERE r.project_id = ap.project_id AND r.month >= %(jan)s AND r.month <= %(last)s
                   ORDER BY r.month DESC LIMIT 1), 0) AS ytd
  FROM projects_annualplan ap
  JOIN projects_project pr ON pr.id = ap.project_id
  JOIN zones_zone z ON z.id = pr.zone_id
  WHERE ap.year = %(year)s
), plan_rows AS (
  SELECT city_id,
    SUM(CASE WHEN kind = 'new_start' AND NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s)
             THEN 1 ELSE 0 END) AS new_planned,
    SUM(CASE WHEN kind = 'new_start' AND NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s)
             AND started_on <= %(end)s THEN 1 ELSE 0 END) AS new_started,
    SUM(CASE WHEN kind = 'continuing' AND NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s)
             THEN 1 ELSE 0 END) AS cont_planned,
    SUM(CASE WHEN kind = 'continuing' AND NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s)
             AND resumed_on <= %(end)s THEN 1 ELSE 0 END) AS cont_resumed,
    SUM(CASE WHEN NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s)
             THEN planned_investment ELSE 0 END) AS planned,
    SUM(CASE WHEN NOT (terminated_on IS NOT NULL AND terminated_on <= %(end)s) THEN ytd ELSE 0 END) AS completed
  FROM p GROUP BY city_id
), capacity AS (
  SELECT z.city_id,
    SUM(CASE WHEN NOT (pr.terminated_on IS NOT NULL AND pr.terminated_on <= %(end)s) THEN 1 ELSE 0 END) AS due,
    SUM(CASE WHEN NOT (pr.terminated_on IS NOT NULL AND pr.terminated_on <= %(end)s)
             AND pr.capacity_on <= %(end)s THEN 1 ELSE 0 END) AS reached
  FROM projects_project pr JOIN zones_zone z ON z.id = pr.zone_id
  WHERE pr.planned_capacity_on >= %(jan)s AND pr.planned_capacity_on <= %(end)s
  GROUP BY z.city_id
)
SELECT plan_rows.city_id, new_planned, new_started, cont_planned, cont_resumed, planned, completed,
       COALESCE(due, 0), COALESCE(reached, 0)
FROM plan_rows LEFT JOIN capacity ON capacity.city_id = plan_rows.city_id
"""


def bench_rates():
    """Province rates page and API; the ORM computation against one hand-written SQL query."""
    from decimal import Decimal

    from django.db import connection
    from django.test import Client

    from kaifaqu.projects import rates
    from kaifaqu.projects.models import AnnualPlan, MonthlyReport, Project

    year, month = (int(x) for x in END.split("-"))
    period = rates.Period(year, month)
    user = province_user()
    print(
        f"rates data: {Project.objects.count():,} projects, {AnnualPlan.objects.count():,} plans, "
        f"{MonthlyReport.objects.count():,} monthly reports"
    )

    def orm():
        return rates.compute(
            AnnualPlan.objects.for_user(user), Project.objects.for_user(user), period, group_by="project__zone__city"
        )

    params = {"year": year, "jan": period.start, "last": period.last_month, "end": period.end}

    def raw():
        with connection.cursor() as cur:
            cur.execute(RATES_SQL, params)
            return cur.fetchall()

    total, units = orm()
    rows = raw()
    by_key = {row[0]: row for row in rows}
    assert len(by_key) == len(units)
    for unit in units:
        row = by_key[unit.key]
        assert [unit.new_planned, unit.new_started, unit.cont_planned, unit.cont_resumed] == list(row[1:5]), (unit, row)
        assert abs(unit.planned_investment - Decimal(str(row[5]))) < Decimal("0.01"), (unit, row)
        assert abs(unit.completed - Decimal(str(row[6]))) < Decimal("0.01"), (unit.completed, row[6])
        assert [unit.capacity_due, unit.capacity_reached] == list(row[7:9]), (unit, row)
    print(
        f"rates {period.label()}：开复工率 {total.start_resume_rate}%，投资完成率 {total.completion_rate}% "
        f"(same numbers from the ORM and the hand-written SQL)"
    )
    orm_ms, _ = timed(orm)
    raw_ms, _ = timed(raw)
    print(
        f"rates computation: ORM median {orm_ms:.1f} ms vs hand-written SQL {raw_ms:.1f} ms "
        f"= {orm_ms / raw_ms:.2f}x (target <= 1.5x)"
    )
    c = Client()
    c.force_login(user)
    for label, url in (
        ("page", f"/projects/rates/?year={year}&month={month}"),
        ("API", f"/api/rates/?year={year}&month={month}"),
    ):
        assert c.get(url).status_code == 200
        med, p90 = timed(lambda url=url: c.get(url))
        print(f"province rates {label}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")


def bench_ledger():
    """Import a 20,000-row monthly investment ledger (five months for 4,000 projects) — rows per second."""
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from openpyxl import Workbook

    from kaifaqu.projects.models import MonthlyReport
    from kaifaqu.projects.sheets import MonthlyReportSheet

    year, month = (int(x) for x in END.split("-"))
    last = datetime.date(year, month, 1)
    months = []
    m = last
    while len(months) < 5:  # the five months after the synthetic ledger ends (none in the future)
        m = datetime.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        months.append(m)
    assert months[-1] <= datetime.date.today().replace(day=1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("月度投资")
    ws.append(
        ["项目", "月份", "当月完成投资（万元）", "年初至报告期累计（万元）", "开工至报告期累计（万元）", "形象进度"]
    )
    n = 0
    reports = (
        MonthlyReport.objects.filter(month=last)
        .select_related("project")
        .filter(project__capacity_on__isnull=True, project__terminated_on__isnull=True)
        .order_by("pk")
    )
    for r in reports.iterator():
        if r.project.total_investment - r.since_start < len(months):
            continue
        ytd, since = r.year_to_date, r.since_start
        for m in months:
            amount = Decimal("1.00")
            ytd = amount if m.month == 1 else ytd + amount
            since += amount
            ws.append([r.project.code, m, amount, ytd, since, "主体施工"])
        n += len(months)
        if n >= 20_000:
            break
    assert n == 20_000, n
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    rates = []
    for _ in range(3):

        class Rollback(Exception):
            pass

        t = time.perf_counter()
        try:
            with transaction.atomic():
                result = MonthlyReportSheet(province_user()).import_file(io.BytesIO(data))
                elapsed = time.perf_counter() - t
                assert result.ok and result.created == n, result.errors[:5]
                raise Rollback
        except Rollback:
            pass
        rates.append(n / elapsed)
    print(
        f"ledger import: 20,000-row monthly ledger: median {statistics.median(rates):,.0f} rows/s "
        f"(runs: {', '.join(f'{r:,.0f}' for r in rates)}; target >= 2,000)"
    )


def bench_procedures():
    """Clocks and overdue status for ~150,000 procedures: list pages and API, filtered by clock status."""
    from django.test import Client

    from kaifaqu.accounts.models import User
    from kaifaqu.approvals.filters import status_q
    from kaifaqu.approvals.models import Procedure
    from kaifaqu.zones.models import Zone

    total = Procedure.objects.count()
    overdue = Procedure.objects.filter(status_q("overdue")).count()
    zone = Zone.objects.order_by("pk").first()
    zone_user, _ = User.objects.get_or_create(username="bench-zone", defaults={"role": "zone", "zone": zone})
    print(f"procedures: {total:,} in all, {overdue:,} overdue today")
    cases = [
        ("province, overdue", province_user(), "/procedures/?status=overdue"),
        ("province, all, sorted by due date", province_user(), "/procedures/?sort=-clock"),
        ("province, due soon", province_user(), "/procedures/?status=due_soon"),
        ("zone user, open", zone_user, "/procedures/?status=open"),
        ("API, province, overdue", province_user(), "/api/procedures/?status=overdue"),
    ]
    for label, user, url in cases:
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 200
        med, p90 = timed(lambda c=c, url=url: c.get(url))
        print(f"procedure list ({total:,}): {label}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")


def bench_funnel():
    """Promotion funnel statistics over ~50,000 leads and ~200,000 follow-ups."""
    import datetime

    from django.test import Client

    from kaifaqu.promotion import stats
    from kaifaqu.promotion.models import FollowUp, Lead

    leads, follow_ups = Lead.objects.count(), FollowUp.objects.count()
    print(f"promotion data: {leads:,} leads, {follow_ups:,} follow-ups")
    user = province_user()
    start, end = datetime.date(2025, 1, 1), datetime.date(2026, 6, 30)
    for group in ("zone", "mode", "source_region"):
        med, p90 = timed(lambda group=group: stats.funnel(Lead.objects.for_user(user), start, end, group))
        print(f"funnel by {group}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")
    c = Client()
    c.force_login(user)
    for label, url in (
        ("page", "/promotion/funnel/?start=2025-01-01&end=2026-06-30&group=zone"),
        ("API", "/api/promotion/funnel/?start=2025-01-01&end=2026-06-30&group=city"),
    ):
        assert c.get(url).status_code == 200
        med, p90 = timed(lambda url=url: c.get(url))
        print(f"province funnel {label}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")


def bench_dashboard():
    """Province dashboard (KPIs, stages, rates by city, round, funnel, approvals, problems) — page and export."""
    from django.test import Client

    year, month = (int(x) for x in END.split("-"))
    c = Client()
    c.force_login(province_user())
    for label, url in (
        ("page", f"/dashboard/?year={year}&month={month}"),
        ("zone", f"/dashboard/?year={year}&month={month}&zone=1"),
    ):
        assert c.get(url).status_code == 200
        med, p90 = timed(lambda url=url: c.get(url))
        print(f"dashboard {label}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")
    # The 预测预警 panel the page loads after it (forecast of each city, projects at risk): no target of its own.
    for label, url in (
        ("province", f"/dashboard/warning/?year={year}&month={month}"),
        ("zone", f"/dashboard/warning/?year={year}&month={month}&zone=1"),
    ):
        assert c.get(url).status_code == 200
        med, p90 = timed(lambda url=url: c.get(url), runs=10)
        print(f"dashboard warning panel {label}: median {med:.1f} ms (p90 {p90:.1f} ms)")


def bench_bulletin():
    """Province bulletin for one month: content from the registers, then .docx and .xlsx."""
    import datetime

    from kaifaqu.reports import exporters
    from kaifaqu.reports.bulletin import build
    from kaifaqu.reports.models import Bulletin

    year, month = (int(x) for x in END.split("-"))
    bulletin, _ = Bulletin.objects.get_or_create(month=datetime.date(year, month, 1), level="province")

    def make():
        content = build(bulletin)
        return exporters.to_docx(content), exporters.to_xlsx(content)

    docx, xlsx = make()
    med, p90 = timed(make, runs=5)
    print(
        f"province bulletin (docx {len(docx) // 1024} KB + xlsx {len(xlsx) // 1024} KB): median {med / 1000:.2f} s, "
        f"p90 {p90 / 1000:.2f} s "
        f"(target <= 3 s)"
    )


def bench_check():
    """数据核验 of a 5,000-character report against the province ledgers: 40 zones' 三率 for 1–5月, their signed
    projects, and the province's totals; the figures are made up, so most are inconsistent and the checker also
    searches the neighbouring months for each (its slowest path)."""
    import random

    from kaifaqu.reports import checker
    from kaifaqu.zones.models import Zone

    rng = random.Random(3)
    user = province_user()
    parts = ["2026年1~5月，全省开发区重点项目开复工率达到88.6%，投资完成率达到46.2%。"]
    for zone in Zone.objects.order_by("pk")[:40]:
        parts.append(
            f"{zone.name}2026年1~5月重点项目开复工率达到{rng.randint(700, 999) / 10}%，"
            f"投资完成率{rng.randint(300, 600) / 10}%，超序时进度{rng.randint(1, 90) / 10}个百分点。"
            f"{zone.name}目前共签约项目{rng.randint(20, 60)}个，总投资额{rng.randint(1000, 90000) / 100}亿元，"
            f"已开工项目{rng.randint(10, 20)}个，开工率达{rng.randint(300, 900) / 10}%。"
        )
    text = "".join(parts)
    while len(text) < 5000:
        text += parts[0]
    text = text[:5000]
    result = checker.check(text, user)
    med, p90 = timed(lambda: checker.check(text, user), runs=5)
    counts = {}
    for v in result["verdicts"]:
        counts[v.status] = counts.get(v.status, 0) + 1
    print(
        f"check a {len(text)}-character report ({len(result['claims'])} figures: {counts}) as a province user: "
        f"median {med / 1000:.2f} s, p90 {p90 / 1000:.2f} s (target <= 2 s)"
    )


def bench_forecast():
    """Backtest of the year-end forecast (预测预警) on the synthetic province: for 2025, the forecast made at the end
    of March, June and September from the earlier years' seasonal pattern, against 2025's actual year-end 投资完成率,
    per zone and for the province (median and 90th-percentile absolute error in percentage points)."""
    from kaifaqu.projects import forecast, rates
    from kaifaqu.projects.models import AnnualPlan, Project

    plans, projects = AnnualPlan.objects.all(), Project.objects.all()
    year = 2025
    actual_total, actual_units = rates.compute(plans, projects, rates.Period(year, 12), group_by="project__zone")
    actual = {u.key: u.completion_rate for u in actual_units}
    found = forecast.patterns(plans, year, "project__zone")
    print(f"backtest {year}: earlier years with a full pattern: {[p.year for p in found.get(None, [])]}")
    for month in (3, 6, 9):
        total, units = rates.compute(plans, projects, rates.Period(year, month), group_by="project__zone")
        errors = []
        for u in units:
            f = forecast.year_end(u, found.get(u.key, []))
            if f.rate is not None and actual.get(u.key) is not None:
                errors.append(abs(f.rate - actual[u.key]))
        province = forecast.year_end(total, found.get(None, []))
        errors.sort()
        print(
            f"forecast at end of {month}: {len(errors)} zones, median abs error {statistics.median(errors):.1f} pp, "
            f"p90 {errors[int(len(errors) * 0.9) - 1]:.1f} pp; province {province.rate}% vs actual "
            f"{actual_total.completion_rate}% (error {abs(province.rate - actual_total.completion_rate):.1f} pp)"
        )


def bench_assess():
    """The assessment arithmetic (lib.scoring): 40 indicators in the five groups of the ETDZ scheme, every rule
    kind, deductions and a veto, over 93 and 2,700 zones (the engine alone; reading the figures is not timed)."""
    import random
    from decimal import Decimal

    from kaifaqu.lib.scoring import Deduction, Grading, Item, Rule, Scheme, Veto, assess

    rng = random.Random(5)
    groups = (("对外开放", 30), ("发展质量", 30), ("科技创新", 15), ("绿色发展", 15), ("统筹协调", 10))
    kinds = ("share_of_best", "ratio_to_target", "growth", "min_max", "rank_points")
    items = []
    for g, (name, weight) in enumerate(groups):
        for k in range(8):  # 8 items a group, their points adding up to the group's weight
            rule = Rule(kinds[k % 5], target=Decimal(10) if kinds[k % 5] in ("ratio_to_target", "growth") else None)
            items.append(Item(f"i{g}{k}", f"指标{g}{k}", name, Decimal(weight) / 8, rule))
    scheme = Scheme(
        tuple((n, Decimal(w)) for n, w in groups),
        tuple(items),
        deductions=(Deduction("central", "中央巡视发现问题", Decimal("0.3")),),
        vetoes=(Veto("accident", "重大安全事故"),),
        grading=Grading(top=(("优秀", 10), ("良好", 30), ("合格", 40))),
        warn_bottom=5,
    )
    for zones in (93, 2700):
        values = {
            f"开发区{z:04d}": {i.code: Decimal(rng.randint(1, 100000)) / 100 for i in items} for z in range(zones)
        }
        cases = {f"开发区{z:04d}": {"central": rng.randint(0, 3)} for z in range(0, zones, 7)}
        vetoed = {f"开发区{z:04d}": {"accident"} for z in range(0, zones, 50)}
        med, _p90 = timed(lambda v=values, c=cases, x=vetoed: assess(scheme, v, c, x), runs=5)
        target = "1 s" if zones == 93 else "10 s"
        print(f"assessment of {zones} zones x {len(items)} indicators: median {med / 1000:.2f} s (target <= {target})")


def bench_assess_run():
    """A whole assessment run on the synthetic province, reading the database: the default catalogue plus entered
    indicators to 40 items, every zone of the largest category with a figure for each entered item, the ledger-derived
    items (工业投资, 转型 share, signed investment, 承诺制 share) computed from the 0.36M reports; then the run page as
    the province reads it, its .xlsx and .docx 通报, and publishing (results and inputs frozen)."""
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.test import Client

    from kaifaqu.assessment import catalogue, runs
    from kaifaqu.assessment.models import AssessmentRun, AssessmentScheme, Indicator, SchemeItem, ZoneFigure
    from kaifaqu.zones.models import Zone

    year = int(END[:4]) - 1  # the last full year of the ledgers
    rng = random.Random(7)
    with transaction.atomic():
        catalogue.load_defaults()
        category = "industrial"
        Zone.objects.update(category=category)  # all 93 zones in one category (the bench database is a copy)
        zones = list(Zone.objects.filter(category=category))
        indicators = list(Indicator.objects.order_by("pk"))
        for k in range(40 - len(indicators)):
            indicators.append(
                Indicator.objects.create(code=f"bench_{k}", name=f"测试指标{k:02d}", unit="亿元", period_kind="monthly")
            )
        indicators = indicators[:40]
        groups = (("对外开放", 30), ("发展质量", 30), ("科技创新", 15), ("绿色发展", 15), ("统筹协调", 10))
        AssessmentScheme.objects.filter(name="基准测试方案").delete()
        scheme = AssessmentScheme.objects.create(
            year=year + 1,
            category=category,
            name="基准测试方案",
            groups=[[g, w] for g, w in groups],
            grading="top",
            excellent=Decimal(10),
            good=Decimal(30),
            passing=Decimal(40),
            warn_bottom=5,
        )
        kinds = ("share_of_best", "min_max", "rank_points", "share_of_best", "min_max")
        for n, indicator in enumerate(indicators):
            group, weight = groups[n // 8]
            share = (Decimal(weight) / 8).quantize(Decimal("0.01"), rounding="ROUND_DOWN")  # as the field keeps it
            points = share if n % 8 < 7 else Decimal(weight) - 7 * share  # the group's last item takes the rest
            SchemeItem.objects.create(scheme=scheme, indicator=indicator, group=group, weight=points, rule=kinds[n % 5])
        month = datetime.date(year, 12, 1)
        ZoneFigure.objects.filter(month=month).delete()
        ZoneFigure.objects.bulk_create(
            ZoneFigure(zone=z, indicator=i, month=month, value=Decimal(rng.randint(1, 100000)) / 100)
            for z in zones
            for i in indicators
            if not i.derivation
        )
        run = AssessmentRun.objects.create(scheme=scheme, data_year=year)
    derived = sum(1 for i in indicators if i.derivation)
    print(f"assessment run: {len(zones)} zones x {len(indicators)} items ({derived} derived from the ledgers)")
    med, p90 = timed(lambda: runs.compute(run), runs=5)
    print(
        f"assessment run computed from the database: median {med / 1000:.2f} s (p90 {p90 / 1000:.2f} s; target <= 1 s)"
    )
    c = Client()
    c.force_login(province_user())
    for label, url in (
        ("run page", f"/assessment-runs/{run.pk}/"),
        ("ranking .xlsx", f"/assessment-runs/{run.pk}/export/"),
        ("通报 .docx", f"/assessment-runs/{run.pk}/tongbao/"),
    ):
        assert c.get(url).status_code == 200, url
        med, p90 = timed(lambda url=url: c.get(url), runs=5)
        print(f"assessment {label} (draft, computed on read): median {med:.0f} ms (p90 {p90:.0f} ms)")
    t = time.perf_counter()
    runs.publish(run.pk, province_user())
    print(f"assessment publish (compute and freeze): {time.perf_counter() - t:.2f} s")
    url = f"/assessment-runs/{run.pk}/"
    med, p90 = timed(lambda: c.get(url), runs=10)
    print(f"assessment run page (published, frozen): median {med:.0f} ms (p90 {p90:.0f} ms)")


def bench_land():
    """土地供应与储备 of the province (and one zone) over 93 zones × 60 parcels sold in 2020–2025 and 2 reserves each:
    the page's totals per city in three grouped queries (target: the province's land totals <= 150 ms median)."""
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.test import Client

    from kaifaqu.land.models import LandParcel, LandReserve
    from kaifaqu.zones.models import Zone

    rng = random.Random(11)
    with transaction.atomic():
        LandParcel.objects.all().delete()
        LandReserve.objects.all().delete()
        parcels = []
        for zone in Zone.objects.all():
            reserves = [
                LandReserve.objects.create(
                    zone=zone,
                    name=f"储备地块{k}",
                    area=Decimal(4000),
                    reserved_on=datetime.date(2019, 3, 1),
                    infrastructure_area=Decimal(1000),
                )
                for k in range(2)
            ]
            for i in range(60):
                area = Decimal(rng.randint(1000, 8000)) / 100
                parcels.append(
                    LandParcel(
                        zone=zone,
                        number=f"{zone.pk}-{i:03d}",
                        area=area,
                        land_use="industrial" if i % 5 else "warehouse",
                        is_standard=i % 4 != 0,
                        reserve=reserves[i % 2] if i % 3 == 0 else None,
                        status="sold",
                        sale_way="listing",
                        sold_on=datetime.date(2020 + i % 6, 1 + i % 12, 10),
                        price=area * 18,
                        price_per_mu=Decimal(18),
                    )
                )
        LandParcel.objects.bulk_create(parcels)
    print(f"land: {len(parcels)} parcels, {LandReserve.objects.count()} reserves")
    c = Client()
    c.force_login(province_user())
    zone = Zone.objects.order_by("pk").first()
    for label, url in (
        ("province, 2020-2025", "/land/?since=2020&year=2025&month=12"),
        ("province, one year", "/land/?year=2025&month=12"),
        ("one zone", f"/land/?since=2020&year=2025&month=12&zone={zone.pk}"),
    ):
        assert c.get(url).status_code == 200, url
        med, p90 = timed(lambda url=url: c.get(url))
        print(f"land totals page {label}: median {med:.1f} ms (p90 {p90:.1f} ms; target <= 150 ms)")


BENCHES = {
    "import": bench_import,
    "list": bench_list,
    "rates": bench_rates,
    "ledger": bench_ledger,
    "procedures": bench_procedures,
    "funnel": bench_funnel,
    "dashboard": bench_dashboard,
    "bulletin": bench_bulletin,
    "check": bench_check,
    "forecast": bench_forecast,
    "assess": bench_assess,
    "assess_run": bench_assess_run,
    "land": bench_land,
}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHES)
    setup_db()
    for name in chosen:
        BENCHES[name]()
