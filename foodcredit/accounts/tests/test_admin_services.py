"""The administrators' services (三权分立): role and department rules, name comparison, business links, grants."""

import pytest
from django.core.exceptions import PermissionDenied

from foodcredit.accounts import rules
from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import BusinessLink, Department, User
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.models import AuditEvent

R = User.Role
D = Department.Kind
USCC = "91500105000000010K"
REGISTERED = account_services.OperatorRegistration(uscc=USCC, name="重庆测试餐饮有限公司1", legal_rep="艾力·买买提")


@pytest.mark.parametrize(
    ("role", "kind", "streets", "code"),
    [
        (R.BUSINESS, None, [], None),
        (R.BUSINESS, D.MARKET_REGULATION, [], "accounts.business_no_department"),
        (R.DISTRICT_REGULATOR, None, [], "accounts.department_required"),
        (R.DISTRICT_REGULATOR, D.HEALTH, [], "accounts.department_kind"),
        (R.STATION_REGULATOR, D.MARKET_REGULATION, [], "accounts.station_streets"),
        (R.STATION_REGULATOR, D.MARKET_REGULATION, ["观音桥街道"], None),
        (R.OTHER_DEPARTMENT, D.MARKET_REGULATION, [], "accounts.department_kind"),
        (R.OTHER_DEPARTMENT, D.AGRICULTURE, [], None),
        (R.ASSOCIATION, D.ASSOCIATION, [], None),
        (R.ASSOCIATION, D.HEALTH, [], "accounts.department_kind"),
        (R.AUDIT_ADMIN, D.MARKET_REGULATION, [], None),
    ],
)
def test_role_department_problem(role, kind, streets, code):
    problem = rules.role_department_problem(role=role, department_kind=kind, department_streets=streets)
    assert (problem[0] if problem else None) == code


@pytest.mark.parametrize(
    ("given", "registered", "matches"),
    [
        ("张三", "张三", True),
        (" 张 三 ", "张三", True),
        ("艾力•买买提", "艾力·买买提", True),
        ("艾力.买买提", "艾力·买买提", True),
        ("ＺＨＡＮＧ San", "zhang san", True),
        ("张四", "张三", False),
        ("", "", False),
    ],
)
def test_legal_rep_matches(given, registered, matches):
    assert rules.legal_rep_matches(given=given, registered=registered) is matches


def test_enrolment_codes_are_typed_back_in_any_case_and_spacing():
    code = rules.enrolment_code_new()
    assert len(code) == 14 and code.count("-") == 2
    assert rules.enrolment_code_normalised(code.lower().replace("-", " ")) == code.replace("-", "")


@pytest.fixture
def people(db):
    samr = Department.objects.create(code="s", name="局", kind=D.MARKET_REGULATION)
    roles = {
        "sys": R.SYSTEM_ADMIN,
        "sec": R.SECURITY_ADMIN,
        "district": R.DISTRICT_REGULATOR,
        "district2": R.DISTRICT_REGULATOR,
        "business": R.BUSINESS,
    }
    return {
        name: User.objects.create_user(
            username=name, password="Test-password-2025", role=role, department=None if role == R.BUSINESS else samr
        )
        for name, role in roles.items()
    }


def test_a_link_is_asked_once_and_confirmed_against_the_registration_as_it_is_then(people):
    link = account_services.business_link_request(
        user=people["business"],
        uscc=USCC.lower(),
        legal_rep_name="艾力•买买提",
        registered=REGISTERED,
        actor=people["sys"],
    )
    assert (link.uscc, link.status, link.operator_name) == (USCC, "pending", "重庆测试餐饮有限公司1")
    with pytest.raises(ConflictError) as refused:
        account_services.business_link_request(
            user=people["business"], uscc=USCC, legal_rep_name="艾力·买买提", registered=REGISTERED, actor=people["sys"]
        )
    assert refused.value.code == "accounts.link_exists"
    with pytest.raises(DomainError) as exc:  # a rejection needs its reason
        account_services.business_link_decide(
            link=link, confirm=False, registered=REGISTERED, note=" ", actor=people["district"]
        )
    assert exc.value.code == "accounts.reason_required"
    changed = account_services.OperatorRegistration(uscc=USCC, name=REGISTERED.name, legal_rep="王五")
    with pytest.raises(DomainError) as exc:  # the legal representative changed since the request
        account_services.business_link_decide(
            link=link, confirm=True, registered=changed, note="", actor=people["district"]
        )
    assert exc.value.code == "accounts.link_legal_rep_mismatch"
    refused = AuditEvent.objects.filter(action="business_link_confirm", success=False).get()
    assert (refused.actor, refused.object_id) == (people["district"], str(link.pk))
    with pytest.raises(PermissionDenied):
        account_services.business_link_decide(
            link=link, confirm=True, registered=REGISTERED, note="", actor=people["sys"]
        )
    account_services.business_link_decide(
        link=link, confirm=True, registered=REGISTERED, note="", actor=people["district"]
    )
    people["business"].refresh_from_db()
    assert people["business"].operator_usccs == [USCC]
    with pytest.raises(ConflictError) as refused:  # decided once
        account_services.business_link_decide(
            link=link, confirm=False, registered=REGISTERED, note="迟到", actor=people["district2"]
        )
    assert refused.value.code == "accounts.link_decided"
    assert BusinessLink.objects.get().status == BusinessLink.Status.CONFIRMED


def test_only_business_users_are_linked_and_to_operators_that_exist(people):
    for user, registered, code in (
        (people["district"], REGISTERED, "accounts.link_not_business"),
        (people["business"], None, "accounts.link_unknown_operator"),
    ):
        with pytest.raises(DomainError) as exc:
            account_services.business_link_request(
                user=user, uscc=USCC, legal_rep_name="艾力·买买提", registered=registered, actor=people["sys"]
            )
        assert exc.value.code == code
    assert not BusinessLink.objects.exists()
    assert AuditEvent.objects.filter(action="business_link_request", success=False).count() == 2


def test_each_administrator_holds_its_own_powers_only(people):
    business, district = people["business"], people["district"]
    with pytest.raises(PermissionDenied):
        account_services.user_grant(
            user=district, role=R.SYSTEM_ADMIN, department=district.department, actor=people["sys"]
        )
    with pytest.raises(PermissionDenied):
        account_services.user_create(
            username="x", role=R.BUSINESS, department=None, password="Long-enough-2026", actor=people["sec"]
        )
    with pytest.raises(PermissionDenied):
        account_services.enrolment_code_issue(user=district, actor=people["sys"])
    with pytest.raises(PermissionDenied):
        account_services.lockout_reset(username="x", actor=people["sys"])
    with pytest.raises(PermissionDenied):
        account_services.business_link_request(
            user=business, uscc=USCC, legal_rep_name="艾力·买买提", registered=REGISTERED, actor=people["district"]
        )
    with pytest.raises(DomainError) as exc:  # a linked business user keeps the business role until unlinked
        business.operator_usccs = [USCC]
        business.save()
        account_services.user_grant(
            user=business, role=R.INSPECTOR, department=district.department, actor=people["sec"]
        )
    assert exc.value.code == "accounts.business_links_remain"
    assert not AuditEvent.objects.filter(action__in=["role_grant", "create", "enrolment_code_issue"]).exists()


def test_a_disabled_account_is_audited_and_cannot_be_ones_own(people):
    with pytest.raises(DomainError) as refused:
        account_services.user_active_set(user=people["sys"], active=False, actor=people["sys"])
    assert refused.value.code == "accounts.own_account"
    account_services.user_active_set(user=people["district"], active=False, actor=people["sys"])
    row = AuditEvent.objects.get(action="disable")
    assert (row.actor, row.object_id, row.changes) == (
        people["sys"],
        str(people["district"].pk),
        {"is_active": [True, False]},
    )


def test_a_security_administrator_does_not_enrol_or_reset_its_own_second_factor(people):
    sec = people["sec"]
    for call in (
        lambda: account_services.enrolment_code_issue(user=sec, actor=sec),
        lambda: account_services.two_factor_reset(user=sec, reason="手机遗失", actor=sec),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "accounts.own_account"
    assert account_services.enrolment_code_issue(user=sec, actor=None)  # the server's operator may


@pytest.mark.parametrize("name", ["admin", "Root", " test ", "ＡＤＭＩＮ", "superuser"])
def test_no_default_account_name_is_created(people, name):
    with pytest.raises(DomainError) as exc:
        account_services.user_create(
            username=name, role=R.BUSINESS, department=None, password="Long-enough-2026x", actor=people["sys"]
        )
    assert exc.value.code == "accounts.username_reserved"


def test_accounts_unused_for_ninety_days_are_disabled_daily(people):
    from datetime import datetime, timedelta
    from io import StringIO
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core.management import call_command

    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    User.objects.update(date_joined=t0 - timedelta(days=200), last_login=t0 - timedelta(days=10))
    User.objects.filter(pk=people["district"].pk).update(last_login=t0 - timedelta(days=91))
    User.objects.filter(pk=people["business"].pk).update(last_login=None)  # created 200 days ago, never used
    with time_machine.travel(t0, tick=False):
        out = StringIO()
        call_command("accounts_dormant_disable", stdout=out)
        assert "2 account(s)" in out.getvalue()
        call_command("accounts_dormant_disable", stdout=StringIO())  # a second run: nothing more
    assert set(User.objects.filter(is_active=False).values_list("pk", flat=True)) == {
        people["district"].pk,
        people["business"].pk,
    }
    rows = AuditEvent.objects.filter(action="disable").order_by("object_id")
    assert [(r.actor, r.changes["reason"]) for r in rows] == [(None, [None, "dormant"])] * 2
