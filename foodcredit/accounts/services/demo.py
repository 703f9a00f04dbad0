"""The demo departments and one login per role (development settings only)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import DomainError

from ..models import Department, User

R = User.Role
D = Department.Kind

# The departments of the Jiangbei demo district (DOMAIN.md Part I §2). Streets of the district bureau are passed in
# by the caller (accounts sits below operators, which owns the street list).
STATION_STREETS = ["观音桥街道", "华新街街道"]
DEMO_DEPARTMENTS: list[tuple[str, str, str]] = [
    ("jb-samr", "区市场监管局", D.MARKET_REGULATION),
    ("jb-samr-gyq", "观音桥市场监管所", D.MARKET_REGULATION),
    ("jb-ndrc", "区发展改革委", D.DEVELOPMENT_REFORM),
    ("jb-agri", "区农业农村委", D.AGRICULTURE),
    ("jb-health", "区卫生健康委", D.HEALTH),
    ("jb-catering", "江北区餐饮行业协会", D.ASSOCIATION),
]
# username, role, department code (None: no department)
DEMO_USERS: list[tuple[str, str, str | None]] = [
    ("district", R.DISTRICT_REGULATOR, "jb-samr"),
    ("station", R.STATION_REGULATOR, "jb-samr-gyq"),
    ("inspector", R.INSPECTOR, "jb-samr"),
    ("business", R.BUSINESS, None),
    ("ndrc", R.OTHER_DEPARTMENT, "jb-ndrc"),
    ("association", R.ASSOCIATION, "jb-catering"),
    ("sysadmin", R.SYSTEM_ADMIN, "jb-samr"),
    ("secadmin", R.SECURITY_ADMIN, "jb-samr"),
    ("auditor", R.AUDIT_ADMIN, "jb-samr"),
]


@dataclass(frozen=True)
class DemoLogin:
    """One demo login, as printed for the developer."""

    username: str
    role: str
    role_label: str
    department: str
    note: str


def _department_ensure(*, code: str, name: str, kind: str, streets: list[str]) -> Department:
    department = Department.objects.filter(code=code).first()
    before = {"name": department.name, "kind": department.kind, "streets": department.streets} if department else {}
    after = {"name": name, "kind": kind, "streets": streets}
    if department is None:
        department = Department(code=code)
    if before != after:
        department.name, department.kind, department.streets = name, kind, streets
        department.full_clean()
        department.save()
        audit.record(
            actor=None,
            action="update" if before else "create",
            object_type="department",
            object_id=department.pk,
            changes=audit.diff(before, after),
        )
    return department


def _user_ensure(
    *,
    username: str,
    role: str,
    department: Department | None,
    password: str,
    operator_usccs: list[str],
    inspector_cert_no: str,
) -> User:
    user = User.objects.filter(username=username).first()
    fields = ("role", "department_id", "operator_usccs", "inspector_cert_no", "is_active")
    before = {f: getattr(user, f) for f in fields} if user else {}
    if user is None:
        user = User(username=username)
    user.role = role
    user.department = department
    user.operator_usccs = operator_usccs
    user.inspector_cert_no = inspector_cert_no
    user.is_active = True
    # The demo password is reset on every run so that the printed table is always true.
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    after = {f: getattr(user, f) for f in fields}
    audit.record(
        actor=None,
        action="update" if before else "create",
        object_type="user",
        object_id=user.pk,
        changes={**audit.diff(before, after), "password": ["***", "***"]},
    )
    return user


@transaction.atomic
def demo_accounts_ensure(
    *, district_streets: list[str], operator_usccs: list[str], inspector_cert_no: str
) -> list[DemoLogin]:
    """Create or refresh the demo departments and one user per role (development settings only).

    The business user acts for `operator_usccs`; the inspector carries `inspector_cert_no` (may be empty).
    Idempotent: a second run changes nothing but the passwords, which are reset to settings.DEMO_PASSWORD.
    """
    if not getattr(settings, "DEMO_ACCOUNTS", False):
        raise DomainError(
            "accounts.demo_disabled",
            _("演示账号只在开发环境（DEMO_ACCOUNTS = True）中创建，当前设置不允许。"),
        )
    password = settings.DEMO_PASSWORD
    departments = {
        code: _department_ensure(
            code=code,
            name=name,
            kind=kind,
            streets=district_streets if code == "jb-samr" else STATION_STREETS if code == "jb-samr-gyq" else [],
        )
        for code, name, kind in DEMO_DEPARTMENTS
    }
    logins = []
    for username, role, department_code in DEMO_USERS:
        department = departments[department_code] if department_code else None
        usccs = operator_usccs if role == R.BUSINESS else []
        cert_no = inspector_cert_no if role == R.INSPECTOR else ""
        _user_ensure(
            username=username,
            role=role,
            department=department,
            password=password,
            operator_usccs=usccs,
            inspector_cert_no=cert_no,
        )
        note = ", ".join(usccs) if usccs else cert_no
        logins.append(
            DemoLogin(
                username=username,
                role=role,
                role_label=str(R(role).label),
                department=department.name if department else "",
                note=note,
            )
        )
    return logins
