"""Planning in a real browser (Playwright driving Debian's Chromium), as issue 11's acceptance asks:

- a district regulator: the plan wizard → commit (the published commitment shown) → draw → review → publish, and
  `plan_verify` re-runs the draw: ok;
- an unassigned trigger task assigned by the regulator → the inspector, logged in on a 390 px phone, enters the
  result (no sideways scrolling) → the result is on the operator's credit file.
Screenshots in var/artifacts/planning-*.png."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.collection import services as collection_services
from foodcredit.collection.tests import frames
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.inspections import services as inspection_services
from foodcredit.operators.models import Operator
from foodcredit.planning import services as planning_services
from foodcredit.planning.models import Plan, Task

PASSWORD = "Browser-test-2025"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]


@pytest.fixture
def district(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    collection_services.records_write(kind="operators", frame=frames.operators(10), source_name="登记系统")
    inspectors = []
    for n in range(1, 5):
        inspector = inspection_services.inspector_add(
            cert_no=f"5001052024{n:04d}", name=f"检查员{n}", department_code="jb-samr", actor=None
        )
        inspectors.append(inspection_services.inspector_verify(inspector=inspector, name=inspector.name, actor=None))
        planning_services.inspector_profile_set(inspector=inspector, sectors=["catering"], available=False, actor=None)
    # A verified complaint's trigger fired while every inspector was away: its task waits 待分派.
    operator = Operator.objects.get(uscc=frames.uscc(10))
    trigger = planning_services.trigger_create(
        operator=operator,
        kind="complaint",
        occurred_on=timezone.localdate(),
        ref_kind="complaint",
        ref_id=1,
        actor=None,
        as_of=timezone.localdate(),
    )
    assert trigger.task.status == Task.Status.UNASSIGNED
    for inspector in inspectors:
        planning_services.inspector_profile_set(inspector=inspector, sectors=["catering"], available=True, actor=None)
    User.objects.create_user(username="reg", password=PASSWORD, role=User.Role.DISTRICT_REGULATOR)
    User.objects.create_user(
        username="insp", password=PASSWORD, role=User.Role.INSPECTOR, inspector_cert_no=inspectors[0].cert_no
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {"task": trigger.task, "operator": operator, "inspectors": inspectors}


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/office/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked-form button[type=submit]")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_plan_wizard_commit_draw_review_publish_and_plan_verify(live_server, district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    today = timezone.localdate()
    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked: list[str] = []
        csp_refusals(page, blocked)
        _login(page, live_server.url, "reg")
        page.locator("nav.sidenav").get_by_role("link", name="执法检查人员").click()
        expect(page.locator(".list-count")).to_have_attribute("data-count", "4")
        page.screenshot(path=str(ARTIFACTS / "planning-inspectors.png"), full_page=True)
        page.locator("nav.sidenav").get_by_role("link", name="抽查计划").click()
        page.get_by_role("link", name="新建抽查计划").click()
        page.fill("input[name=name]", "浏览器测试双随机抽查")
        page.fill("input[name=period_end]", f"{today.year + 1}-01-31")
        page.check("input[name=streets][value=观音桥街道]")
        page.fill("input[name=ratio_b]", "0.5")
        page.fill("input[name=exclude_inspected_within_days]", "0")
        page.screenshot(path=str(ARTIFACTS / "planning-wizard.png"), full_page=True)
        page.get_by_role("button", name="创建计划并公布种子承诺").click()
        expect(page.locator("[data-commitment]")).to_be_visible()
        plan = Plan.objects.get(name="浏览器测试双随机抽查")
        expect(page.locator("[data-commitment]")).to_have_text(plan.seed_commitment)
        page.screenshot(path=str(ARTIFACTS / "planning-commitment.png"), full_page=True)
        page.get_by_role("button", name="冻结名录快照并抽取").click()
        expect(page.locator("[data-verify]")).to_have_attribute("data-verify", "ok")
        page.screenshot(path=str(ARTIFACTS / "planning-review.png"), full_page=True)
        page.get_by_role("button", name="复核无误，公布计划并下达任务").click()
        expect(page.locator("[data-status]").first).to_have_attribute("data-status", "published")
        page.screenshot(path=str(ARTIFACTS / "planning-published.png"), full_page=True)
        assert blocked == []
        browser.close()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED and plan.task_count == 5  # 10 class-B operators × 0.5
    out = StringIO()
    call_command("plan_verify", str(plan.pk), stdout=out)
    assert "ok" in out.getvalue().lower(), out.getvalue()


def test_unassigned_task_assigned_then_the_inspector_enters_the_result_on_a_phone(live_server, district, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect

    from foodcredit.core.tests.browser import sync_playwright

    task, operator = district["task"], district["operator"]
    first, second = district["inspectors"][:2]
    with sync_playwright() as p:
        browser = chromium(p)
        reg = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
        blocked: list[str] = []
        csp_refusals(reg, blocked)
        _login(reg, live_server.url, "reg")
        reg.goto(f"{live_server.url}/office/planning/tasks/?status=unassigned")
        expect(reg.locator(".list-count")).to_have_attribute("data-count", "1")
        reg.get_by_role("link", name=operator.name).click()
        reg.check(f"input[name=inspectors][value='{first.pk}']")
        reg.check(f"input[name=inspectors][value='{second.pk}']")
        reg.get_by_role("button", name="分派", exact=True).click()
        expect(reg.locator("[data-status]")).to_have_attribute("data-status", "assigned")
        reg.screenshot(path=str(ARTIFACTS / "planning-task-assigned.png"), full_page=True)

        phone = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN"},
        ).new_page()
        csp_refusals(phone, blocked)
        _login(phone, live_server.url, "insp")
        phone.goto(f"{live_server.url}/office/planning/tasks/")
        expect(phone.locator(".list-count")).to_have_attribute("data-count", "1")
        assert _no_sideways_scroll(phone), "the task list scrolls sideways at 390 px (its table scrolls in its card)"
        phone.screenshot(path=str(ARTIFACTS / "planning-tasks-phone.png"), full_page=True)
        phone.get_by_role("link", name=operator.name).click()
        expect(phone.locator("#result")).to_be_visible()
        assert _no_sideways_scroll(phone), "the result page scrolls sideways at 390 px"
        phone.select_option("select[name=result]", "nonconform")
        phone.fill("textarea[name=findings]", "后厨未落实清洗消毒制度")
        phone.screenshot(path=str(ARTIFACTS / "planning-result-phone.png"), full_page=True)
        phone.get_by_role("button", name="保存").click()
        phone.screenshot(path=str(ARTIFACTS / "planning-result-saved.png"), full_page=True)
        expect(phone.locator("[data-status]")).to_have_attribute("data-status", "published")
        assert _no_sideways_scroll(phone)

        reg.goto(f"{live_server.url}/office/operators/{operator.uscc}/")
        expect(reg.locator("body")).to_contain_text("不符合")
        reg.screenshot(path=str(ARTIFACTS / "planning-credit-file.png"), full_page=True)
        assert blocked == []
        browser.close()
    task.refresh_from_db()
    assert task.status == Task.Status.PUBLISHED and task.inspection is not None
