"""Reads for accounts: users and departments for the administrators, business links, lockouts, login sessions, the
audit log (for the audit administrator only), second-factor devices."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.core.middleware import LOGIN_STARTED
from foodcredit.core.models import AuditEvent

from . import roles
from .models import BusinessLink, Department, User


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's authenticator, once set up (None before)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _sees_users(user: User) -> bool:
    return roles.can_administer_users(user) or roles.can_administer_security(user)


def user_list(*, for_user: User, with_security: bool = False) -> QuerySet[User]:
    """Every account, for the system and security administrators (the others: none); `with_security` adds
    `two_factor` (an authenticator is set up) for the security administrator's list."""
    if not _sees_users(for_user):
        return User.objects.none()
    users = User.objects.select_related("department").order_by("username")
    if with_security and roles.can_administer_security(for_user):
        users = users.annotate(two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    return users


def user_get(*, pk: int, for_user: User) -> User:
    """One account for an administrator who manages accounts; Http404 for anyone else."""
    user = user_list(for_user=for_user).filter(pk=pk).first()
    if user is None:
        raise Http404("user not found")
    return user


def department_list(*, for_user: User) -> QuerySet[Department]:
    """Every department, for the system and security administrators."""
    if not _sees_users(for_user):
        return Department.objects.none()
    return Department.objects.order_by("kind", "code")


def department_get(*, pk: int, for_user: User) -> Department:
    department = department_list(for_user=for_user).filter(pk=pk).first()
    if department is None:
        raise Http404("department not found")
    return department


def business_links(*, for_user: User) -> QuerySet[BusinessLink]:
    """Business-user links: all of them for the system administrator, who asks for them, and for district
    regulators, who confirm them; none for anyone else."""
    if not (roles.can_administer_users(for_user) or roles.can_confirm_business_links(for_user)):
        return BusinessLink.objects.none()
    return BusinessLink.objects.select_related("user", "requested_by", "decided_by").order_by("-requested_at", "-pk")


def business_link_get(*, pk: int, for_user: User) -> BusinessLink:
    link = business_links(for_user=for_user).filter(pk=pk).first()
    if link is None:
        raise Http404("link not found")
    return link


@dataclass(frozen=True)
class Lockout:
    """A username locked by django-axes after too many failed logins."""

    username: str
    failures: int
    last_attempt: datetime
    until: datetime


def lockouts_current(*, for_user: User | None, now: datetime | None = None) -> list[Lockout]:
    """Usernames locked now (AXES_FAILURE_LIMIT failures within the cool-off), for the security administrator;
    `for_user` None: the server's operator."""
    if for_user is not None and not roles.can_administer_security(for_user):
        return []
    now = now or timezone.now()
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - cooloff)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        Lockout(username=r["username"] or "", failures=r["failures"], last_attempt=r["last"], until=r["last"] + cooloff)
        for r in rows
    ]


@dataclass(frozen=True)
class LoginSession:
    """One login session of a user, named by a digest of its key (the key itself is a credential: never shown)."""

    ref: str
    started_at: datetime | None
    expires_at: datetime


def session_ref(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


def sessions_of(*, user: User, now: datetime | None = None) -> list[tuple[str, LoginSession]]:
    """(session key, session) for each unexpired login session of `user`. Reads every live session row of the
    database session store: a bureau has hundreds of live sessions at most (30-minute idle limit)."""
    now = now or timezone.now()
    found = []
    for row in Session.objects.filter(expire_date__gt=now).order_by("expire_date"):
        data = row.get_decoded()
        if str(data.get("_auth_user_id", "")) != str(user.pk):
            continue
        started = data.get(LOGIN_STARTED)
        started_at = datetime.fromtimestamp(float(started), tz=timezone.get_current_timezone()) if started else None
        found.append(
            (
                row.session_key,
                LoginSession(ref=session_ref(row.session_key), started_at=started_at, expires_at=row.expire_date),
            )
        )
    return found


def user_sessions(*, user: User, for_user: User) -> list[LoginSession]:
    """The security administrator's view of a user's live sessions (digests, start and expiry)."""
    if not roles.can_administer_security(for_user):
        return []
    return [s for _key, s in sessions_of(user=user)]


@dataclass(frozen=True)
class LiveSession:
    """A live login session with its user, for the security administrator's list."""

    user_id: int
    username: str
    session: LoginSession


def sessions_live(*, for_user: User) -> list[LiveSession]:
    """Every unexpired login session with its user, newest first (the security administrator only)."""
    if not roles.can_administer_security(for_user):
        return []
    now = timezone.now()
    found: list[tuple[int, LoginSession]] = []
    for row in Session.objects.filter(expire_date__gt=now):
        data = row.get_decoded()
        user_id = str(data.get("_auth_user_id", ""))
        if not user_id.isdigit():
            continue
        started = data.get(LOGIN_STARTED)
        started_at = datetime.fromtimestamp(float(started), tz=timezone.get_current_timezone()) if started else None
        found.append(
            (
                int(user_id),
                LoginSession(ref=session_ref(row.session_key), started_at=started_at, expires_at=row.expire_date),
            )
        )
    names = dict(User.objects.filter(pk__in={uid for uid, _s in found}).values_list("pk", "username"))
    rows = [LiveSession(user_id=uid, username=names[uid], session=s) for uid, s in found if uid in names]
    return sorted(rows, key=lambda r: r.session.expires_at, reverse=True)


# The audit log's columns the audit administrator picks values of, each leading an index (core.models.AuditEvent).
AUDIT_CHOICE_FIELDS = frozenset({"action", "object_type"})


def audit_field_values(*, field: str) -> list[str]:
    """The distinct values of an indexed audit-log column, ascending (the audit list's filter choices).

    A recursive "skip scan": one index probe per value (a few dozen), where SELECT DISTINCT reads the whole log
    — over a second at a million rows on PostgreSQL, which has no skip scan of its own (bench/audit_log.py)."""
    if field not in AUDIT_CHOICE_FIELDS:
        raise ValueError(f"not an indexed audit field: {field}")
    table, column = AuditEvent._meta.db_table, field  # the two fields' columns bear their names
    sql = f"""WITH RECURSIVE found(value) AS (
                  SELECT MIN({column}) FROM {table}
                  UNION ALL
                  SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value)
                  FROM found WHERE found.value IS NOT NULL
              )
              SELECT value FROM found WHERE value IS NOT NULL"""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


def audit_events(*, for_user: User) -> QuerySet[AuditEvent]:
    """The audit log, newest first — for the audit administrator alone (等保 三权分立); none for anyone else."""
    if not roles.can_read_audit(for_user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").order_by("-occurred_at", "-pk")
