"""Objections and 不予公示 in a real browser (Playwright, Debian's Chromium): a business user objects to an inspection
on its credit file with a photo → the district opens the workbench tile, accepts and corrects → the business user
reads the outcome and the correction is on its file and on the public page; then the district marks a penalty
不予公示 on the credit file and the public page no longer shows it. Screenshots in var/artifacts/portal-objection-*.png."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from foodcredit.accounts.models import Department, User
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit.tests.factories import PASSWORD, inspection_add, operator_register, penalty_add, record_of

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOTE = "经核实，检查当日冷藏柜处于除霜时段，温度读数不能代表运行状态，检查结论予以更正"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def world():
    """An operator with an inspection and a penalty (production writers), its business user and the district."""
    operator = operator_register(uscc="91500105MA5U8JQX76", name="江北异议旅程餐饮有限公司")
    today = timezone.localdate()
    inspection = inspection_add(operator, on=today - timedelta(days=10), result="nonconform", findings="冷藏温度超标")
    penalty = penalty_add(operator, on=today - timedelta(days=9), violation="未按规定公示食品安全信息")
    User.objects.create_user(
        username="qiye", password=PASSWORD, role=User.Role.BUSINESS, operator_usccs=[operator.uscc]
    )
    department = Department.objects.create(code="jb-amr", name="江北区市场监管局", kind="market_regulation")
    User.objects.create_user(
        username="reg", password=PASSWORD, role=User.Role.DISTRICT_REGULATOR, department=department
    )
    return {"uscc": operator.uscc, "inspection": inspection, "decision_no": record_of(penalty).decision_no}


def test_objection_journey_and_a_mark_that_keeps_a_record_from_the_public(live_server, world, monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "温度记录.png"
    photo.write_bytes(PNG)
    uscc = world["uscc"]
    with sync_playwright() as p:
        browser = chromium(p)
        blocked: list[str] = []

        def login(username: str):
            page = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"}).new_page()
            csp_refusals(page, blocked)
            page.goto(f"{live_server.url}/office/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            return page

        def shot(page, name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"portal-objection-{name}.png"), full_page=True)

        business = login("qiye")
        business.goto(f"{live_server.url}/office/operators/{uscc}/")
        business.locator(f"a[href='/office/entries/{world['inspection'].pk}/objection/']").click()
        business.fill("textarea[name=reason]", "检查当日冷藏柜正在除霜，温度读数有误，附当日温度记录")
        business.set_input_files("input[name=attachments]", str(photo))
        shot(business, "1-form")
        business.get_by_role("button", name="提交异议").click()
        expect(business.locator(".objection-status")).to_contain_text("已提交")
        expect(business.locator("body")).to_contain_text("温度记录.png")
        shot(business, "2-submitted")

        district = login("reg")
        district.get_by_role("link", name="待处理的异议申诉").click()
        expect(district.locator(".list-count")).to_have_attribute("data-count", "1")
        shot(district, "3-queue")
        district.locator("#list-table tbody a").first.click()
        district.get_by_role("button", name="受理").click()
        expect(district.locator(".objection-status")).to_contain_text("已受理")
        district.select_option("select[name=outcome]", "correct")
        district.fill("textarea[name=note]", NOTE)
        shot(district, "4-decide")
        district.get_by_role("button", name="办结").click()
        expect(district.locator(".objection-status")).to_contain_text("异议成立，已更正")

        business.reload()
        expect(business.locator(".objection-outcome")).to_contain_text(NOTE)
        shot(business, "5-outcome")
        business.goto(f"{live_server.url}/office/operators/{uscc}/")
        expect(business.locator("#timeline-body, body").first).to_contain_text(NOTE)
        public = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        csp_refusals(public, blocked)
        public.goto(f"{live_server.url}/operators/{uscc}/")
        expect(public.locator("body")).to_contain_text(NOTE)
        expect(public.locator("body")).to_contain_text(world["decision_no"])
        shot(public, "6-public-corrected")

        district.goto(f"{live_server.url}/office/operators/{uscc}/")
        district.locator("tr", has_text=world["decision_no"]).get_by_role("link", name="标注不予公示").click()
        district.select_option("select[name=ground]", "trade_secret")
        district.fill("textarea[name=ground_note]", "处罚决定书载有当事人配方工艺，属商业秘密")
        shot(district, "7-hold")
        district.get_by_role("button", name="标注不予公示").click()
        row = district.locator("tr", has_text=world["decision_no"])
        expect(row).to_contain_text("不予公示")
        expect(row).to_contain_text("属商业秘密")
        shot(district, "8-internal-marked")
        public.reload()
        expect(public.locator("body")).to_contain_text(NOTE)
        expect(public.locator("body")).not_to_contain_text(world["decision_no"])
        shot(public, "9-public-withheld")
        assert blocked == []
        browser.close()
