import functools

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The main menu: a section is a label and its (label, URL name) entries.
MENU = [
    (
        _("登记"),
        [
            (_("开发区"), "zone_list"),
            (_("园区"), "park_list"),
            (_("产业链"), "industrychain_list"),
            (_("企业"), "enterprise_list"),
            (_("地市"), "city_list"),
        ],
    ),
    (
        _("重点项目"),
        [
            (_("项目"), "project_list"),
            (_("三率统计"), "project_rates"),
            (_("挂图作战"), "project_board"),
            (_("月度投资"), "monthlyreport_list"),
            (_("年度计划"), "annualplan_list"),
            (_("问题清单"), "problem_list"),
            (_("停复工"), "suspension_list"),
            (_("三个一批"), "campaign_list"),
            (_("调度会"), "dispatchmeeting_list"),
        ],
    ),
    (
        _("审批代办"),
        [
            (_("审批手续"), "procedure_list"),
            (_("到期提醒"), "approvals_reminders"),
            (_("代办中心"), "approvals_agents"),
            (_("代办统计"), "approvals_stats"),
            (_("帮代服务"), "servicelog_list"),
            (_("六证同发"), "bundle_list"),
            (_("承诺书"), "commitment_list"),
            (_("审批事项目录"), "proceduretype_list"),
            (_("节假日安排"), "holiday_list"),
        ],
    ),
    (
        _("招商引资"),
        [
            (_("招商线索"), "lead_list"),
            (_("招商看板"), "promotion_board"),
            (_("招商统计"), "promotion_funnel"),
            (_("项目储备库"), "promotion_reserve"),
            (_("招商地图"), "promotion_map"),
            (_("外出招商"), "trip_list"),
            (_("签约协议"), "agreement_list"),
            (_("跟进记录"), "followup_list"),
            (_("重复招商"), "promotion_overlaps"),
        ],
    ),
    (
        _("土地"),
        [
            (_("土地供应与储备"), "land_overview"),
            (_("宗地（标准地）"), "landparcel_list"),
            (_("控制指标承诺"), "parcelcommitment_list"),
            (_("储备土地"), "landreserve_list"),
            (_("控制指标标准"), "indicatorstandard_list"),
        ],
    ),
    (
        _("统计与通报"),
        [
            (_("工作看板"), "dashboard"),
            (_("开发区指标"), "indicator_overview"),
            (_("指标数据"), "zonefigure_list"),
            (_("指标目录"), "indicator_list"),
            (_("考核结果"), "assessmentrun_list"),
            (_("历年考核对比"), "assessment_years"),
            (_("考核方案"), "assessmentscheme_list"),
            (_("月通报"), "bulletin_list"),
            (_("数据核验"), "figure_check"),
            (_("台账总览"), "records"),
        ],
    ),
]
# Pages that are not a register's list, and the roles they serve (a register's list is offered to whoever can see
# some of its records: its queryset for the user is not empty by role).
LEADERS = {"province", "city"}
MANAGERS = LEADERS | {"zone"}
PAGE_ROLES = {
    "project_rates": MANAGERS,
    "project_board": MANAGERS,
    "approvals_agents": MANAGERS,
    "approvals_stats": MANAGERS,
    "approvals_reminders": MANAGERS | {"agent"},
    "promotion_board": MANAGERS,
    "promotion_funnel": MANAGERS,
    "promotion_reserve": MANAGERS,
    "promotion_map": MANAGERS,
    "promotion_overlaps": LEADERS,
    "dashboard": MANAGERS,
    "figure_check": MANAGERS,
    "indicator_overview": MANAGERS,
    "assessment_years": MANAGERS,
    "land_overview": MANAGERS,
}
# An agent (代办员) files approvals on the investors' behalf: the menu is that work and the records it touches.
AGENT_PAGES = {
    *("procedure_list", "approvals_reminders", "servicelog_list", "bundle_list", "commitment_list"),
    *("proceduretype_list", "holiday_list", "project_list", "problem_list", "enterprise_list", "records"),
}


def offered(user, role: str, name: str) -> bool:
    """Whether the menu offers the page ``name`` to ``user``: only what the role can use."""
    if role == "agent" and name not in AGENT_PAGES:
        return False
    if name in PAGE_ROLES:
        return role in PAGE_ROLES[name]
    resource = _list_resources().get(name)
    return resource is None or not resource.queryset(user).query.is_empty()


@functools.cache
def _list_resources() -> dict:
    """List URL name → its register's resource (the registry is complete once the URLs are loaded)."""
    from kaifaqu.core.views import REGISTRY

    return {f"{resource.slug()}_list": resource for resource in REGISTRY.values()}


ENTERPRISE_MENU = [
    (_("我的审批进度"), [(_("我的审批进度"), "approvals_mine")]),
    (
        _("我的项目"),
        [(_("项目"), "project_list"), (_("月度投资"), "monthlyreport_list"), (_("问题清单"), "problem_list")],
    ),
]


def navigation(request):
    """The menu, with the section and entry of the current page marked (longest matching URL)."""
    from django.conf import settings

    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"demo_mode": settings.KFQ_DEMO}
    from kaifaqu.core.scoping import scope_for

    role = scope_for(request.user).role
    menu = ENTERPRISE_MENU if role == "enterprise" else MENU
    sections = [
        (label, [(entry, reverse(name)) for entry, name in entries if offered(request.user, role, name)])
        for label, entries in menu
    ]
    sections = [(label, entries) for label, entries in sections if entries]
    path = request.path
    urls = [url for _s, entries in sections for _e, url in entries]
    matches = [url for url in urls if path == url or path.startswith(url)]
    active = max(matches, key=len) if matches else None
    nav = [
        {
            "label": label,
            "active": any(url == active for _e, url in entries),
            "entries": [{"label": e, "url": url, "active": url == active} for e, url in entries],
        }
        for label, entries in sections
    ]
    return {"nav_sections": nav, "home_url": reverse("home"), "demo_mode": settings.KFQ_DEMO}
