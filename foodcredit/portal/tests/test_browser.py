"""The portal in a real browser (Playwright driving Debian's Chromium): search → filter → public page; report form →
tracking number → status. Every page: no sideways scrolling at 390 px, no Content-Security-Policy violation, and
axe-core (npm) finds no serious or critical accessibility violation. Screenshots go to var/artifacts/."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from foodcredit.accounts.models import User
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit import services
from foodcredit.credit.models import ListEntry
from foodcredit.credit.tests import factories as f

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
PHONE_WIDTH = 390

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core comes from npm (package.json)"),
]


@pytest.fixture
def district():
    officer = f.UserFactory(username="officer", role=User.Role.DISTRICT_REGULATOR)
    for n, (name, street) in enumerate(
        [("观音桥老火锅店", "观音桥街道"), ("鸿恩小火锅店", "华新街街道"), ("五里店小面馆", "五里店街道")], start=71
    ):
        f.operator_register(uscc=f.make_uscc(n), name=name, street=street)
    listed = f.operator_register(uscc=f.make_uscc(74), name="寸滩火锅城", street="寸滩街道")
    services.abnormal_list_add(
        operator=listed,
        cause=ListEntry.Cause.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        decision_no="渝江北市监异〔2025〕9号",
        decided_on=date(2025, 7, 1),
        department="江北区市场监管局",
        actor=officer,
    )
    return listed


def _check(page, name: str, blocked: list[str]) -> None:
    """The page fits 390 px, broke no CSP rule, and axe-core finds nothing serious; then a screenshot."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: {width}px wide"
    page.evaluate(AXE.read_text())  # evaluated by the DevTools protocol, not an inline script: the CSP stays on
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.nodes.length)"
    )
    assert violations == [], f"{name}: {violations}"
    assert blocked == [], f"{name}: {blocked}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def test_search_filter_public_page_and_report_on_a_phone(live_server, district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN"},
            viewport={"width": PHONE_WIDTH, "height": 844},
        )
        blocked: list[str] = []
        csp_refusals(page, blocked)

        page.goto(f"{live_server.url}/")
        _check(page, "home", blocked)
        page.fill("#portal-q", "火锅")
        page.press("#portal-q", "Enter")
        expect(page.locator(".list-count")).to_have_attribute("data-count", "3")
        page.select_option("select[name=street]", "寸滩街道")  # htmx reloads the results on change
        expect(page.locator(".list-count")).to_have_attribute("data-count", "1")
        _check(page, "search", blocked)
        page.get_by_role("link", name="寸滩火锅城").click()
        expect(page.locator("h1")).to_contain_text("寸滩火锅城")
        expect(page.locator("#list-status")).to_contain_text("渝江北市监异〔2025〕9号")
        _check(page, "operator", blocked)

        page.goto(f"{live_server.url}/lists/abnormal/")
        expect(page.locator(".list-count")).to_have_attribute("data-count", "1")
        _check(page, "roster", blocked)

        page.goto(f"{live_server.url}/report/")
        _check(page, "report-form", blocked)
        page.check("input[name=kind][value=report]")
        page.fill("input[name=operator_name]", "寸滩火锅城")
        page.fill("textarea[name=description]", "后厨老鼠出没")
        page.fill("input[name=reporter_phone]", "13912345678")
        page.get_by_role("button", name="提交").click()
        number = page.locator("#tracking-no").inner_text()
        assert number.startswith("JB")
        _check(page, "report-done", blocked)
        page.get_by_role("link", name="查询办理进度").click()
        expect(page.locator("#report-status")).to_contain_text("已登记，待审核")
        assert "13912345678" not in page.content()
        _check(page, "report-status", blocked)
        browser.close()
