"""Three journeys across the portal and the back office in Chromium (issue 15 §5/§6), with screenshots
(var/artifacts/portal-journey-*.png) and no Content-Security-Policy refusal:

1. a member of the public reports → tracking number → status; staff accept it as a complaint on the operator's file
   and later close it with the verification result → the status page shows each outcome, never the reporter;
2. a business user makes a commitment → the public page shows it 待核查 → staff verify it → the public page shows
   承诺属实;
3. a business user applies to repair an abnormal listing → staff accept and grant → the public page no longer shows
   the listing (DOMAIN.md II §2.1: repair of the 经营异常名录 is removal from it), the internal file keeps it."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.complaints.models import Complaint
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import Commitment, ListEntry, RepairApplication
from foodcredit.credit.tests import factories as f

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
USCC = f.make_uscc(501)
NAME = "观音桥老火锅店"
PHONE = "13912345678"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def world() -> dict[str, Any]:
    officer = f.UserFactory(username="officer", role=User.Role.DISTRICT_REGULATOR)
    operator = f.operator_register(uscc=USCC, name=NAME, street="观音桥街道")
    credit_services.abnormal_list_add(
        operator=operator,
        cause=ListEntry.Cause.UNREACHABLE,
        legal_basis="《企业信息公示暂行条例》第十七条",
        decision_no="渝江北市监异〔2025〕7号",
        decided_on=date(2025, 7, 1),
        department="江北区市场监管局",
        actor=officer,
    )
    return {"officer": officer, "biz": f.UserFactory(username="biz", role=User.Role.BUSINESS, operator_usccs=[USCC])}


class Browser:
    """One Chromium page that can act as the public, a business user or a regulator (session cookies)."""

    def __init__(self, p, live_server, name: str) -> None:
        self.url, self.name = live_server.url, name
        self.browser = chromium(p)
        self.context = self.browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        self.page = self.context.new_page()
        self.blocked = csp_refusals(self.page, [])
        self.step = 0

    def as_user(self, user: User | None) -> None:
        self.context.clear_cookies()
        if user is not None:
            client = Client()
            client.force_login(user)
            self.context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.url}]
            )

    def go(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")

    def shot(self, what: str) -> None:
        self.step += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"portal-journey-{self.name}-{self.step}-{what}.png"), full_page=True)


def test_report_is_accepted_as_a_complaint_and_the_reporter_follows_it(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        b = Browser(p, live_server, "report")
        page = b.page
        b.go("/report/")
        page.check("input[name=kind][value=complaint]")
        page.select_option("select[name=category]", "foreign_matter")
        page.fill("input[name=operator_name]", NAME)
        page.fill("textarea[name=description]", "火锅里吃出一根头发")
        page.fill("input[name=reporter_phone]", PHONE)
        page.get_by_role("button", name="提交").click()
        number = page.locator("#tracking-no").inner_text()
        b.shot("tracking-number")
        page.get_by_role("link", name="查询办理进度").click()
        expect(page.locator("#report-status")).to_contain_text("已登记，待审核")
        b.shot("registered")

        b.as_user(world["officer"])
        b.go("/report/queue/")
        page.get_by_role("link", name=number).click()
        page.select_option("select[name=status]", "accepted")
        page.fill("input[name=operator_uscc]", USCC.lower())  # typed as it comes; the page reads it upper-case
        page.fill("textarea[name=reply]", "已转观音桥市场监管所核查")
        b.shot("staff-accepts")
        page.get_by_role("button", name="记录办理结果").click()
        expect(page.locator("body")).to_contain_text("已记录办理结果")
        complaint = Complaint.objects.get(source_ref=number)
        assert (complaint.operator.uscc, complaint.verification) == (USCC, "pending")

        b.as_user(None)
        b.go(f"/report/status/?no={number}")
        expect(page.locator("#report-status")).to_contain_text("已受理，正在核查")
        expect(page.locator("#report-status")).to_contain_text("已转观音桥市场监管所核查")
        b.shot("accepted")

        b.as_user(world["officer"])
        b.go(f"/report/queue/{_report_pk(number)}/")
        expect(page.locator("#report-complaint")).to_contain_text(USCC)
        page.select_option("select[name=status]", "closed")
        page.select_option("select[name=verification]", "true")
        page.fill("textarea[name=reply]", "经核查属实，已责令整改。")
        page.get_by_role("button", name="记录办理结果").click()

        b.as_user(None)
        b.go(f"/report/status/?no={number}")
        expect(page.locator("#report-status")).to_contain_text("已办结")
        expect(page.locator("#report-verification")).to_have_text("属实")
        assert PHONE not in page.content()
        b.shot("closed")
        b.browser.close()
    assert b.blocked == []
    assert Complaint.objects.get(source_ref=number).verification == "true"


def _report_pk(number: str) -> int:
    from foodcredit.portal.models import PublicReport

    return PublicReport.objects.get(tracking_no=number).pk


def test_commitment_is_verified_and_the_public_page_shows_it(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    text = "本店承诺严格落实进货查验制度，不销售过期食品。"
    with sync_playwright() as p:
        b = Browser(p, live_server, "commitment")
        page = b.page
        b.as_user(world["biz"])
        b.go("/office/commitments/new/")
        page.select_option("select[name=kind]", Commitment.Kind.NOTIFY_COMMIT)
        page.fill("textarea[name=text]", text)
        b.shot("business-commits")
        page.get_by_role("button", name="提交").click()
        expect(page.locator("body")).to_contain_text("已作出信用承诺")
        commitment = Commitment.objects.get(text=text)

        b.as_user(None)
        b.go(f"/operators/{USCC}/")
        row = page.locator("#commitments tr", has_text="严格落实进货查验制度")
        expect(row).to_contain_text("待核查")
        b.shot("public-pending")

        b.as_user(world["officer"])
        b.go(f"/office/commitments/{commitment.pk}/")
        page.select_option("select[name=verification]", Commitment.Verification.KEPT)
        page.fill("textarea[name=note]", "现场核查属实")
        b.shot("staff-verifies")
        page.locator("form button[type=submit]").last.click()

        b.as_user(None)
        b.go(f"/operators/{USCC}/")
        expect(page.locator("#commitments tr", has_text="严格落实进货查验制度")).to_contain_text("承诺属实")
        b.shot("public-kept")
        b.browser.close()
    assert b.blocked == []


def test_repair_of_an_abnormal_listing_removes_it_from_the_public_page(live_server, world, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        b = Browser(p, live_server, "repair")
        page = b.page
        b.go(f"/operators/{USCC}/")
        expect(page.locator("#list-status")).to_contain_text("渝江北市监异〔2025〕7号")
        b.shot("public-listed")

        b.as_user(world["biz"])
        b.go("/office/repairs/new/")
        page.select_option("select[name=target]", RepairApplication.Target.ABNORMAL)
        page.fill("textarea[name=commitment]", "本单位承诺今后严格遵守法律法规，诚信经营。")
        page.fill("textarea[name=evidence]", "已恢复登记住所的联系，补报即时信息")
        b.shot("business-applies")
        page.get_by_role("button", name="提交申请").click()
        expect(page.locator("body")).to_contain_text("已提交信用修复申请")
        application = RepairApplication.objects.get()
        assert application.status == RepairApplication.Status.SUBMITTED

        b.as_user(world["officer"])
        b.go("/office/repairs/")
        page.get_by_role("button", name="受理").first.click()
        b.go("/office/repairs/")
        b.shot("staff-accepted")
        page.get_by_role("button", name="准予修复").first.click()
        application.refresh_from_db()
        assert application.status == RepairApplication.Status.GRANTED, application.status

        b.as_user(None)
        b.go(f"/operators/{USCC}/")
        expect(page.locator("#list-status")).to_contain_text("未列入经营异常名录和严重违法失信名单")
        expect(page.locator("#list-status")).not_to_contain_text("渝江北市监异〔2025〕7号")
        b.shot("public-removed")
        b.browser.close()
    assert b.blocked == []
    entry = ListEntry.objects.get(decision_no="渝江北市监异〔2025〕7号")
    assert (entry.status, entry.removal_reason) == (ListEntry.Status.REMOVED, ListEntry.RemovalReason.CORRECTED)
