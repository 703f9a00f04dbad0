"""SECURITY.md A3: staff log in with a password and a TOTP code — set up once with a QR code after a one-time
enrolment code from the security administrator, each code used once, at most one 30-second
step off; business and association users with a password alone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import EnrolmentCode, User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import PASSWORD, UserFactory

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
STAFF_ROLES = [r for r in User.Role if r not in (User.Role.BUSINESS, User.Role.ASSOCIATION)]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def two_factor(settings):
    settings.STAFF_TWO_FACTOR = True


def _code(device, *, steps_ago=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=-steps_ago):06d}"


def _password_login(client, user):
    return client.post("/office/login/", {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_needs_the_second_factor(client, role):
    user = UserFactory(role=role)
    with time_machine.travel(T0, tick=False):
        assert _password_login(client, user).status_code == 302
        assert client.get("/office/")["Location"].startswith("/office/otp/")  # a password alone opens nothing
        api = client.get("/api/v1/planning/tasks")
        assert api.status_code == 401 and api.json()["code"] == "accounts.two_factor_required"


@pytest.mark.parametrize("role", [User.Role.BUSINESS, User.Role.ASSOCIATION])
def test_business_and_association_users_log_in_with_a_password(client, role):
    user = UserFactory(role=role, operator_usccs=[])
    with time_machine.travel(T0, tick=False):
        _password_login(client, user)
        assert client.get("/office/").status_code == 200


@pytest.fixture
def secadmin():
    return UserFactory(role=User.Role.SECURITY_ADMIN)


def test_set_up_once_then_each_code_once_and_no_older_than_a_step(client, secadmin):
    user = UserFactory(role=User.Role.INSPECTOR)
    with time_machine.travel(T0, tick=False) as clock:
        code = account_services.enrolment_code_issue(user=user, actor=secadmin)
        _password_login(client, user)
        page = client.get("/office/otp/").content.decode()
        assert "<svg" not in page and "绑定码" in page  # the password alone shows no QR code
        assert client.post("/office/otp/", {"enrolment_code": code}).status_code == 302
        page = client.get("/office/otp/").content.decode()
        assert "<svg" in page and "密钥" in page  # the QR code and the key to type in
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.get("/office/otp/").status_code == 200 and TOTPDevice.objects.filter(user=user).count() == 1
        assert client.post("/office/otp/", {"token": "000000"}).status_code == 400
        assert client.post("/office/otp/", {"token": _code(device)}).status_code == 400  # right, but too soon after
        clock.shift(timedelta(seconds=3))  # a wrong code slows the next try (1 s, then 2 s, …)
        first = _code(device)
        assert client.post("/office/otp/?next=/office/password/", {"token": first})["Location"] == "/office/password/"
        assert client.get("/office/password/").status_code == 200  # past the second factor
        assert AuditEvent.objects.filter(action="two_factor_enrol", object_id=str(user.pk)).count() == 1

        client.post("/office/logout/")
        _password_login(client, user)
        page = client.get("/office/otp/").content.decode()
        assert "<svg" not in page  # set up already: only the code is asked
        assert client.post("/office/otp/", {"token": first}).status_code == 400  # the same code again: refused
        clock.shift(timedelta(seconds=90))
        device.refresh_from_db()
        assert client.post("/office/otp/", {"token": _code(device, steps_ago=2)}).status_code == 400  # 60 s old
        clock.shift(timedelta(seconds=5))
        assert client.post("/office/otp/", {"token": _code(device)}).status_code == 302
        assert client.get("/office/").status_code == 200
    attempts = AuditEvent.objects.filter(action="login_second_factor", object_id=str(user.pk))
    assert [e.success for e in attempts.order_by("pk")] == [False, False, True, False, False, True]


def test_a_lost_authenticator_is_reset_with_a_reason(client, secadmin):
    from io import StringIO

    from django.core.management import CommandError, call_command

    user = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with pytest.raises(CommandError):
        call_command("two_factor_reset", user.username, "--reason", " ", stdout=StringIO())
    out = StringIO()
    call_command("two_factor_reset", user.username, "--reason", "手机遗失（工单 2026-117）", stdout=out)
    assert "1 device(s) removed" in out.getvalue() and not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="two_factor_reset", object_id=str(user.pk))
    assert event.changes["reason"] == [None, "手机遗失（工单 2026-117）"]
    with time_machine.travel(T0, tick=False):
        code = account_services.enrolment_code_issue(user=user, actor=secadmin)
        _password_login(client, user)
        client.post("/office/otp/", {"enrolment_code": code})
        assert "<svg" in client.get("/office/otp/").content.decode()  # set up anew


def test_the_first_set_up_needs_the_enrolment_code_once_before_it_expires(client, secadmin, settings):
    """Whoever has the password alone cannot enrol a device; the code is hashed at rest, used
    once, lapses after its hours and after five wrong tries, and every step is audited."""
    user = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    with time_machine.travel(T0, tick=False) as clock:
        _password_login(client, user)
        assert client.post("/office/otp/", {"token": "123456"}).status_code == 400  # no set-up without a code
        assert not TOTPDevice.objects.filter(user=user).exists()

        first = account_services.enrolment_code_issue(user=user, actor=secadmin)
        code = account_services.enrolment_code_issue(user=user, actor=secadmin)  # the first is void now
        stored = EnrolmentCode.objects.filter(user=user).order_by("pk")
        assert all(code.replace("-", "") not in row.code_hash for row in stored)  # only a hash at rest
        assert client.post("/office/otp/", {"enrolment_code": first}).status_code == 400
        clock.shift(timedelta(hours=settings.TWO_FACTOR_ENROLMENT_CODE_HOURS, seconds=1))
        _password_login(client, user)
        assert client.post("/office/otp/", {"enrolment_code": code}).status_code == 400  # expired

    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        code = account_services.enrolment_code_issue(user=user, actor=secadmin)
        _password_login(client, user)
        for _ in range(settings.TWO_FACTOR_ENROLMENT_CODE_MAX_FAILURES):
            assert client.post("/office/otp/", {"enrolment_code": "AAAA-BBBB-CCCC"}).status_code == 400
        assert client.post("/office/otp/", {"enrolment_code": code}).status_code == 400  # void after five tries

        code = account_services.enrolment_code_issue(user=user, actor=secadmin)
        assert client.post("/office/otp/", {"enrolment_code": code.lower().replace("-", " ")}).status_code == 302
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.post("/office/otp/", {"token": _code(device)}).status_code == 302
        assert client.get("/office/password/").status_code == 200  # past the second factor

        client.post("/office/logout/")
        client2 = type(client)()
        _password_login(client2, user)
        assert client2.post("/office/otp/", {"enrolment_code": code}).status_code == 400  # set up: a TOTP code only
    redeemed = AuditEvent.objects.filter(action="enrolment_code_redeem", object_id=str(user.pk)).order_by("pk")
    # no code, the voided one, the expired one, five wrong, the right one after five wrong; then the right one
    assert [e.success for e in redeemed] == [False] * 9 + [True]
    assert EnrolmentCode.objects.filter(user=user, used_at__isnull=False).count() == 1
    issued = AuditEvent.objects.filter(action="enrolment_code_issue", object_id=str(user.pk)).order_by("pk")
    assert [(e.actor, e.success) for e in issued] == [(secadmin, True)] * 4
    assert "code" not in str(issued.last().changes).replace("enrolment_code", "")  # the code is not in the log


def test_an_enrolled_user_or_a_business_user_gets_no_enrolment_code(secadmin):
    from foodcredit.core.errors import DomainError

    enrolled = UserFactory(role=User.Role.INSPECTOR)
    TOTPDevice.objects.create(user=enrolled, name="phone", confirmed=True)
    with pytest.raises(DomainError) as exc:
        account_services.enrolment_code_issue(user=enrolled, actor=secadmin)
    assert exc.value.code == "accounts.already_enrolled"
    with pytest.raises(DomainError) as exc:
        account_services.enrolment_code_issue(user=UserFactory(role=User.Role.BUSINESS), actor=secadmin)
    assert exc.value.code == "accounts.enrolment_not_staff"
    assert not EnrolmentCode.objects.exists()
