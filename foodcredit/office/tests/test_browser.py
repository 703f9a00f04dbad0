"""The back office in a real browser (Playwright driving Debian's Chromium): log in, find an operator, page its file."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.tests import frames

CHROMIUM = Path("/usr/bin/chromium")
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
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked = []  # anything the Content-Security-Policy stops (an inline style or script, a foreign asset)
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
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


def test_staff_set_up_the_second_factor_with_the_qr_code(live_server, district, monkeypatch, settings):
    """The first login with two factors on: the QR code draws under the Content-Security-Policy, the key is shown,
    and the code of an authenticator (computed here from the device's key) opens the back office."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.STAFF_TWO_FACTOR = True
    from base64 import b32decode

    from django_otp.oath import totp
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", "reg")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_contain_text("动态验证码")
        expect(page.locator(".otp-qr svg")).to_be_visible()
        key = b32decode(page.locator("code").inner_text().strip())  # what the user would type into the app
        page.fill("#otp-token", f"{totp(key):06d}")
        page.get_by_role("button", name="验证").click()  # (the top bar's logout is a submit button too)
        expect(page.locator("#operator-q")).to_be_visible()  # the back office's search: logged in
        page.wait_for_load_state("networkidle")  # no request left running into the database's teardown
        assert blocked == []
        browser.close()
