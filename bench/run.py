"""Kaifaqu benchmarks. Usage: .venv/bin/python bench/run.py [import|list ...]"""

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

BASE = VAR / "province-100k.sqlite3"
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
        print(f"built synthetic database in {time.perf_counter() - t:.0f} s")
        from django.db import connection

        connection.close()
        shutil.copy(DB, BASE)
    else:
        for p in VAR.glob("kaifaqu.sqlite3*"):
            p.unlink()
        shutil.copy(BASE, DB)
    import django

    django.setup()


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


BENCHES = {"import": bench_import, "list": bench_list}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHES)
    setup_db()
    for name in chosen:
        BENCHES[name]()
