"""The API documentation page (/api/v1/docs) in Chromium: Swagger UI comes from the app's static files and lists
the operations of the schema, with no Content-Security-Policy refusal (ninja's default page loaded it from a CDN, the
policy refused it and the page stayed blank)."""

from pathlib import Path

import pytest
from django.conf import settings

from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


def test_docs_page_lists_the_operations_under_the_csp(live_server, client, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    schema = client.get("/api/v1/openapi.json").json()
    search_path = "/api/v1/operators/{uscc}/credit-file"
    assert search_path in schema["paths"]
    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page()
        blocked = csp_refusals(page, [])
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
        page.goto(f"{live_server.url}/api/v1/docs")
        operations = page.locator(".opblock")
        expect(operations.first).to_be_visible(timeout=20_000)
        listed = operations.count()
        documented = sum(len(methods) for methods in schema["paths"].values())
        assert listed == documented, (listed, documented)
        expect(page.locator(f".opblock-summary-path[data-path='{search_path}']").first).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
        browser.close()
    assert blocked == []
    assert outside == []  # nothing from a CDN
