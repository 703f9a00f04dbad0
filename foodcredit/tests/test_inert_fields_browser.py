"""Hostile text in every public and business form and search field is inert (issue 15 §4), field by field in
Chromium: an XSS string and an SQL-injection string, each with Chinese around it, typed into one field at a time; the
page that answers and the pages that show the stored value again (status page, staff review, the business's list and
the public credit page) fire no dialog and hold no injected element, and the database gains the intended row alone —
or nothing, when the form refuses the value."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core.tests.browser import CHROMIUM, chromium, csp_refusals
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import Commitment, RepairApplication
from foodcredit.credit.tests import factories as f
from foodcredit.portal.models import PublicReport

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by `make system-deps`"),
]

XSS = '火锅<img src=x id=xss-probe onerror="alert(1)">店<script>alert(2)</script>'
SQL = "火锅' OR '1'='1'; DROP TABLE operators_operator; --店"
PAYLOADS = {"xss": XSS, "sql": SQL}
UNCOUNTED = {"sessions.session", "core.auditevent", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
USCC = f.make_uscc(401)


@dataclass(frozen=True)
class Case:
    """One field: the page holding it, how the rest of the form is filled, what a valid post may add, and the pages
    that show the stored value again."""

    path: str
    selector: str
    fill: dict[str, str] = field(default_factory=dict)
    select: dict[str, str] = field(default_factory=dict)
    submit: str = "button[type=submit]"
    as_user: str = ""  # "" anonymous, or the username whose session the browser carries
    adds: type[models.Model] | None = None  # the model a valid post adds one row of
    shown_on: tuple[str, ...] = ()
    by_url: bool = False  # a select or hidden value: sent as typed in the address, as a script would


REPORT = {"input[name=operator_name]": "观音桥老火锅店", "textarea[name=description]": "火锅里有头发"}
SEARCH = "#portal-q"
CASES = {
    "search-q": Case("/", SEARCH, submit="press-enter"),
    "search-business_type": Case("/?business_type={v}", "", by_url=True),
    "search-street": Case("/?q=火锅&street={v}", "", by_url=True),
    "search-sector": Case("/?q=火锅&sector={v}", "", by_url=True),
    "search-list_kind": Case("/?q=火锅&list_kind={v}", "", by_url=True),
    "search-sort": Case("/?q=火锅&sort={v}", "", by_url=True),
    "report-operator_name": Case("/report/", "input[name=operator_name]", REPORT, adds=PublicReport),
    "report-operator_uscc": Case("/report/", "input[name=operator_uscc]", REPORT, adds=PublicReport),
    "report-address": Case("/report/", "input[name=address]", REPORT, adds=PublicReport),
    "report-description": Case("/report/", "textarea[name=description]", REPORT, adds=PublicReport),
    "report-reporter_name": Case("/report/", "input[name=reporter_name]", REPORT, adds=PublicReport),
    "report-reporter_phone": Case("/report/", "input[name=reporter_phone]", REPORT, adds=PublicReport),
    "report-status-no": Case("/report/status/?no={v}", "", by_url=True),
    "verify-code": Case("/verify/?code={v}", "", by_url=True),
    "commitment-text": Case(
        "/office/commitments/new/",
        "textarea[name=text]",
        as_user="biz",
        adds=Commitment,
        shown_on=("/office/commitments/", f"/operators/{USCC}/"),
    ),
    "repair-commitment": Case(
        "/office/repairs/new/",
        "textarea[name=commitment]",
        {"textarea[name=evidence]": "罚款缴纳凭证"},
        {"select[name=target]": "abnormal"},
        as_user="biz",
        adds=RepairApplication,
        shown_on=("/office/repairs/mine/",),
    ),
    "repair-evidence": Case(
        "/office/repairs/new/",
        "textarea[name=evidence]",
        {"textarea[name=commitment]": "本单位承诺整改到位。"},
        {"select[name=target]": "abnormal"},
        as_user="biz",
        adds=RepairApplication,
        shown_on=("/office/repairs/mine/",),
    ),
    "repair-penalty_decision_no": Case(
        "/office/repairs/new/",
        "input[name=penalty_decision_no]",
        {"textarea[name=commitment]": "本单位承诺整改到位。", "textarea[name=evidence]": "罚款缴纳凭证"},
        {"select[name=target]": "penalty"},
        as_user="biz",
    ),
}


@pytest.fixture
def world() -> dict[str, Any]:
    """An operator on the abnormal list (so that a repair application is possible), its business user, a regulator."""
    officer = f.UserFactory(username="officer", role=User.Role.DISTRICT_REGULATOR)
    operator = f.operator_register(uscc=USCC, name="观音桥老火锅店", street="观音桥街道")
    credit_services.abnormal_list_add(
        operator=operator,
        cause="unreachable",
        legal_basis="《企业信息公示暂行条例》第十七条",
        decision_no="渝江北市监异〔2025〕7号",
        decided_on=date(2025, 7, 1),
        department="江北区市场监管局",
        actor=officer,
    )
    biz = f.UserFactory(username="biz", role=User.Role.BUSINESS, operator_usccs=[USCC])
    return {"officer": officer, "biz": biz}


def _counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in UNCOUNTED and not m._meta.proxy
    }


def _injected(page: Any) -> list[str]:
    """What of the payload became markup or ran: the probe element, an image with src=x, a script with alert."""
    return page.evaluate(
        """() => [
            ...document.querySelectorAll('#xss-probe, img[src="x"]'),
            ...[...document.scripts].filter(s => s.textContent.includes('alert(2)')),
        ].map(e => e.outerHTML)"""
    )


def _session_cookie(user: User, url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("name", list(CASES))
def test_field_is_inert(live_server, world, monkeypatch, name: str, payload: str):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from urllib.parse import quote

    from foodcredit.core.tests.browser import sync_playwright

    case, text = CASES[name], PAYLOADS[payload]
    before = _counts()
    with sync_playwright() as p:
        browser = chromium(p)
        context = browser.new_context(locale="zh-CN")
        if case.as_user:
            context.add_cookies([_session_cookie(world[case.as_user], live_server.url)])
        page = context.new_page()
        page.set_default_navigation_timeout(90_000)  # the first page of a cold live server on a loaded machine
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        blocked = csp_refusals(page, [])
        visit: Callable[[str], Any] = lambda path: page.goto(f"{live_server.url}{path}")  # noqa: E731
        if case.by_url:
            visit(case.path.format(v=quote(text)))
        else:
            visit(case.path)
            for selector, value in case.select.items():
                page.select_option(selector, value)
            for selector, value in case.fill.items():
                page.fill(selector, value)
            page.fill(case.selector, text)
            if case.submit == "press-enter":
                page.press(case.selector, "Enter")
            else:
                page.click(case.submit)
            page.wait_for_load_state()
        seen = {page.url: _injected(page)}
        for path in case.shown_on:
            visit(path)
            seen[page.url] = _injected(page)
        stored = case.adds is not None and case.adds._default_manager.count() > before[case.adds._meta.label_lower]
        if stored and case.adds is PublicReport:  # the stored report again: its status page and the staff review
            report = PublicReport.objects.latest("pk")
            visit(f"/report/status/?no={report.tracking_no}")
            seen[page.url] = _injected(page)
            context.add_cookies([_session_cookie(world["officer"], live_server.url)])
            visit(f"/report/queue/{report.pk}/")
            assert page.locator("h1").count() == 1
            seen[page.url] = _injected(page)
        browser.close()
    assert dialogs == [], dialogs
    assert {url: found for url, found in seen.items() if found} == {}
    assert blocked == []
    after = _counts()
    expected = dict(before)
    if stored:
        assert case.adds is not None
        expected[case.adds._meta.label_lower] += 1
    changed = {k: (before[k], after[k]) for k in after if after[k] != expected.get(k)}
    allowed_with_row = {
        "credit.ledgerentry",
        "credit.idempotencykey",
        "core.provenance",
    }  # what the write files with it
    assert {k: v for k, v in changed.items() if not (stored and k in allowed_with_row)} == {}
    if stored and case.adds is not None:
        row = case.adds._default_manager.latest("pk")
        assert any(text in str(getattr(row, f.attname, "")) for f in row._meta.concrete_fields) or name.endswith(
            ("reporter_name", "reporter_phone")
        )  # stored as typed (the reporter's contact encrypted); shown escaped


def test_the_probe_sees_a_payload_that_became_markup(monkeypatch):
    """The checks above can fail: the same XSS string written into a page unescaped fires its dialogs and leaves its
    elements."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from foodcredit.core.tests.browser import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        page = browser.new_page()
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.set_content(f"<p>{XSS}</p>")
        page.wait_for_timeout(300)
        found = _injected(page)
        browser.close()
    assert sorted(dialogs) == ["1", "2"] and len(found) == 2
