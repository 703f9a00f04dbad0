"""SECURITY.md A2: the password rules (table-driven) and the 90-day change for staff accounts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent

PASSWORD = "Test-password-2025"

STAFF = User(username="wang.lei", role=User.Role.DISTRICT_REGULATOR)
OWNER = User(username="hotpot.owner", role=User.Role.BUSINESS)
T0 = datetime(2025, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

REFUSED = [
    ("password1234", "common"),
    ("123456789012", "numeric / common"),
    ("Qwertyuiop12", "common list"),
    ("short-A1", "under 12"),
    ("Jiangbei#2026x", "district name"),
    ("JIANG BEI !2026x", "district name, spaces and case ignored"),
    ("市场监管Aa2026!", "bureau's name"),
    ("我爱食安Ab2026", "食安"),
    ("xinyong-Abc-2026", "信用 in pinyin"),
    ("FoodCredit2026!", "the system's name"),
    ("wang.lei-Pass-99", "the username"),
    ("abcdefghijklmn", "one kind (and a staff account)"),
    ("abcdefgh123456", "two kinds"),
    ("ABCDEFGHIJKLMNOP", "one kind"),
    ("床前明月光疑是地上霜", "one kind (other script)"),
]
ACCEPTED = [
    "Correct-horse-battery-42",
    "tHe quick brown fox 99",
    "春眠不觉晓处处闻啼鸟2026!",  # 汉字, digits, a symbol: three kinds
    "Ab1!" + "x" * 60,  # 64 characters
    "锦江饭店Kitchen42",
]


@pytest.mark.parametrize(("password", "why"), REFUSED)
def test_weak_staff_passwords_are_refused(password, why):
    with pytest.raises(ValidationError):
        validate_password(password, STAFF)


@pytest.mark.parametrize("password", ACCEPTED)
def test_strong_passwords_are_accepted_whatever_their_script_and_length(password):
    validate_password(password, STAFF)


def test_the_kinds_rule_is_for_staff_the_rest_for_everyone():
    validate_password("abcdefgh-tuvwxyz", OWNER)  # two kinds: fine for a business user
    with pytest.raises(ValidationError):
        validate_password("abcdefgh-tuvwxyz", STAFF)
    with pytest.raises(ValidationError):
        validate_password("jiangbei-tuvwxyz", OWNER)  # context words for everyone


@pytest.mark.django_db
def test_a_staff_password_expires_after_ninety_days_and_is_changed_with_an_audit_row(client):
    with time_machine.travel(T0, tick=False) as clock:
        staff = User.objects.create_user(username="station1", password=PASSWORD, role=User.Role.STATION_REGULATOR)
        owner = User.objects.create_user(username="owner1", password=PASSWORD, role=User.Role.BUSINESS)
        assert staff.password_changed_at == owner.password_changed_at == T0  # dated by set_password
        clock.shift(timedelta(days=91))
        client.force_login(owner)
        assert client.get("/office/").status_code == 200  # business users: no forced rotation
        client.force_login(staff)
        response = client.get("/office/planning/tasks/")
        assert response.status_code == 302 and response["Location"].startswith("/office/password/?next=")
        assert client.get("/api/v1/planning/tasks").json()["code"] == "accounts.password_expired"
        page = client.get("/office/password/").content.decode()
        assert "密码已超过 90 天未修改" in page
        refused = client.post(
            "/office/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "Jiangbei-2026-new",
                "new_password2": "Jiangbei-2026-new",
            },
        )
        assert refused.status_code == 200 and not AuditEvent.objects.filter(action="password_change").exists()
        new = "Correct-horse-battery-42"
        done = client.post(
            "/office/password/?next=/office/planning/tasks/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert done.status_code == 302 and done["Location"] == "/office/planning/tasks/"
        assert client.get("/office/planning/tasks/").status_code == 200  # still logged in, no longer expired
        staff.refresh_from_db()
        assert staff.check_password(new) and staff.password_changed_at == T0 + timedelta(days=91)
        event = AuditEvent.objects.get(action="password_change", object_id=str(staff.pk))
        assert new not in str(event.changes) and PASSWORD not in str(event.changes)
