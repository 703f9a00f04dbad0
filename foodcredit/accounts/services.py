"""Writes for users and departments."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.core import audit
from foodcredit.core.errors import DomainError

from .models import Department, User

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


def login_attempt_record(*, username: str, address: str, outcome: str, user: User | None = None) -> None:
    """An audit row for a login attempt at the office: `outcome` "success", "failure" or "locked" (SECURITY.md A1,
    D3). The username is the one typed (it may name no account); the address is the client's as Django sees it."""
    if outcome not in ("success", "failure", "locked"):
        raise ValueError(f"unknown login outcome {outcome!r}")
    audit.record(
        actor=user,
        action=f"login_{outcome}",
        object_type="user",
        object_id=(user.pk if user is not None else username[:64]),  # AuditEvent.object_id holds 64
        changes={"username": [None, username[:150]], "address": [None, address[:64]]},
        success=outcome == "success",
    )


@transaction.atomic
def password_set(*, user: User, new_password: str, actor: User | None) -> None:
    """Set a password already validated by the caller's form (AUTH_PASSWORD_VALIDATORS) and date it; audited
    without the password."""
    before = user.password_changed_at
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    audit.record(
        actor=actor,
        action="password_change",
        object_type="user",
        object_id=user.pk,
        changes={"password_changed_at": [before, user.password_changed_at]},
    )


def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's TOTP device being set up (unconfirmed until a first code is entered): the same one on every visit
    to the set-up page, so the QR code scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_verify(*, user: User, token: str, address: str) -> TOTPDevice | None:
    """Check a code against the user's device — confirming a device in set-up with its first code — and audit the
    attempt. A code is accepted once (django-otp keeps the last time step used), within one step of the clock;
    failures slow further tries (django-otp's throttling). The device on success, else None."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    ok = device is not None and device.verify_token(token.strip())
    if ok and device is not None and not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()  # other unfinished set-ups
        audit.record(actor=user, action="two_factor_enrol", object_type="user", object_id=user.pk)
    audit.record(
        actor=user,
        action="login_second_factor",
        object_type="user",
        object_id=user.pk,
        changes={"address": [None, address[:64]]},
        success=bool(ok),
    )
    return device if ok else None


@transaction.atomic
def two_factor_reset(*, user: User, reason: str, actor: User | None) -> int:
    """A security administrator's reset of a lost authenticator: the user's devices go, the next login sets up a
    new one. Audited with the reason; how many devices were removed."""
    if not reason.strip():
        raise DomainError("accounts.reason_required", _("须说明理由 / a reason is required"))
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        action="two_factor_reset",
        object_type="user",
        object_id=user.pk,
        changes={"devices": [removed, 0], "reason": [None, reason.strip()]},
    )
    return removed
