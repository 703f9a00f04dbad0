"""The credit report in a real browser (Playwright driving Debian's Chromium), on a phone-sized window: search → filter
→ the public page → 下载信用报告 (PDF) → the verification page with the code printed on it, typed and as its QR code
opens it. Every page fits 390 px, breaks no Content-Security-Policy rule and passes axe-core (the portal's browser
checks); screenshots var/artifacts/portal-pdf-*.png."""

from pathlib import Path

from foodcredit.core.tests.browser import chromium, csp_refusals
from foodcredit.creditreport.models import CreditReport
from foodcredit.creditreport.tests.pdf_reading import pdf_code, pdf_content, pdf_text

from .test_browser import ARTIFACTS, PHONE_WIDTH, _check, district, pytestmark  # noqa: F401


def test_search_public_page_download_report_and_verify_its_code(live_server, district, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN"},
            viewport={"width": PHONE_WIDTH, "height": 844},
            accept_downloads=True,
        )
        blocked: list[str] = []
        csp_refusals(page, blocked)

        page.goto(f"{live_server.url}/")
        page.fill("#portal-q", "火锅")
        page.press("#portal-q", "Enter")
        expect(page.locator(".list-count")).to_have_attribute("data-count", "3")
        page.select_option("select[name=street]", "寸滩街道")
        expect(page.locator(".list-count")).to_have_attribute("data-count", "1")
        page.get_by_role("link", name="寸滩火锅城").click()
        expect(page.locator("h1")).to_contain_text("寸滩火锅城")
        _check(page, "pdf-page", blocked)

        with page.expect_download() as download:
            page.get_by_role("button", name="下载信用报告 (PDF)").click()
            # The seconds of drawing show on the button.
            expect(page.locator("#credit-report button")).to_have_text("正在生成信用报告，请稍候…")
        name = download.value.suggested_filename
        assert name.startswith(f"信用报告-{district.uscc}-") and name.endswith("-public.pdf"), name
        body = Path(download.value.path()).read_bytes()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "portal-pdf-report.pdf").write_bytes(body)
        text = pdf_text(body)
        assert "寸滩火锅城" in text and district.uscc in text
        assert "经营异常名录" in text  # the listing the public page shows is on the report
        code = pdf_code(body)
        report = CreditReport.objects.get()
        assert report.content_hash in text.replace("\n", "") and pdf_content(body)["variant"] == "public"

        page.get_by_role("link", name="核验信用报告").click()
        page.fill("#id_code", code)
        page.press("#id_code", "Enter")
        result = page.locator("#verify-result")
        expect(result).to_have_attribute("data-verdict", "genuine")
        expect(result).to_contain_text("寸滩火锅城")
        expect(result).to_contain_text(report.content_hash)
        expect(result).to_contain_text("公开版")
        _check(page, "pdf-verify", blocked)

        page.goto(f"{live_server.url}/verify/?code={code}")  # what the report's QR code opens
        expect(page.locator("#verify-result")).to_have_attribute("data-verdict", "genuine")

        forged = code[:-1] + ("2" if code[-1] != "2" else "3")
        page.fill("#id_code", forged)
        page.press("#id_code", "Enter")
        expect(page.locator("#verify-result")).to_have_attribute("data-verdict", "report.code_forged")
        expect(page.locator("#verify-result")).not_to_contain_text("寸滩火锅城")
        _check(page, "pdf-forged", blocked)
        browser.close()
