"""Logins: audited attempts, passwords, the second factor and its enrolment codes."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.core import audit
from foodcredit.core.errors import DomainError

from .. import roles, rules
from ..models import EnrolmentCode, User
from ._common import require


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
    must_change = user.password_must_change
    user.set_password(new_password)
    user.password_must_change = False
    user.save(update_fields=["password", "password_changed_at", "password_must_change"])
    changes: dict[str, list[object]] = {"password_changed_at": [before, user.password_changed_at]}
    if must_change:
        changes["password_must_change"] = [True, False]
    audit.record(actor=actor, action="password_change", object_type="user", object_id=user.pk, changes=changes)


def _not_own(*, user: User, actor: User | None) -> None:
    """A security administrator does not reset or enrol its own second factor (that would make the second factor a
    matter of its password alone): another security administrator, or the server's operator, does."""
    if actor is not None and actor.pk == user.pk:
        raise DomainError("accounts.own_account", _("不能为自己的账号重置动态验证码或签发绑定码。"))


def totp_device_pending(*, user: User, device_id: int | None) -> TOTPDevice | None:
    """The authenticator this user is setting up after redeeming an enrolment code (its id is kept in the login
    session), or None."""
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


@transaction.atomic
def totp_verify(*, user: User, token: str, address: str, pending_device_id: int | None = None) -> TOTPDevice | None:
    """Check a code against the user's device — or, before the user has one, against the device being set up after
    an enrolment code (`pending_device_id`), confirming it with its first code — and audit the attempt. A code is
    accepted once (django-otp keeps the last time step used), within one step of the clock; failures slow further
    tries (django-otp's throttling). The device on success, else None."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    device = confirmed or totp_device_pending(user=user, device_id=pending_device_id)
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
def enrolment_code_issue(*, user: User, actor: User | None) -> str:
    """A one-time enrolment code for `user`'s first authenticator, to be handed over out of band (in person, by
    phone). Returned once in clear and stored only as a hash; earlier unused codes of the user are void; it lapses
    after TWO_FACTOR_ENROLMENT_CODE_HOURS. `actor` None: the server's operator at the command line (the first
    security administrator's own code)."""
    require(actor, roles.can_administer_security)
    _not_own(user=user, actor=actor)
    if user.is_external:
        raise DomainError("accounts.enrolment_not_staff", _("企业和行业协会用户不使用动态验证码，无需绑定码。"))
    if not user.is_active:
        raise DomainError("accounts.user_inactive", _("该账号已停用。"))
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise DomainError(
            "accounts.already_enrolled", _("该用户已绑定身份验证器；如设备遗失，请先重置动态验证码再签发绑定码。")
        )
    now = timezone.now()
    void = EnrolmentCode.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    code = rules.enrolment_code_new()
    issued = EnrolmentCode.objects.create(
        user=user,
        code_hash=make_password(rules.enrolment_code_normalised(code)),
        issued_by=actor,
        issued_at=now,
        expires_at=now + timedelta(hours=int(settings.TWO_FACTOR_ENROLMENT_CODE_HOURS)),
    )
    audit.record(
        actor=actor,
        action="enrolment_code_issue",
        object_type="user",
        object_id=user.pk,
        changes={"enrolment_code": [None, issued.pk], "expires_at": [None, issued.expires_at], "voided": [0, void]},
    )
    return code


def enrolment_code_redeem(*, user: User, code: str, address: str) -> TOTPDevice | None:
    """Redeem an enrolment code at the set-up page: the user's latest usable code, checked against its hash. On
    success the code is used up and a new authenticator (unconfirmed, shown as a QR code) is returned; on failure
    None, and after TWO_FACTOR_ENROLMENT_CODE_MAX_FAILURES wrong tries the code is void. Every try is audited."""
    with transaction.atomic():
        now = timezone.now()
        issued = (
            EnrolmentCode.objects.select_for_update()
            .filter(user=user, used_at=None, revoked_at=None, expires_at__gt=now)
            .order_by("-issued_at", "-pk")
            .first()
        )
        typed = rules.enrolment_code_normalised(code)
        ok = issued is not None and bool(typed) and check_password(typed, issued.code_hash)
        device = None
        changes: dict[str, list[object]] = {"address": [None, address[:64]]}
        if issued is not None and ok:
            issued.used_at = now
            issued.save(update_fields=["used_at"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            changes["enrolment_code"] = [issued.pk, issued.pk]
        elif issued is not None:
            issued.failures += 1
            fields = ["failures"]
            if issued.failures >= int(settings.TWO_FACTOR_ENROLMENT_CODE_MAX_FAILURES):
                issued.revoked_at = now
                fields.append("revoked_at")
                changes["revoked"] = [False, True]
            issued.save(update_fields=fields)
            changes["enrolment_code"] = [issued.pk, issued.pk]
        audit.record(
            actor=user,
            action="enrolment_code_redeem",
            object_type="user",
            object_id=user.pk,
            changes=changes,
            success=ok,
        )
    return device


@transaction.atomic
def two_factor_reset(*, user: User, reason: str, actor: User | None) -> int:
    """A security administrator's reset of a lost authenticator: the user's devices go, the next login sets up a
    new one (with a new enrolment code). Audited with the reason; how many devices were removed."""
    require(actor, roles.can_administer_security)
    _not_own(user=user, actor=actor)
    if not reason.strip():
        raise DomainError("accounts.reason_required", _("须说明理由。"))
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        action="two_factor_reset",
        object_type="user",
        object_id=user.pk,
        changes={"devices": [removed, 0], "reason": [None, reason.strip()]},
    )
    return removed
