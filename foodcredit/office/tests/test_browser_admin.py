"""Administration under 三权分立 in a real browser (Playwright, Debian's Chromium): the system
administrator creates a business user and asks to link it to an operator, a district regulator confirms, the user
logs in and sees that operator only; the security administrator unlocks a locked user; the audit administrator finds
the audit rows of these actions. Screenshots in var/artifacts/admin-*.png."""

from pathlib import Path

import pytest
from django.conf import settings

from foodcredit.accounts.models import Department, User
from foodcredit.collection import services as collection_services
from foodcredit.collection.tests import frames
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit.tests.factories import PASSWORD

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
R = User.Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def bureau():
    collection_services.records_write(kind="operators", frame=frames.operators(3), source_name="登记系统")
    samr = Department.objects.create(code="jb-samr", name="区市场监管局", kind=Department.Kind.MARKET_REGULATION)
    for username, role in (
        ("sys", R.SYSTEM_ADMIN),
        ("sec", R.SECURITY_ADMIN),
        ("aud", R.AUDIT_ADMIN),
        ("dist", R.DISTRICT_REGULATOR),
        ("zhou", R.DISTRICT_REGULATOR),
    ):
        User.objects.create_user(username=username, password=PASSWORD, role=role, department=samr)


def test_three_administrators_each_do_their_part(live_server, bureau, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    uscc, other = frames.uscc(1), frames.uscc(2)
    with sync_playwright() as p:
        browser = chromium(p)
        blocked: list[str] = []

        def login(username, password=PASSWORD):
            context = browser.new_context(
                locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"}, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            csp_refusals(page, blocked)
            page.goto(f"{live_server.url}/office/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("form.stacked-form button[type=submit]")
            return page

        def nav(page, label):
            page.locator("nav.sidenav").get_by_role("link", name=label).click()

        # A district regulator mistypes the password five times: locked.
        zhou = login("zhou", "wrong-1")
        for _ in range(4):
            zhou.fill("input[name=password]", "wrong-again")
            zhou.click("form.stacked-form button[type=submit]")
        expect(zhou.locator("body")).to_contain_text("30 分钟")
        zhou.context.close()

        # System administrator: a business user, and a link asked with the USCC and the legal representative.
        sys = login("sys")
        nav(sys, "用户管理")
        sys.get_by_role("link", name="新建用户").click()
        sys.fill("input[name=username]", "qiye")
        sys.select_option("select[name=role]", R.BUSINESS)
        sys.fill("input[name=password]", "Kaishi#Mima2026x")
        sys.get_by_role("button", name="创建").click()
        expect(sys.locator("h1")).to_contain_text("qiye")
        sys.fill("input[name=uscc]", uscc)
        sys.fill("input[name=legal_rep_name]", "张9")
        sys.get_by_role("button", name="提交申请").click()
        expect(sys.locator("[role=alert]").first).to_contain_text("法定代表人（负责人）姓名与登记信息不一致")
        sys.fill("input[name=uscc]", uscc)
        sys.fill("input[name=legal_rep_name]", "张1")
        sys.get_by_role("button", name="提交申请").click()
        expect(sys.locator("body")).to_contain_text("待确认")
        sys.screenshot(path=str(ARTIFACTS / "admin-system-user.png"), full_page=True)
        nav(sys, "企业用户关联")
        expect(sys.locator("body")).to_contain_text(uscc)
        expect(sys.get_by_role("button", name="确认")).to_have_count(0)  # not the system administrator's to confirm
        sys.screenshot(path=str(ARTIFACTS / "admin-system-links.png"), full_page=True)
        sys.context.close()

        # A district regulator confirms the pending link.
        dist = login("dist")
        nav(dist, "企业用户关联")
        dist.get_by_role("button", name="确认").click()
        expect(dist.locator("body")).to_contain_text("关联已确认")
        dist.screenshot(path=str(ARTIFACTS / "admin-district-confirms-link.png"), full_page=True)
        dist.context.close()

        # The business user: its own password first, then its operator — and only that one.
        qiye = login("qiye", "Kaishi#Mima2026x")
        expect(qiye.locator("h1")).to_contain_text("修改密码")
        qiye.fill("input[name=old_password]", "Kaishi#Mima2026x")
        qiye.fill("input[name=new_password1]", "Hetong#Secure2026")
        qiye.fill("input[name=new_password2]", "Hetong#Secure2026")
        qiye.locator("form.stacked-form button[type=submit]").click()
        qiye.goto(f"{live_server.url}/office/operators/{uscc}/")
        expect(qiye.locator("h1")).to_contain_text("重庆测试餐饮有限公司1")
        qiye.screenshot(path=str(ARTIFACTS / "admin-business-user-sees-its-operator.png"), full_page=True)
        response = qiye.goto(f"{live_server.url}/office/operators/{other}/")
        assert response is not None and response.status == 404
        qiye.context.close()

        # Security administrator: the locked user is unlocked.
        sec = login("sec")
        nav(sec, "账号锁定")
        expect(sec.locator("table")).to_contain_text("zhou")
        sec.screenshot(path=str(ARTIFACTS / "admin-security-lockouts.png"), full_page=True)
        sec.get_by_role("button", name="解除锁定").click()
        expect(sec.locator("body")).to_contain_text("已解除 zhou 的锁定")
        sec.context.close()
        zhou = login("zhou")
        expect(zhou.locator("h1")).to_contain_text("工作台")
        zhou.context.close()

        # Audit administrator: the rows of all of the above, found with the filters.
        aud = login("aud")
        nav(aud, "审计日志")
        for action, actor, expected in (
            ("create", "sys", "qiye"),
            ("business_link_request", "sys", uscc),
            ("business_link_confirm", "dist", "confirmed"),
            ("operator_link", "dist", uscc),
            ("lockout_reset", "sec", "zhou"),
        ):
            aud.goto(f"{live_server.url}/office/audit/?action={action}&actor={actor}")
            expect(aud.locator("#list-table table")).to_contain_text(expected)
        aud.goto(f"{live_server.url}/office/audit/?actor=sec")
        aud.screenshot(path=str(ARTIFACTS / "admin-audit-log.png"), full_page=True)
        aud.wait_for_load_state("networkidle")
        aud.context.close()
        assert blocked == []
        browser.close()
