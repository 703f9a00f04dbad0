"""The workbench of every role in a real browser (Playwright, Debian's Chromium): each logs in, sees its workbench
drawn under the Content-Security-Policy, and a count opens its list. Screenshots in var/artifacts/ (desktop for
every role, 390 px for the inspector and the district regulator)."""

from pathlib import Path

import pytest
from django.conf import settings

from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit.tests.factories import PASSWORD

from .test_workbench import _users, district  # noqa: F401  (the fixture)

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


def test_every_role_sees_its_workbench(live_server, district, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    users = _users(district)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = chromium(p)
        for role, user in users.items():
            for width in (1280, 390) if role in ("district", "inspector") else (1280,):
                context = browser.new_context(
                    locale="zh-CN",
                    extra_http_headers={"Accept-Language": "zh-CN"},
                    viewport={"width": width, "height": 900},
                )
                page = context.new_page()
                blocked = csp_refusals(page, [])
                page.goto(f"{live_server.url}/office/login/")
                page.fill("input[name=username]", user.username)
                page.fill("input[name=password]", PASSWORD)
                page.click("form.stacked-form button[type=submit]")
                expect(page.locator("h1")).to_contain_text("工作台")
                if role in ("district", "station"):
                    expect(page.locator(".chart svg").first).to_be_visible()  # ECharts drew under the CSP
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(ARTIFACTS / f"workbench-{role}-{width}.png"), full_page=True)
                assert blocked == [], (role, blocked)
                context.close()
        # a count opens its list, and the list shows that many rows
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        page = context.new_page()
        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", users["district"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stacked-form button[type=submit]")
        tile = page.locator("a.tile", has_text="超过检查频次的经营主体")
        count = tile.get_attribute("data-count")
        tile.click()
        expect(page.locator(".list-count")).to_have_attribute("data-count", count or "")
        page.select_option("select[name=risk_class]", "D")  # htmx swaps the table on change
        expect(page.locator(".list-count")).to_have_attribute("data-count", "2")
        assert "risk_class=D" in page.url  # the filtered list is a link one can send
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "frequency-list-1280.png"), full_page=True)
        context.close()
        browser.close()
