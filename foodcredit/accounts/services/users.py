"""The administrators' writes on accounts (DOMAIN.md §5, 等保 三权分立): the system administrator creates users and
departments; the security administrator grants roles and scopes, forces password changes, unlocks, ends sessions."""

from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session  # the database session store (the settings' default)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError

from .. import roles, rules, selectors
from ..models import Department, User
from ._common import require

USER_FIELDS = ("role", "department_id", "inspector_cert_no", "is_active")
DEPARTMENT_FIELDS = ("code", "name", "kind", "streets")


def _check_role_department(role: str, department: Department | None) -> None:
    problem = rules.role_department_problem(
        role=role,
        department_kind=department.kind if department else None,
        department_streets=list(department.streets) if department else [],
    )
    if problem is not None:
        raise DomainError(problem[0], problem[1], role=role)


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    department: Department | None,
    password: str,
    inspector_cert_no: str = "",
    actor: User | None,
) -> User:
    """A new account, made by the system administrator with its role and department (its streets come from the
    department). Administrator roles are granted by the security administrator alone, so they are not offered
    here. The initial password must be changed at the first login."""
    require(actor, roles.can_administer_users)
    username = username.strip()
    if role in rules.ADMINISTRATOR_ROLES:
        raise DomainError("accounts.admin_role_by_security", _("管理员角色只能由安全管理员授予。"))
    _check_role_department(role, department)
    if rules.username_reserved(username):
        raise DomainError("accounts.username_reserved", _("不能使用默认或通用账号名。"), username=username)
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError("accounts.username_taken", _("用户名已被使用。"), username=username)
    user = User(username=username, role=role, department=department, inspector_cert_no=inspector_cert_no.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("accounts.password_weak", " ".join(exc.messages)) from exc
    user.set_password(password)
    user.password_must_change = True
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action="create",
        object_type="user",
        object_id=user.pk,
        changes={**audit.diff({}, {f: getattr(user, f) for f in (*USER_FIELDS, "username")}), "password": ["", "***"]},
    )
    return user


@transaction.atomic
def user_active_set(*, user: User, active: bool, actor: User | None) -> User:
    """Disable or re-enable an account (system administrator). A disabled account's sessions end at once (SECURITY.md
    A4: 0 sessions usable after disable)."""
    require(actor, roles.can_administer_users)
    if actor is not None and user.pk == actor.pk:
        raise DomainError("accounts.own_account", _("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else _sessions_delete(user=user, refs=None)
    audit.record(
        actor=actor,
        action="enable" if active else "disable",
        object_type="user",
        object_id=user.pk,
        changes={"is_active": [not active, active], **({"sessions_ended": [0, ended]} if ended else {})},
    )
    return user


@transaction.atomic
def department_save(
    *,
    department: Department | None,
    code: str,
    name: str,
    kind: str,
    streets: list[str],
    district_streets: list[str],
    actor: User | None,
) -> Department:
    """Create a department, or change one (system administrator). Its streets are chosen from the district's list
    (`district_streets`, passed by the caller: the street list belongs to operators, above accounts). A department
    whose station regulators need streets keeps at least one."""
    require(actor, roles.can_administer_users)
    unknown = [s for s in streets if s not in district_streets]
    if unknown:
        raise DomainError("accounts.unknown_street", _("街道不在本区街道名单中：%(s)s") % {"s": "、".join(unknown)})
    streets = [s for s in district_streets if s in set(streets)]  # the district's order, no repeats
    taken = Department.objects.filter(code=code.strip())
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if taken.exists():
        raise ConflictError("accounts.department_code_taken", _("部门编码已被使用。"), department_code=code)
    before = {f: getattr(department, f) for f in DEPARTMENT_FIELDS} if department else {}
    target = department or Department()
    target.code, target.name, target.kind, target.streets = code.strip(), name.strip(), kind, streets
    if department is not None:
        for member in User.objects.filter(department=department).only("role"):
            _check_role_department(member.role, target)
    target.full_clean()
    target.save()
    changes = audit.diff(before, {f: getattr(target, f) for f in DEPARTMENT_FIELDS})
    if changes:
        audit.record(
            actor=actor,
            action="update" if department else "create",
            object_type="department",
            object_id=target.pk,
            changes=changes,
        )
    return target


@transaction.atomic
def user_grant(*, user: User, role: str, department: Department | None, actor: User | None) -> User:
    """Grant a role and a scope (the department, and through it the streets) — the security administrator's power.
    Not one's own account; a business user's operator links stay with the business role."""
    require(actor, roles.can_administer_security)
    if actor is not None and user.pk == actor.pk:
        raise DomainError("accounts.own_account", _("不能更改自己的角色或范围。"))
    if role not in User.Role.values:
        raise DomainError("accounts.unknown_role", _("未知角色。"), role=role)
    _check_role_department(role, department)
    if user.role == User.Role.BUSINESS and role != User.Role.BUSINESS and user.operator_usccs:
        raise DomainError("accounts.business_links_remain", _("该企业用户仍关联经营主体，改为其他角色前须先解除关联。"))
    before = {"role": user.role, "department_id": user.department_id}
    user.role, user.department = role, department
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "department"])
    changes = audit.diff(before, {"role": user.role, "department_id": user.department_id})
    if changes:
        audit.record(actor=actor, action="role_grant", object_type="user", object_id=user.pk, changes=changes)
    return user


@transaction.atomic
def password_force_change(*, user: User, actor: User | None) -> User:
    """Mark a password as expired (security administrator): the next request of that user can only change it."""
    require(actor, roles.can_administer_security)
    if not user.password_must_change:
        user.password_must_change = True
        user.save(update_fields=["password_must_change"])
        audit.record(
            actor=actor,
            action="password_expire",
            object_type="user",
            object_id=user.pk,
            changes={"password_must_change": [False, True]},
        )
    return user


def _sessions_delete(*, user: User, refs: list[str] | None) -> int:
    ended = 0
    for key, session in selectors.sessions_of(user=user):
        if refs is None or session.ref in refs:
            ended += Session.objects.filter(session_key=key).delete()[0]
    return ended


@transaction.atomic
def sessions_end(*, user: User, refs: list[str] | None, actor: User | None) -> int:
    """End a user's login sessions (security administrator): those named by `refs` (digests from the sessions list),
    or all of them. The user's next request is anonymous. How many ended."""
    require(actor, roles.can_administer_security)
    ended = _sessions_delete(user=user, refs=refs)
    if ended:
        audit.record(
            actor=actor,
            action="sessions_end",
            object_type="user",
            object_id=user.pk,
            changes={"sessions": [ended, 0], "refs": [None, refs or "all"]},
        )
    return ended


@transaction.atomic
def lockout_reset(*, username: str, actor: User | None) -> int:
    """Unlock a username locked after failed logins (security administrator), with django-axes' own reset; audited
    with how many failure records were cleared."""
    require(actor, roles.can_administer_security)
    username = username.strip()
    if not username:
        raise DomainError("accounts.username_required", _("须指定用户名。"))
    cleared = axes_reset(username=username)
    if not cleared:
        raise DomainError("accounts.not_locked", _("该用户名没有登录失败记录。"), username=username)
    user = User.objects.filter(username=username).first()
    audit.record(
        actor=actor,
        action="lockout_reset",
        object_type="user",
        object_id=user.pk if user else username[:64],
        changes={"username": [None, username[:150]], "failure_records": [cleared, 0]},
    )
    return cleared


def audit_log_export_record(*, actor: User, export_format: str, filters: dict[str, str], rows: int) -> None:
    """The audit administrator's export of the log, recorded with its filters and row count (reading changes nothing,
    but who took which rows away is itself audited)."""
    require(actor, roles.can_read_audit)
    audit.record(
        actor=actor,
        action="audit_export",
        object_type="audit_log",
        object_id=export_format[:64],
        changes={"filters": [None, filters], "rows": [None, rows]},
    )


@transaction.atomic
def users_dormant_disable(*, as_of: datetime, idle_days: int) -> list[User]:
    """Disable accounts unused for more than `idle_days` (SECURITY.md B4, 等保: no stale accounts): last login — or,
    never logged in, creation — before the cut-off. Their sessions end; one audit row each (actor: the system).
    Run daily by the scheduler (`manage.py accounts_dormant_disable`). The accounts disabled."""
    cutoff = as_of - timedelta(days=idle_days)
    dormant = list(
        User.objects.select_for_update()
        .filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    for user in dormant:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = _sessions_delete(user=user, refs=None)
        last = user.last_login or user.date_joined
        audit.record(
            actor=None,
            action="disable",
            object_type="user",
            object_id=user.pk,
            changes={
                "is_active": [True, False],
                "reason": [None, "dormant"],
                "last_used": [None, last],
                **({"sessions_ended": [0, ended]} if ended else {}),
            },
        )
    return dormant
