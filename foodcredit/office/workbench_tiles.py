"""The tiles of each role's workbench (office/workbench.py shows them): what each tile counts, the list it links to,
the selector that counts it when that list is not an OfficeListView, and each role's links and introduction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import User
from foodcredit.collection import selectors as collection_selectors
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.models import ListEntry, RepairApplication
from foodcredit.planning import selectors as planning_selectors
from foodcredit.planning.models import Task

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
