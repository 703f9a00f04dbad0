"""Login hardening (SECURITY.md A1, A4, D3): lockout after five failures, audited attempts, the absolute session
lifetime."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from foodcredit.core.models import AuditEvent

PASSWORD = "Jiangbei#2022demo"
T0 = datetime(2025, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(db):
    call_command("demo_accounts", stdout=StringIO())


def _login(client, password, address="10.1.2.3", username="district"):
    return client.post("/office/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_for_thirty_minutes_and_every_attempt_is_audited(client, accounts):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(4):
            assert _login(client, "wrong").status_code == 200  # the form again, with its error
        locked = _login(client, "wrong")
        assert locked.status_code == 429 and locked["Retry-After"] == "1800"
        assert "已暂停登录 30 分钟" in locked.content.decode()
        for address in ("10.1.2.3", "10.9.9.9"):  # the right password, from here or elsewhere: still refused
            assert _login(client, PASSWORD, address=address).status_code == 429
            assert "_auth_user_id" not in client.session
        assert _login(client, PASSWORD, username="station").status_code == 302  # other accounts are not locked
        client.post("/office/logout/")
        failures = AuditEvent.objects.filter(action="login_failure", object_id="district", success=False)
        # Five wrong passwords and two refused during the lockout are failures; the lockout answered three of them.
        assert failures.count() == 7 and failures.first().changes["address"] == [None, "10.1.2.3"]
        assert AuditEvent.objects.filter(action="login_locked", object_id="district", success=False).count() == 3
        clock.shift(timedelta(minutes=31))
        assert _login(client, PASSWORD).status_code == 302
        assert AuditEvent.objects.filter(action="login_success", changes__username=[None, "district"]).exists()


def test_a_success_resets_the_count(client, accounts):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            _login(client, "wrong")
        assert _login(client, PASSWORD).status_code == 302
        client.post("/office/logout/")
        for _ in range(4):
            assert _login(client, "wrong").status_code == 200
        assert _login(client, PASSWORD).status_code == 302


def test_a_login_lasts_twelve_hours_at_most_however_busy(client, accounts):
    with time_machine.travel(T0, tick=False) as clock:
        assert _login(client, PASSWORD).status_code == 302
        for _ in range(35):  # busy all day: a request every 20 minutes keeps the idle limit at bay
            clock.shift(timedelta(minutes=20))
            assert client.get("/office/").status_code == 200
        assert client.get("/api/v1/planning/frequency").status_code == 200  # 11 h 40 min in
        clock.shift(timedelta(minutes=21))  # 12 h 1 min after the login
        assert client.get("/api/v1/planning/frequency").status_code == 401
        assert client.get("/office/").status_code == 302  # to the login page
        assert _login(client, PASSWORD).status_code == 302 and client.get("/office/").status_code == 200


def test_an_idle_session_ends_after_thirty_minutes(client, accounts):
    with time_machine.travel(T0, tick=False) as clock:
        _login(client, PASSWORD)
        clock.shift(timedelta(minutes=31))
        assert client.get("/api/v1/planning/frequency").status_code == 401


def test_a_very_long_username_is_refused_and_audited_not_a_server_error(client, accounts):
    response = _login(client, "wrong", username="很长的用户名" * 40)
    assert response.status_code == 200
    row = AuditEvent.objects.filter(action="login_failure").latest("pk")  # (the demo locks one account too)
    assert len(row.object_id) == 64 and row.changes["username"][1] == ("很长的用户名" * 40)[:150]
