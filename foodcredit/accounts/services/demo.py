"""The demo departments and one login per role (development settings only)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import DomainError

from .. import selectors
from ..models import BusinessLink, Department, User
from .links import OperatorRegistration, business_link_request
from .logins import login_attempt_record

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
# Work for the administrators' workbenches: a business user whose link waits for a district regulator, and a station
# regulator locked out after five wrong passwords (for the security administrator to unlock).
DEMO_PENDING_BUSINESS = "business2"
DEMO_LOCKED = "wangfang"


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
    operator_usccs: list[str] | None,
    inspector_cert_no: str,
) -> User:
    """`operator_usccs` None: keep the user's links (those confirmed in the demo by a district regulator)."""
    user = User.objects.filter(username=username).first()
    if operator_usccs is None:
        operator_usccs = list(user.operator_usccs) if user else []
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


def demo_admin_workload_ensure(*, pending_link: OperatorRegistration | None) -> list[DemoLogin]:
    """Work on the administrators' workbenches, made through the production paths (development settings only): the
    demo system administrator asks to link `business2` to `pending_link` (left pending for a district regulator),
    and `wangfang`'s five wrong passwords lock it (django-axes, as at the login page) for the security administrator
    to unlock. Idempotent: an existing pending or confirmed link is kept; an account already locked stays so."""
    if not getattr(settings, "DEMO_ACCOUNTS", False):
        raise DomainError(
            "accounts.demo_disabled",
            _("演示账号只在开发环境（DEMO_ACCOUNTS = True）中创建，当前设置不允许。"),
        )
    with transaction.atomic():
        business = _user_ensure(
            username=DEMO_PENDING_BUSINESS,
            role=R.BUSINESS,
            department=None,
            password=settings.DEMO_PASSWORD,
            operator_usccs=None,
            inspector_cert_no="",
        )
        station = Department.objects.get(code="jb-samr-gyq")
        _user_ensure(
            username=DEMO_LOCKED,
            role=R.STATION_REGULATOR,
            department=station,
            password=settings.DEMO_PASSWORD,
            operator_usccs=[],
            inspector_cert_no="",
        )
    note = ""
    if pending_link is not None:
        live = BusinessLink.objects.filter(
            user=business,
            uscc=pending_link.uscc,
            status__in=[BusinessLink.Status.PENDING, BusinessLink.Status.CONFIRMED],
        ).first()
        if live is None:
            sysadmin = User.objects.get(username="sysadmin")
            live = business_link_request(
                user=business,
                uscc=pending_link.uscc,
                legal_rep_name=pending_link.legal_rep,
                registered=pending_link,
                actor=sysadmin,
            )
        note = f"{pending_link.uscc} ({live.get_status_display()})"
    if not any(x.username == DEMO_LOCKED for x in selectors.lockouts_current(for_user=None)):
        axes_log = logging.getLogger("axes")  # its per-failure warnings would clutter `make run`'s login table
        level = axes_log.level
        axes_log.setLevel(logging.ERROR)
        try:
            for _attempt in range(int(settings.AXES_FAILURE_LIMIT)):
                request = HttpRequest()
                request.method, request.path = "POST", "/office/login/"
                request.META["REMOTE_ADDR"] = "127.0.0.1"
                authenticate(request, username=DEMO_LOCKED, password="wrong-demo-password")
                login_attempt_record(username=DEMO_LOCKED, address="127.0.0.1", outcome="failure")
        finally:
            axes_log.setLevel(level)
    return [
        DemoLogin(
            username=DEMO_PENDING_BUSINESS, role=R.BUSINESS, role_label=str(R.BUSINESS.label), department="", note=note
        ),
        DemoLogin(
            username=DEMO_LOCKED,
            role=R.STATION_REGULATOR,
            role_label=str(R.STATION_REGULATOR.label),
            department=station.name,
            note="locked: 5 wrong passwords",
        ),
    ]
