"""Administration under 三权分立 (SECURITY.md B4): each administrator opens its own pages only, every
change made there is the audit row the test names, and a business user linked to an operator sees that one only."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from foodcredit.accounts import services as account_services
from foodcredit.accounts.models import BusinessLink, Department, EnrolmentCode, User
from foodcredit.collection import services as collection_services
from foodcredit.collection.tests import frames
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import PASSWORD, DepartmentFactory, UserFactory
from foodcredit.office import views_admin_forms as admin_forms

R = User.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Two operators registered through the import pipeline; one account per role."""
    collection_services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    samr = DepartmentFactory(
        code="t-samr", name="区市场监管局", kind=Department.Kind.MARKET_REGULATION, streets=["观音桥街道"]
    )
    station = DepartmentFactory(
        code="t-gyq", name="观音桥所", kind=Department.Kind.MARKET_REGULATION, streets=["观音桥街道"]
    )
    ndrc = DepartmentFactory(code="t-ndrc", name="发改委", kind=Department.Kind.DEVELOPMENT_REFORM)
    assoc = DepartmentFactory(code="t-assoc", name="餐饮协会", kind=Department.Kind.ASSOCIATION)
    departments = {R.STATION_REGULATOR: station, R.OTHER_DEPARTMENT: ndrc, R.ASSOCIATION: assoc, R.BUSINESS: None}
    return {
        role: UserFactory(username=f"u-{role}", role=role, department=departments.get(role, samr), operator_usccs=[])
        for role in R
    }


def _pages(world):
    business = world[R.BUSINESS]
    department = Department.objects.get(code="t-gyq")
    link = account_services.business_link_request(
        user=business,
        uscc=frames.uscc(1),
        legal_rep_name="张1",
        registered=admin_forms.operator_registration(frames.uscc(1)),
        actor=world[R.SYSTEM_ADMIN],
    )  # a pending link to aim the confirm page at
    return {
        ("get", reverse("office:admin_users")): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_user_create")): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_user", args=[business.pk])): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_departments")): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_department_create")): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_department", args=[department.pk])): {R.SYSTEM_ADMIN},
        ("get", reverse("office:admin_business_links")): {R.SYSTEM_ADMIN, R.DISTRICT_REGULATOR},
        ("post", reverse("office:admin_business_link_decide", args=[link.pk])): {R.DISTRICT_REGULATOR},
        ("get", reverse("office:admin_roles")): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_security_user", args=[business.pk])): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_lockouts")): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_sessions")): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_two_factor")): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_passwords")): {R.SECURITY_ADMIN},
        ("get", reverse("office:admin_audit")): {R.AUDIT_ADMIN},
        ("get", reverse("office:admin_audit") + "?_export=csv"): {R.AUDIT_ADMIN},
    }


def test_every_admin_page_opens_for_its_own_role_only(client, world):
    pages = _pages(world)
    for role, user in world.items():
        client.force_login(user)
        for (method, url), allowed in pages.items():
            data = {"decision": "reject"} if method == "post" else None
            response = getattr(client, method)(url, data, follow=True)
            if role in allowed:
                assert response.status_code == 200, (role, url, response.status_code)
            else:
                assert response.status_code in (403, 404), (role, url, response.status_code)
        client.logout()
    # The rejection above had no note: refused, so the link is still pending and no other role touched it.
    assert BusinessLink.objects.get().status == BusinessLink.Status.PENDING


def test_the_nav_shows_each_administrator_its_own_pages(client, world):
    expected = {
        R.SYSTEM_ADMIN: {"用户管理", "部门管理", "企业用户关联"},
        R.SECURITY_ADMIN: {"角色与范围", "账号锁定", "会话"},
        R.AUDIT_ADMIN: {"审计日志"},
        R.DISTRICT_REGULATOR: {"企业用户关联"},
    }
    every = {"用户管理", "部门管理", "企业用户关联", "角色与范围", "账号锁定", "会话", "审计日志"}
    for role in R:
        client.force_login(world[role])
        nav = client.get(reverse("office:password_change")).content.decode().split('class="sidenav"')[1]
        nav = nav.split("</nav>")[0]
        shown = {label for label in every if f">{label}</a>" in nav}
        assert shown == expected.get(role, set()), role
        client.logout()


def test_system_administrator_creates_a_business_user_and_links_it_district_regulator_confirms(client, world):
    sysadmin, district = world[R.SYSTEM_ADMIN], world[R.DISTRICT_REGULATOR]
    uscc, other = frames.uscc(1), frames.uscc(2)
    client.force_login(sysadmin)
    response = client.post(
        reverse("office:admin_user_create"),
        {"username": "laozhang", "role": R.BUSINESS, "password": "Lao-zhang-2026x"},
    )
    new = User.objects.get(username="laozhang")
    assert response["Location"] == reverse("office:admin_user", args=[new.pk])
    assert new.password_must_change and new.role == R.BUSINESS
    created = AuditEvent.objects.get(action="create", object_type="user", object_id=str(new.pk))
    assert (created.actor, created.changes["role"], created.changes["password"]) == (
        sysadmin,
        [None, R.BUSINESS],
        ["", "***"],
    )

    # An administrator role is not the system administrator's to give; a station needs its streets.
    refused = client.post(
        reverse("office:admin_user_create"),
        {"username": "x1", "role": R.SECURITY_ADMIN, "password": "Lao-zhang-2026x"},
    )
    assert refused.status_code == 400 and not User.objects.filter(username="x1").exists()

    page = reverse("office:admin_user", args=[new.pk])
    wrong = client.post(page, {"action": "link", "uscc": uscc, "legal_rep_name": "李四"})
    assert wrong.status_code == 400 and "法定代表人（负责人）姓名与登记信息不一致" in wrong.content.decode()
    assert not BusinessLink.objects.exists()
    refusal = AuditEvent.objects.get(action="business_link_request", success=False)
    assert refusal.changes["refused"] == [None, "accounts.link_legal_rep_mismatch"] and refusal.actor == sysadmin
    assert client.post(page, {"action": "link", "uscc": uscc, "legal_rep_name": " 张1 "}).status_code == 302
    link = BusinessLink.objects.get()
    asked = AuditEvent.objects.get(action="business_link_request", success=True)
    assert (asked.actor, asked.object_id, asked.changes) == (
        sysadmin,
        str(link.pk),
        {"user": [None, "laozhang"], "uscc": [None, uscc], "status": [None, "pending"]},
    )
    # Pending: the business user (who has set a password of its own first) sees nothing yet.
    client.force_login(new)
    client.post(
        "/office/password/",
        {
            "old_password": "Lao-zhang-2026x",
            "new_password1": "Own-password-2026!",
            "new_password2": "Own-password-2026!",
        },
    )
    assert client.get(reverse("office:operator_detail", args=[uscc])).status_code == 404
    # The system administrator cannot confirm its own request; a district regulator does.
    client.force_login(sysadmin)
    assert (
        client.post(reverse("office:admin_business_link_decide", args=[link.pk]), {"decision": "confirm"}).status_code
        == 403
    )
    client.force_login(district)
    queue = client.get(reverse("office:admin_business_links") + "?status=pending").content.decode()
    assert uscc in queue and 'value="confirm"' in queue
    client.post(reverse("office:admin_business_link_decide", args=[link.pk]), {"decision": "confirm"})
    link.refresh_from_db()
    assert (link.status, link.decided_by) == (BusinessLink.Status.CONFIRMED, district)
    confirm = AuditEvent.objects.get(action="business_link_confirm")
    assert (confirm.actor, confirm.changes) == (district, {"status": ["pending", "confirmed"]})
    linked = AuditEvent.objects.get(action="operator_link")
    assert (linked.object_id, linked.changes) == (str(new.pk), {"operator_usccs": [[], [uscc]]})

    client.logout()
    client.post("/office/login/", {"username": "laozhang", "password": "Own-password-2026!"})
    assert client.get(reverse("office:operator_detail", args=[uscc])).status_code == 200
    assert client.get(reverse("office:operator_detail", args=[other])).status_code == 404

    # The system administrator ends the link (with a reason): at once, without a second person.
    client.force_login(sysadmin)
    assert client.post(page, {"action": "unlink", "link": link.pk, "reason": ""}).status_code == 400
    client.post(page, {"action": "unlink", "link": link.pk, "reason": "法定代表人变更，企业申请解除"})
    revoked = AuditEvent.objects.get(action="business_link_revoke")
    assert (revoked.actor, revoked.changes["status"]) == (sysadmin, ["confirmed", "revoked"])
    unlinked = AuditEvent.objects.get(action="operator_unlink")
    assert unlinked.changes == {"operator_usccs": [[uscc], []]}
    client.logout()
    client.post("/office/login/", {"username": "laozhang", "password": "Own-password-2026!"})
    assert client.get(reverse("office:operator_detail", args=[uscc])).status_code == 404


def test_a_new_account_must_change_its_initial_password_first(client, world):
    client.force_login(world[R.SYSTEM_ADMIN])
    client.post(
        reverse("office:admin_user_create"),
        {
            "username": "xiaoli",
            "role": R.INSPECTOR,
            "department": Department.objects.get(code="t-samr").pk,
            "password": "Xiao-li-2026-abc",
        },
    )
    client.logout()
    client.post("/office/login/", {"username": "xiaoli", "password": "Xiao-li-2026-abc"})
    assert client.get("/office/")["Location"].startswith("/office/password/")
    client.post(
        "/office/password/",
        {"old_password": "Xiao-li-2026-abc", "new_password1": "Another-pw-2026!", "new_password2": "Another-pw-2026!"},
    )
    assert not User.objects.get(username="xiaoli").password_must_change
    assert client.get("/office/").status_code == 200


def test_departments_take_streets_from_the_district_list(client, world):
    client.force_login(world[R.SYSTEM_ADMIN])
    url = reverse("office:admin_department_create")
    bad = client.post(url, {"code": "t-wld", "name": "五里店所", "kind": "market_regulation", "streets": ["五里"]})
    assert bad.status_code == 400 and not Department.objects.filter(code="t-wld").exists()
    client.post(
        url, {"code": "t-wld", "name": "五里店所", "kind": "market_regulation", "streets": ["五里店街道", "观音桥街道"]}
    )
    department = Department.objects.get(code="t-wld")
    assert department.streets == ["观音桥街道", "五里店街道"]  # the district's order
    row = AuditEvent.objects.get(action="create", object_type="department", object_id=str(department.pk))
    assert row.changes["streets"] == [None, ["观音桥街道", "五里店街道"]] and row.actor == world[R.SYSTEM_ADMIN]


def test_security_administrator_grants_roles_issues_codes_ends_sessions_and_expires_passwords(client, world):
    secadmin, station = world[R.SECURITY_ADMIN], world[R.STATION_REGULATOR]
    samr = Department.objects.get(code="t-samr")
    page = reverse("office:admin_security_user", args=[station.pk])
    other = type(client)()
    other.force_login(station)  # the station's own session
    client.force_login(secadmin)

    client.post(page, {"action": "grant", "role": R.DISTRICT_REGULATOR, "department": samr.pk})
    station.refresh_from_db()
    assert (station.role, station.department) == (R.DISTRICT_REGULATOR, samr)
    grant = AuditEvent.objects.get(action="role_grant")
    before = Department.objects.get(code="t-gyq").pk
    assert (grant.actor, grant.changes) == (
        secadmin,
        {"role": [R.STATION_REGULATOR, R.DISTRICT_REGULATOR], "department_id": [before, samr.pk]},
    )
    own = client.post(
        reverse("office:admin_security_user", args=[secadmin.pk]),
        {"action": "grant", "role": R.SYSTEM_ADMIN, "department": samr.pk},
    )
    assert own.status_code == 400 and User.objects.get(pk=secadmin.pk).role == R.SECURITY_ADMIN

    issued = client.post(page, {"action": "enrolment_code"})
    assert "no-store" in issued["Cache-Control"]
    code = issued.content.decode().split('id="enrolment-code">')[1].split("<")[0]
    assert len(code) == 14 and EnrolmentCode.objects.get(user=station).used_at is None
    assert code not in str(list(AuditEvent.objects.values_list("changes", flat=True)))

    sessions = client.get(page).content.decode()
    assert "结束全部会话" in sessions
    client.post(page, {"action": "sessions_end"})
    assert other.get("/office/")["Location"].startswith("/office/login/")  # logged out
    ended = AuditEvent.objects.get(action="sessions_end")
    assert (ended.object_id, ended.changes["sessions"]) == (str(station.pk), [1, 0])

    client.post(page, {"action": "password_expire"})
    assert User.objects.get(pk=station.pk).password_must_change
    expire = AuditEvent.objects.get(action="password_expire")
    assert (expire.actor, expire.changes) == (secadmin, {"password_must_change": [False, True]})


def test_security_administrator_unlocks_a_locked_user(client, world):
    district = world[R.DISTRICT_REGULATOR]
    for _ in range(5):
        client.post("/office/login/", {"username": district.username, "password": "wrong"})
    assert client.post("/office/login/", {"username": district.username, "password": PASSWORD}).status_code == 429
    client.force_login(world[R.SECURITY_ADMIN])
    page = client.get(reverse("office:admin_lockouts")).content.decode()
    assert district.username in page and "共 1 条" in page
    client.post(reverse("office:admin_lockouts"), {"username": district.username})
    row = AuditEvent.objects.get(action="lockout_reset")
    assert (row.actor, row.object_id, row.changes["username"]) == (
        world[R.SECURITY_ADMIN],
        str(district.pk),
        [None, district.username],
    )
    assert "当前没有被锁定的账号" in client.get(reverse("office:admin_lockouts")).content.decode()
    client.logout()
    assert client.post("/office/login/", {"username": district.username, "password": PASSWORD}).status_code == 302


def test_audit_administrator_filters_and_exports_the_log(client, world):
    account_services.password_force_change(user=world[R.INSPECTOR], actor=world[R.SECURITY_ADMIN])
    client.force_login(world[R.AUDIT_ADMIN])
    url = reverse("office:admin_audit")
    page = client.get(url, {"actor": world[R.SECURITY_ADMIN].username, "action": "password_expire"})
    assert "共 1 条" in page.content.decode()
    assert "共 0 条" in client.get(url, {"actor": "nobody"}).content.decode()
    assert (
        "共 1 条"
        in client.get(
            url, {"object_type": "user", "object_id": str(world[R.INSPECTOR].pk), "occurred_after": "2000-01-01"}
        ).content.decode()
    )
    export = client.get(url, {"action": "password_expire", "_export": "csv"})
    taken = AuditEvent.objects.get(action="audit_export")  # the export is itself on the record
    assert (taken.actor, taken.object_id, taken.changes) == (
        world[R.AUDIT_ADMIN],
        "csv",
        {"filters": [None, {"action": "password_expire"}], "rows": [None, 1]},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == world[R.SECURITY_ADMIN].username and rows[1][2] == "password_expire"
    # A diff is shown as text, escaped (a department named with markup).
    account_services.department_save(
        department=None,
        code="t-x",
        name="<script>alert(1)</script>",
        kind="health",
        streets=[],
        district_streets=[],
        actor=world[R.SYSTEM_ADMIN],
    )
    shown = client.get(url, {"object_type": "department"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    # Read-only: nothing on the page posts.
    assert client.post(url, {}).status_code == 405
    assert get_user_model().objects.get(pk=world[R.INSPECTOR].pk).password_must_change


def test_the_demo_gives_each_administrator_work_to_do(db):
    """`demo_accounts` (development settings) leaves a business link waiting for a district regulator and a locked
    account for the security administrator — through the services and the login path; a second run adds nothing."""
    from io import StringIO

    from django.core.management import call_command

    from foodcredit.accounts import selectors as account_selectors

    collection_services.records_write(kind="operators", frame=frames.operators(5), source_name="登记系统")
    for _run in range(2):
        out = StringIO()
        call_command("demo_accounts", stdout=out)
    assert "business2" in out.getvalue() and "wangfang" in out.getvalue()
    link = BusinessLink.objects.get()
    assert (link.user.username, link.uscc, link.status) == ("business2", frames.uscc(4), BusinessLink.Status.PENDING)
    assert link.requested_by.username == "sysadmin"
    secadmin = User.objects.get(username="secadmin")
    assert [x.username for x in account_selectors.lockouts_current(for_user=secadmin)] == ["wangfang"]
    assert AuditEvent.objects.filter(action="business_link_request", success=True).count() == 1
    assert AuditEvent.objects.filter(action="login_failure", object_id="wangfang").count() == 5


def test_security_lists_filter_second_factors_passwords_and_show_live_sessions(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secadmin, inspector = world[R.SECURITY_ADMIN], world[R.INSPECTOR]
    TOTPDevice.objects.create(user=world[R.DISTRICT_REGULATOR], name="phone", confirmed=True)
    account_services.password_force_change(user=inspector, actor=secadmin)
    station = type(client)()
    station.force_login(world[R.STATION_REGULATOR])
    client.force_login(secadmin)

    def usernames(response):
        body = response.content.decode()
        return {u.username for u in world.values() if f">{u.username}</a>" in body}

    staff_without = {u.username for r, u in world.items() if r not in (R.DISTRICT_REGULATOR, R.BUSINESS, R.ASSOCIATION)}
    assert usernames(client.get(reverse("office:admin_two_factor"), follow=True)) == staff_without
    assert usernames(client.get(reverse("office:admin_roles") + "?two_factor=yes")) == {"u-district_regulator"}
    assert usernames(client.get(reverse("office:admin_passwords"), follow=True)) == {inspector.username}
    live = client.get(reverse("office:admin_sessions")).content.decode()
    assert "u-station_regulator" in live and "u-security_admin" in live and "共 2 条" in live


def test_a_district_regulator_rejects_a_link_with_its_reason_and_a_department_changes_its_streets(client, world):
    sysadmin, district = world[R.SYSTEM_ADMIN], world[R.DISTRICT_REGULATOR]
    link = account_services.business_link_request(
        user=world[R.BUSINESS],
        uscc=frames.uscc(2),
        legal_rep_name="张2",
        registered=admin_forms.operator_registration(frames.uscc(2)),
        actor=sysadmin,
    )
    client.force_login(district)
    decide = reverse("office:admin_business_link_decide", args=[link.pk])
    client.post(decide, {"decision": "reject", "note": ""})  # no reason: refused, still pending
    assert BusinessLink.objects.get().status == BusinessLink.Status.PENDING
    client.post(decide, {"decision": "reject", "note": "授权委托书未盖章"})
    row = AuditEvent.objects.get(action="business_link_reject", success=True)
    assert (row.actor, row.changes) == (
        district,
        {"status": ["pending", "rejected"], "note": [None, "授权委托书未盖章"]},
    )
    assert world[R.BUSINESS].operator_usccs == [] and not AuditEvent.objects.filter(action="operator_link").exists()

    client.force_login(sysadmin)
    station = Department.objects.get(code="t-gyq")
    client.post(
        reverse("office:admin_department", args=[station.pk]),
        {"code": "t-gyq", "name": "观音桥所", "kind": "market_regulation", "streets": ["华新街街道", "观音桥街道"]},
    )
    row = AuditEvent.objects.get(action="update", object_type="department", object_id=str(station.pk))
    assert (row.actor, row.changes) == (sysadmin, {"streets": [["观音桥街道"], ["观音桥街道", "华新街街道"]]})
    assert User.objects.get(pk=world[R.STATION_REGULATOR].pk).streets == ["观音桥街道", "华新街街道"]
    # A station regulator's department keeps at least one street.
    emptied = client.post(
        reverse("office:admin_department", args=[station.pk]),
        {"code": "t-gyq", "name": "观音桥所", "kind": "market_regulation"},
    )
    assert emptied.status_code == 400 and Department.objects.get(pk=station.pk).streets


def test_the_workbench_links_open_the_lists_they_count(client, world):
    """The workbench's filter values (office/workbench.py) are the lists' own: active users, pending links, today."""
    client.force_login(world[R.SYSTEM_ADMIN])
    world[R.INSPECTOR].is_active = False
    world[R.INSPECTOR].save()
    active = client.get(reverse("office:admin_users"), {"is_active": "true"}).content.decode()
    assert f"共 {len(world) - 1} 条" in active and "u-inspector" not in active
