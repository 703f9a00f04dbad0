"""Early warning in a real browser (Playwright, Debian's Chromium): complaints recorded → an alert raised →
the station's inbox → 约谈 chosen, held with its rectification → the business answers on its own page → closed as
rectified → the credit file shows the alert and the interview with its rectification in the timeline. Screenshots in
var/artifacts/alerts-*.png."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from foodcredit.accounts.models import Department, User
from foodcredit.alerts import services
from foodcredit.alerts.models import Alert
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit.tests.factories import PASSWORD, complaint_add, make_uscc, operator_register

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def alerted():
    """A station, its regulator, and an operator of its street whose complaints surged this week (swept)."""
    Department.objects.create(
        code="jb-samr", name="区市场监管局", kind="market_regulation", streets=["观音桥街道", "华新街街道", "鱼嘴镇"]
    )
    station = Department.objects.create(
        code="jb-samr-gyq", name="观音桥市场监管所", kind="market_regulation", streets=["观音桥街道", "华新街街道"]
    )
    User.objects.create_user(username="suo", password=PASSWORD, role=User.Role.STATION_REGULATOR, department=station)
    operator = operator_register(uscc=make_uscc(901), street="观音桥街道")
    User.objects.create_user(
        username="qiye", password=PASSWORD, role=User.Role.BUSINESS, operator_usccs=[operator.uscc]
    )
    today = timezone.localdate()
    for d in range(4):
        complaint_add(operator, on=today - timedelta(days=d))
        complaint_add(operator, on=today - timedelta(days=d))
    # Raised as the complaints arrive (the check on new records); the day's sweep finds the same and adds nothing.
    services.alerts_sweep(as_of=today, only=["complaint_surge_operator"])
    assert Alert.objects.get().operator == operator
    return operator


def test_alert_to_interview_to_credit_file_in_the_browser(live_server, alerted, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked = []  # anything the Content-Security-Policy stops
        csp_refusals(page, blocked)

        def shot(name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"alerts-{name}.png"), full_page=True)

        def login(username: str) -> None:
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/office/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")

        login("suo")
        page.goto(f"{live_server.url}/office/")
        page.click("text=未办结的预警")
        expect(page.locator("#list-table")).to_contain_text(alerted.uscc)
        expect(page.locator("#list-table")).to_contain_text("经营主体投诉举报激增")
        shot("1-inbox")
        alert_pk = Alert.objects.get(operator=alerted).pk  # its number links to it (ids run on across tests)
        page.locator("#list-table").get_by_role("link", name=str(alert_pk), exact=True).click()
        expect(page.locator("h1")).to_contain_text("经营主体投诉举报激增")
        page.select_option("select[name=measure-measure]", "interview")
        page.click("button:has-text('确定处置措施')")
        expect(page.locator("body")).to_contain_text("已确定处置措施")
        page.fill("input[name=interview-held_on]", timezone.localdate().isoformat())
        page.fill("textarea[name=interview-rectification]", "三日内完成后厨清洁消毒，建立进货查验记录")
        page.click("button:has-text('记录约谈')")
        expect(page.locator("body")).to_contain_text("已记录约谈")
        shot("2-interview")
        alert_url = page.url
        # The business: 监测预警 opens its own page — the interview's rectification, answered in place.
        login("qiye")
        page.goto(f"{live_server.url}/office/")
        page.click("nav >> text=监测预警")
        expect(page.locator("h1")).to_contain_text("待答复的监管措施")
        expect(page.locator("body")).to_contain_text("三日内完成后厨清洁消毒")
        page.fill("textarea[name$=-text]", "已完成清洁消毒，进货查验台账已建立")
        page.click("button:has-text('提交答复')")
        expect(page.locator("body")).to_contain_text("已提交答复")
        expect(page.locator("#answered")).to_contain_text("已完成清洁消毒")
        shot("3-business-reply")
        login("suo")
        page.goto(alert_url)
        expect(page.locator("dl.facts").first).to_contain_text("已完成清洁消毒")
        page.select_option("select[name=close-outcome]", "rectified")
        page.fill("textarea[name=close-note]", "复查整改到位")
        page.click("button:has-text('办结')")
        expect(page.locator("body")).to_contain_text("预警已办结")
        expect(page.locator("dl.facts").first).to_contain_text("已整改")
        page.click(f"text={alerted.name}")
        expect(page.locator("#operator-alerts")).to_contain_text("已整改")
        expect(page.locator("body")).to_contain_text("责任约谈：三日内完成后厨清洁消毒，建立进货查验记录")
        shot("4-credit-file")
        browser.close()
    assert blocked == []
