"""Default procedure catalogue (domain.md; administrators edit it in the platform)."""

from kaifaqu.core.history import record_bulk, serialize
from kaifaqu.core.models import ChangeAction

from .models import ProcedureType

# name, stage, authority, limit, day kind, extension, allows 承诺制
DEFAULTS = [
    ("企业投资项目备案", 1, "行政审批服务管理局", 3, "working", 0, True),
    ("企业投资项目核准", 1, "发展和改革委员会", 20, "working", 10, False),
    ("建设项目用地预审与选址意见书", 1, "自然资源局", 20, "working", 10, False),
    ("建设用地规划许可证", 1, "自然资源局", 20, "working", 10, True),
    ("环境影响评价审批（报告书）", 1, "生态环境局", 60, "calendar", 0, False),
    ("环境影响评价审批（报告表）", 1, "生态环境局", 30, "calendar", 0, True),
    ("节能审查", 1, "行政审批服务管理局", 20, "working", 10, True),
    ("水土保持方案批复", 1, "水利局", 20, "working", 10, True),
    ("取水许可", 1, "水利局", 20, "working", 10, False),
    ("建设工程设计方案审查", 2, "自然资源局", 20, "working", 10, True),
    ("建设工程规划许可证", 2, "自然资源局", 20, "working", 10, True),
    ("人防设计条件", 2, "人民防空办公室", 5, "working", 0, True),
    ("消防设计审查", 3, "住房和城乡建设局", 15, "working", 0, False),
    ("施工图设计文件审查", 3, "住房和城乡建设局", 20, "working", 0, True),
    ("建筑工程施工许可证", 3, "行政审批服务管理局", 7, "calendar", 0, True),
    ("联合竣工验收", 4, "住房和城乡建设局", 20, "working", 0, False),
    ("竣工验收备案", 4, "住房和城乡建设局", 5, "working", 0, False),
    ("不动产登记", 4, "不动产登记中心", 5, "working", 0, False),
]


def load_defaults() -> int:
    """Create the catalogue items that do not exist yet (administrators' edits are kept)."""
    known = set(ProcedureType.objects.values_list("name", flat=True))
    new = [
        ProcedureType(name=n, stage=s, authority=a, limit_days=d, day_kind=k, extension_days=e, allows_commitment=c)
        for n, s, a, d, k, e, c in DEFAULTS
        if n not in known
    ]
    ProcedureType.objects.bulk_create(new)
    record_bulk([(o, ChangeAction.CREATE, None, serialize(o)) for o in new])
    return len(new)
