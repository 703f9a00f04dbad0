"""SECURITY.md A3: staff log in with a password and a TOTP code — set up once with a QR code, each code used once,
at most one 30-second step off; business and association users with a password alone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from foodcredit.accounts.models import User
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


def test_set_up_once_then_each_code_once_and_no_older_than_a_step(client):
    user = UserFactory(role=User.Role.INSPECTOR)
    with time_machine.travel(T0, tick=False) as clock:
        _password_login(client, user)
        page = client.get("/office/otp/").content.decode()
        assert "<svg" in page and "密钥" in page  # the QR code and the key to type in
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.get("/office/otp/").status_code == 200 and TOTPDevice.objects.filter(user=user).count() == 1
        assert client.post("/office/otp/", {"token": "000000"}).status_code == 400
        assert client.post("/office/otp/", {"token": _code(device)}).status_code == 400  # right, but too soon after
        clock.shift(timedelta(seconds=3))  # a wrong code slows the next try (1 s, then 2 s, …)
        first = _code(device)
        assert client.post("/office/otp/?next=/office/planning/tasks/", {"token": first})["Location"] == (
            "/office/planning/tasks/"
        )
        assert client.get("/office/planning/tasks/").status_code == 200
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


def test_a_lost_authenticator_is_reset_with_a_reason(client):
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
        _password_login(client, user)
        assert "<svg" in client.get("/office/otp/").content.decode()  # set up anew
