"""The serious list in a real browser (Playwright, Debian's Chromium): a penalty file imported with the source's own
wording of a listable violation → the 未分类 queue → the text classified → a listing candidate → propose → the upper
level's approval → the decision → the public page shows the listing. Screenshots in var/artifacts/credit-*.png."""

import csv
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from foodcredit.accounts.models import Department, User
from foodcredit.collection import services
from foodcredit.collection.tests import frames
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit.tests.factories import PASSWORD
from foodcredit.credit.tests.imported import HEADERS  # the exchange format's penalty columns

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
TEXT = "在火锅底料中添加罂粟壳"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def district(tmp_path):
    """An operator, the seed code table, and a penalty file imported through the collection door."""
    services.records_write(kind="operators", frame=frames.operators(2), source_name="市场主体登记系统")
    call_command("violation_types_load", stdout=StringIO())
    path = tmp_path / "penalties.csv"
    decided = timezone.localdate() - timedelta(days=20)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerow(
            [
                "渝江北市监罚〔2026〕131号",
                frames.uscc(1),
                decided.isoformat(),
                TEXT,
                "《中华人民共和国食品安全法》第一百二十三条",
                "罚款、没收违法所得",
                "131300",
                "普通程序",
                "从重",
            ]
        )
    job, _ = services.import_file(
        kind="penalties",
        source_name="江北区行政执法办案系统",
        path=path,
        file_name=path.name,
        skip_bad_rows=False,
        actor=None,
        register_source=True,
    )
    assert job.status == "committed", job.errors
    department = Department.objects.create(code="jb-amr", name="江北区市场监管局", kind="market_regulation")
    User.objects.create_user(
        username="reg", password=PASSWORD, role=User.Role.DISTRICT_REGULATOR, department=department
    )
    return frames.uscc(1)


def test_an_imported_penalty_is_listed_in_the_browser_and_shown_publicly(live_server, district, monkeypatch):
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
            page.screenshot(path=str(ARTIFACTS / f"credit-{name}.png"), full_page=True)

        page.goto(f"{live_server.url}/office/login/")
        page.fill("input[name=username]", "reg")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/office/violations/queue/")
        expect(page.locator("#list-table")).to_contain_text(TEXT)
        shot("1-queue")
        page.get_by_role("link", name="归类").first.click()
        page.select_option("select[name=code]", "FSL123-NON-FOOD-SUBSTANCE")
        shot("2-classify")
        page.get_by_role("button", name="归类").click()
        expect(page.locator("#list-table")).not_to_contain_text(TEXT)

        page.get_by_role("link", name="名录名单").click()
        page.get_by_role("link", name="严重违法失信名单列入候选").click()
        expect(page.locator("#list-table")).to_contain_text("渝江北市监罚〔2026〕131号")
        shot("3-candidates")
        page.get_by_role("link", name="拟列入").first.click()
        page.fill(
            "textarea[name=serious_reasons]", "明知罂粟壳为非食用物质，仍长期添加于火锅底料，涉案数量大，社会危害较大"
        )
        shot("4-propose")
        page.get_by_role("button", name="拟列入", exact=True).click()
        expect(page.locator("h1")).to_contain_text("待上级批准")
        page.fill("input[name=approve-approved_by]", "重庆市市场监督管理局")
        page.get_by_role("button", name="批准", exact=True).click()
        expect(page.locator("h1")).to_contain_text("拟列入")
        page.fill("input[name=decide-decision_no]", "渝江北市监列严〔2026〕1号")
        page.get_by_role("button", name="列入", exact=True).click()
        expect(page.locator("h1")).to_contain_text("已列入")
        shot("5-listed")

        page.goto(f"{live_server.url}/operators/{district}/")
        expect(page.locator("body")).to_contain_text("严重违法失信名单")
        expect(page.locator("body")).to_contain_text("渝江北市监列严〔2026〕1号")
        shot("6-public")
        assert blocked == []
        browser.close()
