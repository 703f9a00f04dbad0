"""The import page in a real browser (Playwright, Debian's Chromium): a district regulator registers a source, uploads a
file choosing it, sees the job; the same file again says it was imported before and links the job. Screenshots in
var/artifacts/."""

from pathlib import Path

import pytest
from django.conf import settings

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.models import ImportJob
from foodcredit.core.models import AuditEvent
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.inspections.models import Inspection

from . import frames

PASSWORD = "Browser-test-2025"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
HEADER = "检查编号,统一社会信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


def test_district_registers_a_source_uploads_and_is_told_of_a_reupload(live_server, tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    district = User.objects.create_user(username="reg", password=PASSWORD, role=User.Role.DISTRICT_REGULATOR)
    upload = tmp_path / "inspections.csv"
    upload.write_bytes((HEADER + f"J1,{frames.uscc(1)},2025-03-01,日常检查,符合,,张三\n").encode("utf-8-sig"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked = []
        csp_refusals(page, blocked)
        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", "reg")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/office/imports/")
        expect(page.locator("h1")).to_contain_text("数据归集")
        page.fill("input[name=name]", "区执法检查系统")
        page.check("input[name=kinds][value=inspections]")
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.locator("body")).to_contain_text("已登记来源系统“区执法检查系统”")
        page.select_option("select[name=kind]", "inspections")
        page.select_option("select[name=source]", "区执法检查系统")
        page.set_input_files("input[name=file]", str(upload))
        page.get_by_role("button", name="开始导入").click()
        expect(page.locator("#job-status")).to_contain_text("已完成")
        page.screenshot(path=str(ARTIFACTS / "imports-job-done.png"), full_page=True)
        page.goto(f"{live_server.url}/office/imports/")
        page.select_option("select[name=kind]", "inspections")
        page.select_option("select[name=source]", "区执法检查系统")
        page.set_input_files("input[name=file]", str(upload))
        page.get_by_role("button", name="开始导入").click()
        expect(page.locator("body")).to_contain_text("此文件已导入过")
        page.screenshot(path=str(ARTIFACTS / "imports-reupload.png"), full_page=True)
        job = ImportJob.objects.get(kind="inspections")
        page.get_by_role("link", name=f"查看导入任务 #{job.pk}").click()
        expect(page.locator("h1")).to_contain_text(f"#{job.pk}")
        page.goto(f"{live_server.url}/office/imports/")
        page.screenshot(path=str(ARTIFACTS / "imports-page.png"), full_page=True)
        assert blocked == []
        browser.close()
    assert Inspection.objects.count() == 1
    assert AuditEvent.objects.filter(action="register", object_type="source", actor=district).exists()
