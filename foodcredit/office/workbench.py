"""The workbench (工作台), the back office's home: per role, the day's work as counts, each a link to the list it
counts (STYLE.md: "a workbench is a set of counts, each count a link to a filtered list"), then the district at a
glance in charts whose bars open their lists.

A tile names a list by URL name and query string. When that list is an `OfficeListView` (office/tables.py), the
count is the list's own row count for that query (`count_for`: the same selector scoped with `for_user`, the same
filter set), so the number on the tile is the number of rows the link shows. A list built another way is counted by
the selector given as the tile's fallback. A tile whose list does not exist (yet), or that the role may not open, is
not shown — pages built by other parts of the office (the 未分类 violation queue, list proposals, administration)
appear here as soon as their URL names resolve.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import User
from foodcredit.collection import selectors as collection_selectors
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.models import ListEntry, RepairApplication
from foodcredit.operators.models import STREETS, Operator
from foodcredit.planning import selectors as planning_selectors
from foodcredit.planning.models import Task
from foodcredit.planning.selectors import workbench as planning_workbench
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk.rules import CLASSES

from .tables import OfficeListView

logger = logging.getLogger(__name__)
R = User.Role
Count = Callable[[User, date], int]


@dataclass(frozen=True)
class Spec:
    """A tile to show if its list exists: label, the list's URL name and filters, the fallback count."""

    label: str | Promise
    url_name: str
    params: dict[str, str] | Callable[[date], dict[str, str]] = field(default_factory=dict)
    fallback: Count | None = None
    note: str | Promise = ""
    urgent: bool = False  # a non-zero count is work that is late


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None
    url: str
    note: str = ""
    urgent: bool = False


def list_url(url_name: str, params: dict[str, str] | None = None) -> str | None:
    """The list's address with its filters, or None when no such page exists."""
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        return None
    return f"{path}?{urlencode(params)}" if params else path


def unknown_filters(view_class: type[OfficeListView], params: dict[str, str]) -> set[str]:
    """Query parameters of a tile that its list's filter set does not know (and would silently ignore)."""
    filterset_class = view_class.filterset_class
    known = set(getattr(filterset_class, "base_filters", {})) if filterset_class else set()
    names = set()
    for key in params:
        names.add(next((f for f in known if key == f or key.startswith(f + "_")), key))
    return names - known


def tile(request: HttpRequest, spec: Spec, *, as_of: date) -> Tile | None:
    """The tile of `spec` for the caller, or None (no such list, or the role may not open it)."""
    params = spec.params(as_of) if callable(spec.params) else spec.params
    url = list_url(spec.url_name, params)
    if url is None:
        return None
    view_class = getattr(resolve(reverse(spec.url_name)).func, "view_class", None)
    count: int | None
    if isinstance(view_class, type) and issubclass(view_class, OfficeListView):
        if unknown_filters(view_class, params):
            logger.warning("workbench tile %s: %s has no filter among %s", spec.label, spec.url_name, sorted(params))
            return None  # the list would ignore the filter: its count would not be the tile's
        count = view_class.count_for(request, params)
        if count is None:
            return None
    elif spec.fallback is not None:
        assert isinstance(request.user, User)
        count = spec.fallback(request.user, as_of)
    else:
        count = None
    return Tile(label=str(spec.label), count=count, url=url, note=str(spec.note), urgent=spec.urgent)


# ── fallback counts, through the selectors that scope each kind for the caller ──────────────────────────────────


def _tasks(status: str) -> Count:
    return lambda user, as_of: planning_selectors.task_scope(for_user=user).filter(status=status).count()


def _tasks_overdue(user: User, as_of: date) -> int:
    return planning_selectors.task_list(for_user=user, as_of=as_of, overdue_only=True).count()


def _list_entries(status: str) -> Count:
    return lambda user, as_of: credit_selectors.list_entries(for_user=user).filter(status=status).count()


OPEN_REPAIRS = (RepairApplication.Status.SUBMITTED, RepairApplication.Status.ACCEPTED)


def _repairs_open(user: User, as_of: date) -> int:
    return credit_selectors.repair_applications(for_user=user).filter(status__in=OPEN_REPAIRS).count()


def _repairs_overdue(user: User, as_of: date) -> int:
    open_ = credit_selectors.repair_applications(for_user=user).filter(status__in=OPEN_REPAIRS)
    return sum(1 for a in open_ if credit_selectors.repair_overdue(a, as_of=as_of))


def _imports_rejected(user: User, as_of: date) -> int:
    return collection_selectors.job_list(for_user=user).filter(rejected_count__gt=0).count()


def _review_queue(user: User, as_of: date) -> int:
    return collection_selectors.pending_list(for_user=user).count()


def _operators(user: User, as_of: date) -> int:
    from foodcredit.operators import selectors as operator_selectors

    return operator_selectors.operator_scope(for_user=user).count()


# ── the tiles of each role ──────────────────────────────────────────────────────────────────────────────────────

TASKS_UNASSIGNED = Spec(
    _("待分派的检查任务"),
    "office:planning_tasks",
    {"status": Task.Status.UNASSIGNED},
    _tasks(Task.Status.UNASSIGNED),
    _("分派给两名以上检查人员"),
    urgent=True,
)
TASKS_OVERDUE = Spec(
    _("逾期未公示结果的任务"),
    "office:planning_tasks",
    {"overdue": "true"},
    _tasks_overdue,
    _("超过20个工作日公示期限"),
    urgent=True,
)
TASKS_TO_INSPECT = Spec(
    _("待检查的任务"),
    "office:planning_tasks",
    {"status": Task.Status.ASSIGNED},
    _tasks(Task.Status.ASSIGNED),
    _("检查后录入结果"),
)
TASKS_TO_PUBLISH = Spec(
    _("已录入待公示的任务"),
    "office:planning_tasks",
    {"status": Task.Status.RECORDED},
    _tasks(Task.Status.RECORDED),
    _("检查结果待公示"),
)
FREQUENCY_OVERDUE = Spec(
    _("超过检查频次的经营主体"),
    "office:planning_frequency",
    {},
    None,
    _("按风险类别的最低现场检查频次"),
    urgent=True,
)
FREQUENCY_NEVER = Spec(
    _("从未现场检查的经营主体"),
    "office:planning_frequency",
    {"never": "1"},
    None,
    _("自登记起从未检查"),
)
LIST_AWAITING_APPROVAL = Spec(
    _("待批准的列入建议"),
    "office:lists",
    {"status": ListEntry.Status.AWAITING_APPROVAL},
    _list_entries(ListEntry.Status.AWAITING_APPROVAL),
    _("严重违法失信名单，待上级批准"),
)
LIST_PROPOSED = Spec(
    _("已告知待决定的列入"),
    "office:lists",
    {"status": ListEntry.Status.PROPOSED},
    _list_entries(ListEntry.Status.PROPOSED),
    _("陈述申辩期满后作出决定"),
)
REPAIRS_OPEN = Spec(
    _("待处理的信用修复申请"),
    "office:repairs",
    {"status": "open"},
    _repairs_open,
    _("受理与决定均有工作日期限"),
)
REPAIRS_OVERDUE = Spec(
    _("逾期的信用修复申请"),
    "office:repairs",
    {"overdue": "1"},
    _repairs_overdue,
    _("已超过受理或决定期限"),
    urgent=True,
)
OBJECTIONS_OPEN = Spec(
    _("待处理的异议申诉"),
    "office:objections",
    {"status": "open"},
    None,
    _("受理与办结均有工作日期限"),
)
OBJECTIONS_OVERDUE = Spec(
    _("逾期的异议申诉"),
    "office:objections",
    {"overdue": "1"},
    None,
    _("已超过受理或办结期限"),
    urgent=True,
)
MY_OBJECTIONS = Spec(_("我的异议申诉"), "office:objections", {}, None, _("在信用档案的记录上提出，查看办理结果"))
IMPORTS_REJECTED = Spec(
    _("有拒收行的导入任务"),
    "office:imports",
    {"rejected": "1"},
    _imports_rejected,
    _("下载错误报告，修正后重新导入"),
)
REVIEW_QUEUE = Spec(
    _("待关联的记录"),
    "office:review_queue",
    {},
    _review_queue,
    _("经营主体尚未登记的记录"),
)
VIOLATION_QUEUE = Spec(
    _("未分类的违法行为"),
    "office:violation_queue",
    {},
    None,
    _("归类后方可判断能否列入严重违法失信名单"),
    urgent=True,
)
LIST_CANDIDATES = Spec(
    _("待提出列入建议的处罚"),
    "office:list_candidates",
    {},
    None,
    _("可列入严重违法失信名单的违法行为类型"),
)
COMMITMENTS_PENDING = Spec(
    _("待核查的信用承诺"),
    "office:commitments",
    {"verification": "pending"},
    None,
    _("核查属实或认定虚假承诺"),
)
LINKS_PENDING = Spec(
    _("待确认的企业用户关联"),
    "office:admin_business_links",
    {"status": "pending"},
    None,
    _("核对统一社会信用代码与法定代表人"),
)
USERS_ACTIVE = Spec(_("启用的用户"), "office:admin_users", {"is_active": "true"}, None, _("用户、部门与企业用户"))
USERS_SECURITY = Spec(_("用户角色与范围"), "office:admin_roles", {}, None, _("授予角色与数据范围"))
AUDIT_TODAY = Spec(
    _("今日审计记录"),
    "office:admin_audit",
    lambda day: {"occurred_after": day.isoformat(), "occurred_before": day.isoformat()},
    None,
    _("按操作人、对象、动作、时间查询"),
)
MY_OPERATORS = Spec(_("我的经营主体"), "office:operator_search", {}, _operators, _("查看信用档案"))
MY_COMMITMENTS = Spec(_("我的信用承诺"), "office:commitments", {}, None, _("作出与查看承诺"))
ALERTS_OPEN = Spec(
    _("未办结的预警"),
    "office:alerts",
    {"status": "open", "notice": "false"},
    None,
    _("选择提醒、警示、约谈或检查"),
)
ALERTS_OVERDUE = Spec(
    _("逾期的预警"),
    "office:alerts",
    {"overdue": "1"},
    None,
    _("超过措施或办理期限"),
    urgent=True,
)
OPERATORS_IN_SCOPE = Spec(_("辖区经营主体"), "office:operator_search", {}, _operators, _("按名称、街道、业态查询"))

ROLE_TILES: dict[str, list[Spec]] = {
    R.DISTRICT_REGULATOR: [
        ALERTS_OVERDUE,
        ALERTS_OPEN,
        TASKS_UNASSIGNED,
        TASKS_OVERDUE,
        FREQUENCY_OVERDUE,
        FREQUENCY_NEVER,
        VIOLATION_QUEUE,
        LIST_CANDIDATES,
        LIST_AWAITING_APPROVAL,
        LIST_PROPOSED,
        REPAIRS_OVERDUE,
        REPAIRS_OPEN,
        OBJECTIONS_OVERDUE,
        OBJECTIONS_OPEN,
        COMMITMENTS_PENDING,
        LINKS_PENDING,
        REVIEW_QUEUE,
        IMPORTS_REJECTED,
        TASKS_TO_PUBLISH,
    ],
    R.STATION_REGULATOR: [
        ALERTS_OVERDUE,
        ALERTS_OPEN,
        TASKS_UNASSIGNED,
        TASKS_OVERDUE,
        FREQUENCY_OVERDUE,
        FREQUENCY_NEVER,
        TASKS_TO_INSPECT,
        TASKS_TO_PUBLISH,
        REVIEW_QUEUE,
        IMPORTS_REJECTED,
        OPERATORS_IN_SCOPE,
    ],
    R.INSPECTOR: [TASKS_TO_INSPECT, TASKS_OVERDUE, TASKS_TO_PUBLISH],
    R.OTHER_DEPARTMENT: [IMPORTS_REJECTED],
    R.ASSOCIATION: [],
    R.BUSINESS: [MY_OPERATORS, MY_COMMITMENTS, MY_OBJECTIONS],
    R.SYSTEM_ADMIN: [LINKS_PENDING, USERS_ACTIVE],
    R.SECURITY_ADMIN: [USERS_SECURITY],
    R.AUDIT_ADMIN: [AUDIT_TODAY],
}

# Pages other parts of the office build, shown as links when their URL names resolve (no count).
ROLE_LINKS: dict[str, list[tuple[str | Promise, str]]] = {
    R.DISTRICT_REGULATOR: [
        (_("新建抽查计划"), "office:planning_plan_new"),
        (_("抽查计划"), "office:planning_plans"),
        (_("检查人员"), "office:planning_inspectors"),
        (_("名录名单"), "office:lists"),
        (_("违法行为类型"), "office:violation_types"),
        (_("典型案例"), "office:cases"),
        (_("从业禁止"), "office:bans"),
        (_("信用风险分类"), "office:risk_dashboard"),
        (_("数据归集"), "office:imports"),
        (_("不予公示标注"), "office:disclosure_holds"),
    ],
    R.STATION_REGULATOR: [
        (_("检查人员"), "office:planning_inspectors"),
        (_("抽查计划"), "office:planning_plans"),
        (_("数据归集"), "office:imports"),
    ],
    R.INSPECTOR: [(_("我的检查任务"), "office:planning_tasks")],
    R.OTHER_DEPARTMENT: [
        (_("联合惩戒核查"), "office:eligibility"),
        (_("数据归集"), "office:imports"),
        (_("上传数据"), "office:import_upload"),
    ],
    R.ASSOCIATION: [
        (_("会员单位"), "office:association_members"),
        (_("行业自律措施"), "office:association_measures"),
        (_("公开信用信息查询"), "portal:home"),
    ],
    R.BUSINESS: [
        (_("申请信用修复"), "office:repair_apply"),
        (_("我的信用修复申请"), "office:repair_mine"),
        (_("作出信用承诺"), "office:commitment_new"),
    ],
    R.SYSTEM_ADMIN: [
        (_("新建用户"), "office:admin_user_create"),
        (_("用户管理"), "office:admin_users"),
        (_("部门管理"), "office:admin_departments"),
        (_("企业用户关联"), "office:admin_business_links"),
    ],
    R.SECURITY_ADMIN: [
        (_("角色与范围"), "office:admin_roles"),
        (_("账号锁定"), "office:admin_lockouts"),
    ],
    R.AUDIT_ADMIN: [(_("审计日志"), "office:admin_audit")],
}

ROLE_INTROS: dict[str, str | Promise] = {
    R.DISTRICT_REGULATOR: _("全区今日待办：数字即清单，点击查看。"),
    R.STATION_REGULATOR: _("本所辖区街道今日待办：数字即清单，点击查看。"),
    R.INSPECTOR: _("分派给您的检查任务。"),
    R.OTHER_DEPARTMENT: _("本部门的数据报送与联合惩戒核查。"),
    R.ASSOCIATION: _("本协会会员单位的公开信用信息与自律措施。"),
    R.BUSINESS: _("您所代表的经营主体的信用档案、承诺与修复申请。"),
    R.SYSTEM_ADMIN: _("系统管理员：用户、部门与企业用户关联。三权分立，不查看审计日志。"),
    R.SECURITY_ADMIN: _("安全管理员：角色与范围、账号锁定与认证。"),
    R.AUDIT_ADMIN: _("审计管理员：只读查阅审计日志。"),
}


def _links(role: str) -> list[tuple[str, str]]:
    out = []
    for label, name in ROLE_LINKS.get(role, []):
        url = list_url(name)
        if url is not None:
            out.append((str(label), url))
    return out


# ── the district at a glance ────────────────────────────────────────────────────────────────────────────────────


def _class_chart(
    groups: dict[str, dict[str, int]], *, names: list[str], labels: dict[str, str], param: str
) -> dict[str, Any]:
    """Stacked bars (core/static/js/app.js), each bar's list address in `links[series][category]`."""
    base = reverse("office:operator_search")
    return {
        "years": [labels.get(n, n) for n in names],
        "series": [{"name": c, "data": [groups.get(n, {}).get(c, 0) for n in names]} for c in CLASSES],
        "links": [
            [f"{base}?{urlencode({param: n, 'risk_class': c, 'status': Operator.Status.ACTIVE})}" for n in names]
            for c in CLASSES
        ],
    }


def glance(user: User, *, as_of: date) -> dict[str, Any]:
    """Charts for a regulator: classes by street and by sector (scoped), the classes' trend, plan progress."""
    by_street = planning_workbench.class_counts(for_user=user, by="street", as_of=as_of)
    by_sector = planning_workbench.class_counts(for_user=user, by="sector", as_of=as_of)
    streets = [s for s in STREETS if s in by_street]
    sectors = [s for s in Operator.Sector.values if s in by_sector]
    sector_labels = {k: gettext(v) for k, v in Operator.Sector.choices}
    charts: dict[str, Any] = {
        "by_street": _class_chart(by_street, names=streets, labels={}, param="street"),
        "by_sector": _class_chart(by_sector, names=sectors, labels=sector_labels, param="sector"),
    }
    totals = {c: sum(g.get(c, 0) for g in by_street.values()) for c in CLASSES}
    if user.role == R.DISTRICT_REGULATOR:
        trend = risk_selectors.class_trend(limit=12)
        if trend:
            charts["trend"] = {
                "years": [f"{day:%Y-%m-%d}" for day, _counts in trend],
                "series": [{"name": c, "data": [counts.get(c, 0) for _day, counts in trend]} for c in CLASSES],
            }
    progress = planning_workbench.plan_progress(for_user=user)
    if progress:
        tasks_url = reverse("office:planning_tasks")
        statuses = [s for s in Task.Status if s != Task.Status.CANCELLED]
        charts["plans"] = {
            "years": [p.name for p, _c in progress],
            "series": [{"name": gettext(s.label), "data": [c.get(s.value, 0) for _p, c in progress]} for s in statuses],
            "links": [
                [f"{tasks_url}?{urlencode({'plan': p.pk, 'status': s.value})}" for p, _c in progress] for s in statuses
            ],
        }
    class_links = [
        (c, totals[c], list_url("office:operator_search", {"risk_class": c, "status": Operator.Status.ACTIVE}))
        for c in CLASSES
    ]
    return {"charts": charts, "class_totals": class_links}


def workbench_for(request: HttpRequest) -> dict[str, Any]:
    """The workbench's context for the caller's role."""
    user = request.user
    assert isinstance(user, User)
    as_of = timezone.localdate()
    role = user.role
    tiles = [t for spec in ROLE_TILES.get(role, []) if (t := tile(request, spec, as_of=as_of)) is not None]
    context: dict[str, Any] = {
        "as_of": as_of,
        "intro": ROLE_INTROS.get(role, ""),
        "tiles": tiles,
        "links": _links(role),
        "operators": [],
    }
    if role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        context.update(glance(user, as_of=as_of))
    if role == R.BUSINESS:
        from foodcredit.operators import selectors as operator_selectors

        context["operators"] = operator_selectors.operator_search(query="", for_user=user)
    return context
