"""Who may write which record about which operator (DOMAIN.md Part I §5, "Who writes which records").

One rules table (data, below) and one check (`record_write_check`) that every write door calls — API, file upload,
form, review-queue attach, department push — before anything is stored. Reads are scoped by the selectors
(`operators.selectors.operator_scope`); this module decides writes.

The check takes plain values (the operator's street and USCC, the record kind, the source's registration), not
ORM objects, because accounts sits below operators and collection: the caller looks the operator up through its
own selector and passes what the rules need. A refusal raises `WriteRefusedError` — a `DomainError` with a stable
code whose status is 404 outside the caller's scope (existence does not leak) and 403 for a kind, measure, source
or street move the caller may not write — and is audited (action "refused", the code and the reason).

Kinds: the six record kinds of the exchange format (DOMAIN.md Part I §3) and the other writes of §5, named below.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import DomainError

from .models import Department, User

R = User.Role
D = Department.Kind

# The six record kinds of the exchange format (collection.models.RecordKind; spelled out: accounts is below it).
OPERATORS, LICENCES, INSPECTIONS, SAMPLING, PENALTIES, COMPLAINTS = (
    "operators",
    "licences",
    "inspections",
    "sampling",
    "penalties",
    "complaints",
)
RECORD_KINDS = frozenset({OPERATORS, LICENCES, INSPECTIONS, SAMPLING, PENALTIES, COMPLAINTS})
# Other writes about an operator (DOMAIN.md Part I §5 and Part II), by the roles that make them.
LIST_ENTRIES = "list_entries"  # 经营异常名录 / 严重违法失信名单: propose, approve, decide, remove
CLASS_OVERRIDES = "class_overrides"
COMMITMENT_VERIFICATIONS = "commitment_verifications"  # verify a commitment, mark it false
REPAIR_DECISIONS = "repair_decisions"  # accept, review, decide a credit repair
TYPICAL_CASES = "typical_cases"
PERSON_BANS = "person_bans"
PENALTY_REVOCATIONS = "penalty_revocations"
DISCLOSURE_HOLDS = "disclosure_holds"  # 不予公示: mark a record the law keeps from publication, or lift the mark
OBJECTION_DECISIONS = "objection_decisions"  # 异议申诉: accept for review, correct the record or reject
TASKS = "tasks"  # 双随机 / trigger tasks: assign, reassign, close
PLANS = "plans"  # 双随机 plans: commit, draw, publish, revise (about no single operator: district-wide roles)
ALERTS = "alerts"
TASK_RESULTS = "task_results"  # an inspector's result of its own task (谁检查、谁录入)
RESULT_PUBLICATIONS = "result_publications"  # publish a recorded result (一公开): its inspectors, or a regulator
TASK_ATTACHMENTS = "task_attachments"  # photos and documents of a task's result: its inspectors, or a regulator
COMMITMENTS = "commitments"  # a business's 信用承诺
REPAIR_APPLICATIONS = "repair_applications"
OBJECTIONS = "objections"
ALERT_REPLIES = "alert_replies"
ASSOCIATION_MEASURES = "association_measures"
DISEASE_REPORTS = "disease_reports"  # 食源性疾病报告 (health)

# Penalty measures only the licensing or registration unit (market regulation) takes (DOMAIN.md Part I §5: "never a
# measure it has no power to take, e.g. revoking a food-business licence").
RESERVED_MEASURES = frozenset({"吊销许可证件", "吊销营业执照"})


@dataclass(frozen=True)
class WriteRule:
    """What one role writes: the scope its operators must be in, the kinds, and two privileges.

    scope: "district" (every operator), "streets" (its department's streets), "own_operators" (the USCCs it acts
    for), "related" (the caller's selector says the operator is its task's or its member: inspectors,
    associations), "none" (writes no record about operators).
    """

    scope: str
    kinds: frozenset[str]
    moves_street: bool = False  # may move an operator to another street (a change of registration)
    reserved_measures: bool = False  # may impose RESERVED_MEASURES


REGULATOR_KINDS = RECORD_KINDS | {
    LIST_ENTRIES,
    CLASS_OVERRIDES,
    COMMITMENT_VERIFICATIONS,
    REPAIR_DECISIONS,
    TYPICAL_CASES,
    PERSON_BANS,
    PENALTY_REVOCATIONS,
    TASKS,
    PLANS,
    ALERTS,
    RESULT_PUBLICATIONS,
    TASK_ATTACHMENTS,
    DISCLOSURE_HOLDS,
    OBJECTION_DECISIONS,
}
# Verifying a commitment stays with the district, as do the lists and repair decisions it can lead to, what is kept
# from publication and the decision on an objection to a record.
STATION_KINDS = RECORD_KINDS | {TASKS, ALERTS, RESULT_PUBLICATIONS, TASK_ATTACHMENTS}
BUSINESS_KINDS = frozenset({COMMITMENTS, REPAIR_APPLICATIONS, OBJECTIONS, ALERT_REPLIES})
NO_WRITES = frozenset[str]()

# The rules table: one row per role. Other departments' kinds depend on the department (DEPARTMENT_KINDS).
WRITE_RULES: dict[str, WriteRule] = {
    R.DISTRICT_REGULATOR: WriteRule("district", frozenset(REGULATOR_KINDS), moves_street=True, reserved_measures=True),
    R.STATION_REGULATOR: WriteRule("streets", frozenset(STATION_KINDS), reserved_measures=True),
    R.INSPECTOR: WriteRule("related", frozenset({TASK_RESULTS, RESULT_PUBLICATIONS, TASK_ATTACHMENTS})),
    R.OTHER_DEPARTMENT: WriteRule("district", NO_WRITES),  # kinds: DEPARTMENT_KINDS by the department's kind
    R.ASSOCIATION: WriteRule("related", frozenset({ASSOCIATION_MEASURES})),
    R.BUSINESS: WriteRule("own_operators", BUSINESS_KINDS),
    R.SYSTEM_ADMIN: WriteRule("none", NO_WRITES),
    R.SECURITY_ADMIN: WriteRule("none", NO_WRITES),
    R.AUDIT_ADMIN: WriteRule("none", NO_WRITES),
}
# Another department writes only what it issues itself (DOMAIN.md Part I §5): its own penalties (development and
# reform: price and credit; agriculture: edible agricultural products; health: foodborne-disease reports too).
DEPARTMENT_KINDS: dict[str, frozenset[str]] = {
    D.DEVELOPMENT_REFORM: frozenset({PENALTIES}),
    D.AGRICULTURE: frozenset({PENALTIES}),
    D.HEALTH: frozenset({PENALTIES, DISEASE_REPORTS}),
    D.MARKET_REGULATION: NO_WRITES,  # a bureau user is a regulator role, not "other department"
    D.ASSOCIATION: NO_WRITES,
}
# The server's operator (actor None: management commands, the daily jobs — list expiry, escalation notices, trigger
# tasks — and the demo seed, which acts for every role): the whole district, every kind, and the registration
# source may move an operator; at an import door the source's registered kinds still bound it.
SERVER_RULE = WriteRule(
    "district",
    frozenset(REGULATOR_KINDS | BUSINESS_KINDS | {TASK_RESULTS, ASSOCIATION_MEASURES, DISEASE_REPORTS}),
    moves_street=True,
    reserved_measures=True,
)


@dataclass(frozen=True)
class SourceGrant:
    """A registered source system as the check sees it: the kinds registered for it and whose it is."""

    name: str
    kinds: frozenset[str]
    department_code: str = ""
    department_kind: str = ""  # "" when the source belongs to no department (market regulation's own systems)


@dataclass(frozen=True)
class Refusal:
    """Why a write is refused: a stable code, the reason, and the HTTP status (404 outside scope, else 403)."""

    code: str
    message: Any
    status: int
    field: str = ""  # the exchange-format field the refusal is about, for row errors


class WriteRefusedError(DomainError):
    """A write refused by the rules of this module; `status` is the refusal's (404 or 403)."""

    def __init__(self, refusal: Refusal, **context: Any) -> None:
        super().__init__(refusal.code, refusal.message, **context)
        self.status = refusal.status
        self.refusal = refusal


def write_rule(user: User | None) -> WriteRule:
    """The rules-table row of `user` (None: the server's operator); a user without a usable role writes nothing."""
    if user is None:
        return SERVER_RULE
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return WriteRule("none", NO_WRITES)
    rule = WRITE_RULES.get(user.role, WriteRule("none", NO_WRITES))
    if user.role == R.OTHER_DEPARTMENT:
        kinds = DEPARTMENT_KINDS.get(user.department.kind, NO_WRITES) if user.department else NO_WRITES
        return WriteRule(rule.scope, kinds)
    return rule


def can_write_kind(user: User | None, kind: str) -> bool:
    """Whether `user` (None: the server's operator) writes records of `kind` at all, whatever the operator."""
    return kind in write_rule(user).kinds


def write_refusal(
    *,
    user: User | None,
    kind: str,
    operator_street: str | None,
    operator_uscc: str | None = None,
    moves_to: str | None = None,
    measures: Collection[str] = (),
    source: SourceGrant | None = None,
    related: bool = False,
    rows_follow: bool = False,
) -> Refusal | None:
    """Why `user` may not write this record, or None when it may. Pure: no query, no audit.

    operator_street: the operator's street as registered (for a new operator: the street it is created in); None
    when the write is about no single operator (then only district-wide roles may make it). operator_uscc: for
    business users. moves_to: the street an operator import sets, when it differs from operator_street. measures:
    a penalty's kinds (处罚种类). source: the registered source the record arrives through (imports). related: the
    caller's selector found the operator among the inspector's tasks or the association's members. rows_follow: a
    door's first check of a batch (kind and source only); each record is checked afterwards with its operator.
    """
    rule = write_rule(user)
    if kind not in rule.kinds:
        return Refusal(
            "scope.kind_not_allowed", _("您所在的部门或角色不能录入此类记录（%(kind)s）") % {"kind": kind}, 403
        )
    if source is not None:
        if kind not in source.kinds:
            return Refusal(
                "scope.source_kind_not_allowed",
                _("来源系统“%(source)s”未登记可报送此类记录（%(kind)s）") % {"source": source.name, "kind": kind},
                403,
            )
        if user is not None and not _source_is_own(user, source):
            return Refusal(
                "scope.source_not_own",
                _("来源系统“%(source)s”不属于您所在的部门，不能以其名义报送") % {"source": source.name},
                403,
            )
    if rows_follow:
        return None
    reserved = sorted(RESERVED_MEASURES.intersection(measures))
    if reserved and not rule.reserved_measures:
        return Refusal(
            "scope.measure_not_allowed",
            _("您所在的部门无权作出以下处罚：%(measures)s") % {"measures": "、".join(reserved)},
            403,
            field="kinds",
        )
    if not _in_scope(user, rule, operator_street=operator_street, operator_uscc=operator_uscc, related=related):
        return Refusal("scope.out_of_scope", _("该经营主体不在您的管辖范围内"), 404, field="uscc")
    moving = moves_to is not None and operator_street is not None and moves_to != operator_street
    if moving and not rule.moves_street:
        return Refusal(
            "scope.street_move_not_allowed",
            _("变更经营主体所属街道属于登记变更，只能由区级监管人员或登记注册来源办理"),
            403,
            field="street",
        )
    return None


def _source_is_own(user: User, source: SourceGrant) -> bool:
    """A department reports through its own sources; the bureau through market regulation's (or unowned) ones."""
    department = user.department
    if user.role == R.OTHER_DEPARTMENT:
        return department is not None and source.department_code == department.code
    return source.department_kind in ("", D.MARKET_REGULATION)


def _in_scope(
    user: User | None, rule: WriteRule, *, operator_street: str | None, operator_uscc: str | None, related: bool
) -> bool:
    if rule.scope == "district":
        return True
    if rule.scope == "streets":
        assert user is not None
        return operator_street is not None and operator_street in user.streets
    if rule.scope == "own_operators":
        assert user is not None
        usccs = {u.strip().upper() for u in user.operator_usccs if isinstance(u, str)}
        return operator_uscc is not None and operator_uscc.strip().upper() in usccs
    if rule.scope == "related":
        return related
    return False


def refusal_audit(*, user: User | None, refusal: Refusal, kind: str, object_id: Any = "", **context: Any) -> None:
    """The audit row of a refused write: action "refused", the code and the reason (DOMAIN.md Part I §5)."""
    audit.record(
        actor=user,
        action="refused",
        object_type=kind,
        object_id=object_id or "",
        changes={
            "code": [None, refusal.code],
            "reason": [None, str(refusal.message)],
            **{k: [None, v] for k, v in context.items()},
        },
        success=False,
    )


def record_write_check(
    *,
    user: User | None,
    kind: str,
    operator_street: str | None,
    operator_uscc: str | None = None,
    moves_to: str | None = None,
    measures: Collection[str] = (),
    source: SourceGrant | None = None,
    related: bool = False,
    rows_follow: bool = False,
) -> None:
    """The one write check: raise `WriteRefusedError` unless `user` (None: the server's operator) may write this record.

    The refusal's audit row is written here. Call the check before the write's transaction is opened (a refusal
    raised inside it would roll the audit row back with it).
    """
    refusal = write_refusal(
        user=user,
        kind=kind,
        operator_street=operator_street,
        operator_uscc=operator_uscc,
        moves_to=moves_to,
        measures=measures,
        source=source,
        related=related,
        rows_follow=rows_follow,
    )
    if refusal is None:
        return
    extra = {"source": source.name} if source is not None else {}
    refusal_audit(user=user, refusal=refusal, kind=kind, object_id=operator_uscc or "", **extra)
    raise WriteRefusedError(refusal, kind=kind, uscc=operator_uscc or "")


def operator_write_check(*, user: Any, kind: str, operator: Any | None, related: bool = False) -> None:
    """`record_write_check` for a service's write about `operator` (read for its `street` and `uscc`; None: a write
    about no single operator, which only district-wide roles make). `user` is the service's actor (None: the
    server's operator). Services call it before their transaction, so a refusal's audit row is kept."""
    record_write_check(
        user=user,
        kind=kind,
        operator_street=operator.street if operator is not None else None,
        operator_uscc=operator.uscc if operator is not None else None,
        related=related,
    )
