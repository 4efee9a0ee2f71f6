"""A deterministic table of malformed workbooks for every import (tests/test_import_fuzz_*.py).

The imports are read from the registry (every Resource whose sheet is importable, with its API
route from the router), so a new import is covered without touching the tests. For each one the
world below is exported (a valid sheet of that import) and then broken in one way per file: not a
workbook, a renamed zip, empty, truncated; unknown, duplicated and missing headers; text,
full-width digits and overflowing numbers in number columns; dates as text in several formats;
formulas without a result; control characters; very long strings; unknown names in lookup
columns; a shared-strings bomb; a far cell; duplicate keys; keys out of the importer's scope;
and a few mixes drawn with a fixed seed. Every file must be refused (4xx) with errors naming the
row and column (or one file-level error), and not a single row may be written anywhere.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models

from . import clock
from . import factories as f
from . import xlsx as X

SEED = 20260909


@dataclass
class Case:
    name: str
    data: bytes
    cells: set = field(default_factory=set)  # (row, column) that must be among the errors
    file_level: bool = False  # a single error at row 0
    user: str = "province"


def endpoints() -> list[tuple[str, str]]:
    """(resource slug, API route prefix) of every import, from the registry and the router."""
    from kaifaqu.core.views import REGISTRY
    from kaifaqu.urls import router

    api = {viewset.resource: prefix for prefix, viewset, _b in router.registry if getattr(viewset, "resource", None)}
    out = []
    for resource in REGISTRY.values():
        if resource.sheet_class is not None and resource.sheet_class.importable:
            out.append((resource.slug(), api[resource]))
    return sorted(out)


def resource_for(slug: str):
    from kaifaqu.core.views import REGISTRY

    return next(r for r in REGISTRY.values() if r.slug() == slug)


def _populate(zone, n: int) -> None:
    """One record of every kind in ``zone`` (n tells the zones' records apart)."""
    code = lambda i: f"2024-{zone.city.code}-36-03-{n * 100 + i:06d}"  # noqa: E731
    project = f.ProjectFactory(zone=zone, name=f"模糊测试项目{n}", code=code(1))
    started = f.StartedProjectFactory(zone=zone, name=f"模糊测试在建项目{n}", code=code(2))
    f.ParkFactory(zone=zone, name=f"模糊园{n}")
    f.IndustryChainFactory(zone=zone, name=f"模糊产业链{n}")
    f.EnterpriseFactory(name=f"山西模糊{n}有限公司", zones=[zone])
    f.SuspensionFactory(project=started)
    f.AnnualPlanFactory(project=project)
    f.MonthlyReportFactory(project=started)
    f.ProblemFactory(project=project)
    f.CampaignEntryFactory(campaign=f.CampaignFactory(name=f"模糊批次{n}"), project=project)
    f.DispatchMeetingFactory(zone=zone)
    procedure = f.ProcedureFactory(
        project=project, type=f.ProcedureTypeFactory(name=f"模糊事项{n}", allows_commitment=True), mode="commitment"
    )
    f.PauseFactory(procedure=procedure)
    f.CommitmentFactory(procedure=procedure)
    f.BundleFactory(project=project)
    f.ServiceLogFactory(project=project)
    lead = f.LeadFactory(zone=zone, company=f"北京模糊{n}科技有限公司")
    f.FollowUpFactory(lead=lead)
    f.TripFactory(zone=zone)
    indicator = f.IndicatorFactory(code=f"fuzz_{n}", name=f"模糊指标{n}")
    f.ZoneFigureFactory(zone=zone, indicator=indicator)
    scheme = f.AssessmentSchemeFactory(name=f"模糊考核方案{n}", sub_group=f"模糊分组{n}")
    apps.get_model("assessment.SchemeItem").objects.create(scheme=scheme, indicator=indicator, group="综合", weight=100)
    adjustment = f.SchemeAdjustmentFactory(scheme=scheme, name=f"模糊扣分项{n}")
    run = f.AssessmentRunFactory(scheme=scheme)
    apps.get_model("assessment.RunCase").objects.create(run=run, zone=zone, adjustment=adjustment)
    f.IndicatorStandardFactory(industry_code=f"{40 + n}", industry_name=f"模糊行业{n}")
    reserve = f.LandReserveFactory(zone=zone, name=f"模糊储备地块{n}")
    parcel = f.LandParcelFactory(zone=zone, number=f"模糊宗地{n}", reserve=reserve)
    f.ParcelCommitmentFactory(parcel=parcel)


def build_world(zone_a, zone_b) -> dict:
    clock.seed_calendar()
    f.SourceRegionFactory(name="京津冀")
    f.PromotionModeFactory(name="精准招商")
    _populate(zone_a, 1)
    _populate(zone_b, 2)
    return {
        "province": f.UserFactory(username="fuzz-province", role="province"),
        "zone": f.UserFactory(username="fuzz-zone-a", role="zone", zone=zone_a),
        "other": f.UserFactory(username="fuzz-zone-b", role="zone", zone=zone_b),
    }


def row_counts() -> tuple:
    """Rows of every table of the platform, in one query."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
        - {"django_session", "kfq_cache"}
    )
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables))
        return tuple(zip(tables, cursor.fetchone(), strict=True))


def exported(slug: str, user) -> list[list]:
    """The import's own export of what ``user`` sees: header and rows, as read back."""
    from kaifaqu.core.xlsxread import read_first_sheet

    resource = resource_for(slug)
    sheet = resource.sheet_class(user)
    rows = read_first_sheet(io.BytesIO(sheet.export(resource.queryset(user))))
    return [[None if v == "" else v for v in row] for row in rows]


def _kind(column) -> str:
    f_ = column.model_field
    if f_.many_to_many:
        return "m2m"
    if f_.is_relation:
        return "fk"
    if f_.choices:
        return "choice"
    if isinstance(f_, models.BooleanField):
        return "bool"
    if isinstance(f_, models.DateField):
        return "date"
    if isinstance(f_, models.DecimalField | models.IntegerField):
        return "number"
    if isinstance(f_, models.CharField):
        return "char"
    if isinstance(f_, models.TextField):
        return "text"
    return "other"


DATE_TEXTS = ["2025/01/02", "2025年1月2日", "20250102", "02-01-2025", "２０２５-０１-０２", "2025-1-2", "2025-13-01"]
BAD = {
    "number": ["abc", "１２３", "1e999999999", "inf", "--1", "1,2.3.4"],
    "date": DATE_TEXTS,
    "fk": ["不存在的名称_x0001_", "绝对不存在的记录"],
    "m2m": ["不存在的记录甲、不存在的记录乙"],
    "choice": ["不是选项"],
    "bool": ["也许"],
    "char": ["长" * 40_000, "控制_x0001_字符", "空_x0000_字符"],
    "text": ["控制_x0008_字符", "空_x0000_字符"],
}


def _put(base: list, header: list, columns, value_for) -> tuple[list, set]:
    """A copy of ``base`` (row 2) with ``value_for(column)`` in the given columns; the cells expected."""
    row = list(base) + [None] * (len(header) - len(base))
    cells = set()
    for c in columns:
        row[header.index(c.header)] = value_for(c)
        cells.add((2, c.header))
    if all(v in (None, "") for v in row):
        cells = set()  # nothing left: the row is blank, the sheet has no data row
    return row, cells


def cases(slug: str, users: dict) -> list[Case]:
    """The malformed files for one import, built from its export of the world."""
    resource = resource_for(slug)
    sheet = resource.sheet_class(users["province"])
    table = exported(slug, users["province"])
    header, rows = table[0], table[1:]
    assert rows, f"the world has no {slug} to start from"
    base = rows[0]
    by_kind: dict[str, list] = {}
    for c in sheet.columns:
        by_kind.setdefault(_kind(c), []).append(c)
    key_header = sheet._column_for(sheet.key[-1]).header
    out = [
        Case("not a workbook", b"\x00\x01 this is not a workbook at all " * 20, file_level=True),
        Case("renamed zip", X.zip_of({"data.csv": "名称，面积\n甲，1\n".encode()}), file_level=True),
        Case("empty file", b"", file_level=True),
        Case("truncated workbook", X.workbook(table)[:1500], file_level=True),
        Case("csv renamed", ",".join(str(h) for h in header).encode(), file_level=True),
        Case("unknown header", X.workbook([[*header, "不存在的列"], *rows]), cells={(1, "不存在的列")}),
        Case("misspelled header", X.workbook([[header[0] + "X", *header[1:]], *rows]), cells={(1, header[0] + "X")}),
        Case("duplicated header", X.workbook([[*header, header[-1]], *rows]), cells={(1, header[-1])}),
        Case("header only", X.workbook([header])),
        Case(
            "far cell",
            X.package(X.sheet([header], extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')),
            file_level=True,
        ),
        Case(
            "tall sheet",
            X.package(X.sheet([header], extra_cells='<row r="1048576"><c r="Z1048576"><v>1</v></c></row>')),
            file_level=True,
        ),
        Case(
            "shared-strings bomb",
            X.package(
                X.sheet([[f'<c r="{X.column_letter(i + 1)}1" t="s"><v>0</v></c>' for i in range(len(header))]]),
                shared_strings=X.shared_strings(["炸弹" * 50] * 120_000),
            ),
            file_level=True,
        ),
        Case("duplicate key", X.workbook([header, base, base]), cells={(3, key_header)}),
        Case(
            "duplicate key, three times",
            X.workbook([header, base, base, base]),
            cells={(3, key_header), (4, key_header)},
        ),
    ]
    required = [c for c in sheet.columns if c.required]
    if required:
        missing = [h for h in header if h != required[0].header]
        idx = [header.index(h) for h in missing]
        out.append(
            Case(
                "missing required column",
                X.workbook([missing, *[[r[i] for i in idx] for r in rows]]),
                cells={(1, required[0].header)},
            )
        )
        row, cells = _put(base, header, required, lambda c: None)
        out.append(Case("required cells blank", X.workbook([header, row]), cells=cells))
    for kind, values in BAD.items():
        columns = by_kind.get(kind, [])
        if not columns:
            continue
        for value in values:
            row, cells = _put(base, header, columns, lambda c, v=value: v)
            out.append(Case(f"{kind}: {value[:12]!r}", X.workbook([header, row]), cells=cells))
    plain = by_kind.get("char", []) + by_kind.get("text", []) + by_kind.get("number", [])
    if plain:
        row, cells = _put(base, header, plain, lambda c: "=1+1")
        out.append(Case("formulas without a result", X.workbook([header, row]), cells=cells))
    if by_kind.get("date"):
        row, cells = _put(base, header, by_kind["date"], lambda c: 45000.0)
        out.append(Case("date as a serial number", X.workbook([header, row]), cells=cells))
    # Mixes: every column of five rows gets a bad value drawn with a fixed seed.
    rng = random.Random(f"{SEED}-{slug}")
    for i in range(3):
        mixed, cells = [header], set()
        for r in range(5):
            row = list(base)
            for c in sheet.columns:
                pool = BAD.get(_kind(c))
                if pool and rng.random() < 0.7:
                    row[header.index(c.header)] = rng.choice(pool)
                    cells.add((r + 2, c.header))
            mixed.append(row)
        out.append(Case(f"mix {i}", X.workbook(mixed), cells=cells))
    # Out of scope: what a zone-B user exports, imported by a zone-A user (where A may import at all).
    from kaifaqu.core.scoping import can_write

    if can_write(users["zone"], sheet.model):
        theirs = exported(slug, users["other"])
        mine = {tuple(r) for r in exported(slug, users["zone"])[1:]}
        foreign = [r for r in theirs[1:] if tuple(r) not in mine]
        if foreign:
            out.append(Case("out-of-scope keys", X.workbook([theirs[0], *foreign]), user="zone"))
    return out


def post(client, slug: str, prefix: str, data: bytes, *, api: bool):
    """(status, [(row, column, message)]) of posting ``data`` to the page or API import."""
    from django.urls import reverse

    if api:
        r = client.post(f"/api/{prefix}/import/", {"file": X.upload(data)})
        body = r.json()
        return r.status_code, [(e["row"], e["column"], e["message"]) for e in body.get("errors", [])]
    r = client.post(reverse(f"{slug}_import"), {"file": X.upload(data)})
    result = r.context.get("result") if r.context else None
    return r.status_code, [(e.row, e.column, e.message) for e in (result.errors if result else [])]


def run(slug: str, prefix: str, users: dict, *, api: bool) -> int:
    """Post every case of one import; returns how many files were posted."""
    from django.test import Client
    from django.urls import reverse

    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    # The starting point is valid: its own export imports back (checked, not written).
    c = clients["province"]
    good = X.workbook(exported(slug, users["province"]))
    if api:
        r = c.post(f"/api/{prefix}/import/", {"file": X.upload(good), "dry_run": "true"})
        assert r.status_code == 200, (slug, r.json()["errors"][:5])
    else:
        r = c.post(reverse(f"{slug}_import"), {"file": X.upload(good), "dry_run": "1"})
        assert r.status_code == 200, (slug, r.context["result"].errors[:5])
    table = cases(slug, users)
    before = row_counts()
    posted = 0
    for case in table:
        status, errors = post(clients[case.user], slug, prefix, case.data, api=api)
        where = f"{slug} ({'API' if api else 'page'}): {case.name}"
        assert 400 <= status < 500, (where, status, errors[:3])
        assert errors, where
        if case.file_level or any(r == 0 for r, _c, _m in errors):
            assert case.file_level or len(errors) == 1, (where, errors[:3])
            assert len(errors) == 1 and errors[0][:2] == (0, ""), (where, errors[:3])
        else:
            assert all(r >= 1 and m for r, _c, m in errors), (where, errors[:3])
            flagged = {(r, c) for r, c, _m in errors}
            assert case.cells <= flagged, (where, sorted(case.cells - flagged), errors[:5])
        after = row_counts()
        assert after == before, (where, [(t, a, b) for (t, a), (_t, b) in zip(before, after, strict=True) if a != b])
        posted += 1
    return posted


__all__ = ["Case", "build_world", "cases", "endpoints", "run"]
