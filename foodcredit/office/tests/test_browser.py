"""The back office in a real browser (Playwright driving Debian's Chromium): log in, find an operator, page its file."""

import datetime as dt

import polars as pl
import pytest

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.tests import frames
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals

PASSWORD = "Browser-test-2025"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def district(tmp_path):
    services.records_write(kind="operators", frame=frames.operators(3), source_name="登记系统")
    uscc = frames.uscc(1)
    inspections = frames.inspections([uscc] * 60).with_columns(
        pl.Series("inspected_on", [dt.date(2025, 1, 1) + dt.timedelta(days=7 * i) for i in range(60)])
    )
    services.records_write(kind="inspections", frame=inspections, source_name="执法系统")
    User.objects.create_user(username="reg", password=PASSWORD, role=User.Role.DISTRICT_REGULATOR)
    return uscc


def test_regulator_logs_in_finds_an_operator_and_loads_more_of_its_credit_file(
    live_server, district, tmp_path, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked = []  # anything the Content-Security-Policy stops (an inline style or script, a foreign asset)
        csp_refusals(page, blocked)
        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", "reg")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_contain_text("工作台")  # the home is the workbench
        page.get_by_role("link", name="经营主体查询").click()
        page.fill("input[name=q]", "测试餐饮有限公司1")
        page.press("input[name=q]", "Enter")  # the filter form: htmx swaps the table
        page.get_by_role("link", name="重庆测试餐饮有限公司1").click()
        expect(page.locator("h1")).to_contain_text("重庆测试餐饮有限公司1")
        rows = page.locator("#timeline-body tr:not(.load-more)")
        expect(rows).to_have_count(50)
        page.get_by_role("link", name="加载更多").click()
        expect(rows).to_have_count(61)  # 60 inspections and the registration entry
        expect(page.locator(".chart svg").first).to_be_visible()  # the entries-per-year chart, drawn under the CSP
        assert blocked == []
        page.screenshot(path=str(tmp_path / "credit_file.png"), full_page=True)
        browser.close()


def _otp_set_up(page, expect, enrolment_code):
    """At the set-up page: the enrolment code, then the QR code (drawn under the CSP) and the authenticator's first
    code (computed here from the key shown, as a user would type it into the app)."""
    from base64 import b32decode

    from django_otp.oath import totp

    expect(page.locator("h1")).to_contain_text("动态验证码")
    expect(page.locator(".otp-qr svg")).to_have_count(0)  # the password alone shows no QR code
    page.fill("#otp-enrolment-code", enrolment_code)
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".otp-qr svg")).to_be_visible()
    key = b32decode(page.locator("code").inner_text().strip())
    page.fill("#otp-token", f"{totp(key):06d}")
    page.get_by_role("button", name="验证").click()  # (the top bar's logout is a submit button too)


def test_staff_set_up_the_second_factor_with_the_qr_code(live_server, district, monkeypatch, settings):
    """The first login with two factors on: the security administrator (whose own first code the server's operator
    printed with `enrolment_code_issue`) issues an enrolment code on its page; the user types it, the QR code draws
    under the Content-Security-Policy, and the code of an authenticator opens the back office."""
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.STAFF_TWO_FACTOR = True
    reg = User.objects.get(username="reg")
    User.objects.create_user(
        username="sec", password=PASSWORD, role=User.Role.SECURITY_ADMIN, department=reg.department
    )
    out = StringIO()
    call_command("enrolment_code_issue", "sec", stdout=out)  # the server's operator, for the first one
    sec_code = out.getvalue().split(": ")[2].split(" ")[0]
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        blocked: list[str] = []
        sec = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        csp_refusals(sec, blocked)
        sec.goto(f"{live_server.url}/office/login/")
        sec.fill("input[name=username]", "sec")
        sec.fill("input[name=password]", PASSWORD)
        sec.click("form.stacked-form button[type=submit]")
        _otp_set_up(sec, expect, sec_code)
        sec.locator("nav.sidenav").get_by_role("link", name="角色与范围").click()
        sec.get_by_role("link", name="reg", exact=True).click()
        sec.get_by_role("button", name="签发绑定码").click()
        code = sec.locator("#enrolment-code").inner_text().strip()  # read out to the user by phone

        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        csp_refusals(page, blocked)
        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", "reg")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked-form button[type=submit]")
        _otp_set_up(page, expect, code)
        expect(page.locator("h1")).to_contain_text("工作台")  # logged in: the back office's home
        page.wait_for_load_state("networkidle")  # no request left running into the database's teardown
        sec.wait_for_load_state("networkidle")
        assert blocked == []
        browser.close()
