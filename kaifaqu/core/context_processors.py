from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main menu: registries now; later apps add their sections here."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if getattr(request.user, "role", "") == "enterprise":
        items = [
            (_("工作台"), reverse("home")),
            (_("我的审批进度"), reverse("approvals_mine")),
            (_("重点项目"), reverse("project_list")),
            (_("月度投资"), reverse("monthlyreport_list")),
            (_("问题清单"), reverse("problem_list")),
        ]
        return _with_active(request, items)
    items = [
        (_("工作台"), reverse("home")),
        (_("开发区"), reverse("zone_list")),
        (_("园区"), reverse("park_list")),
        (_("产业链"), reverse("industrychain_list")),
        (_("企业"), reverse("enterprise_list")),
        (_("重点项目"), reverse("project_list")),
        (_("三率"), reverse("project_rates")),
        (_("挂图作战"), reverse("project_board")),
        (_("月度投资"), reverse("monthlyreport_list")),
        (_("问题清单"), reverse("problem_list")),
        (_("三个一批"), reverse("campaign_list")),
        (_("调度会"), reverse("dispatchmeeting_list")),
        (_("招商线索"), reverse("lead_list")),
        (_("招商看板"), reverse("promotion_board")),
        (_("招商统计"), reverse("promotion_funnel")),
        (_("招商地图"), reverse("promotion_map")),
        (_("审批手续"), reverse("procedure_list")),
        (_("到期提醒"), reverse("approvals_reminders")),
        (_("代办中心"), reverse("approvals_agents")),
        (_("代办统计"), reverse("approvals_stats")),
        (_("地市"), reverse("city_list")),
    ]
    return _with_active(request, items)


def _with_active(request, items):
    path = request.path
    matches = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len) if matches else None
    return {"nav_items": [(label, url, url == active) for label, url in items]}
