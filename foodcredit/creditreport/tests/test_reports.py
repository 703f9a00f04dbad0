"""Credit reports as their readers get them: the public PDF from the public page's button, the internal PDF from the
office credit file's, the verification page for the code printed on either — on data written by the import writers
(the suite's factories)."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests import factories as f
from foodcredit.creditreport.models import CreditReport

from .pdf_reading import pdf_attachment, pdf_code, pdf_content, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

NAME = "观音桥老火锅店"
INSPECTOR = "李检查"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def operator():
    operator = f.operator_register(uscc=f.make_uscc(501), name=NAME, phone="13812345678", street="观音桥街道")
    f.complaint_add(operator, on=date(2025, 5, 1), category="食品中有异物")
    f.penalty_add(operator, on=date(2025, 4, 1), amount=Decimal("5000"))
    f.inspection_add(
        operator,
        on=date(2025, 3, 1),
        result="nonconform",
        findings="后厨卫生差",
        inspectors=(f.inspector_create(name=INSPECTOR),),
    )
    return operator


def _public_pdf(client: Client, uscc: str) -> bytes:
    answer = client.post(f"/operators/{uscc}/report.pdf")
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    return answer.content


def _internal_pdf(user: User, uscc: str) -> bytes:
    client = Client()
    client.force_login(user)
    answer = client.post(f"/office/operators/{uscc}/report.pdf")
    assert answer.status_code == 200, answer.status_code
    return answer.content


def test_public_report_prints_the_public_page_in_an_embedded_chinese_font(client, operator):
    body = _public_pdf(client, operator.uscc)
    text = pdf_text(body)
    assert NAME in text and operator.uscc in text
    assert "食品安全信用报告（公开版）" in text
    assert "行政处罚：罚款 5000.00 元（普通程序）" in text  # disclosed on the portal, so on the report
    fonts = pdf_fonts(body)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("WenQuanYi" in name or "Noto" in name for name, _embedded in fonts), fonts


def test_public_report_holds_nothing_the_public_page_does_not_show(client, operator):
    body = _public_pdf(client, operator.uscc)
    text, content = pdf_text(body), pdf_content(body)
    page = client.get(f"/operators/{operator.uscc}/").content.decode()
    # Every timeline line of the report is on the public page, and the other way round.
    assert [e["summary"] for e in content["entries"]]
    assert all(e["summary"] in page for e in content["entries"])
    assert page.count('class="summary"') == len(content["entries"])
    # Internal only: the complaint, the inspector's name, the legal representative and the phone in full.
    for secret in ("食品中有异物", INSPECTOR, "张三丰", "13812345678"):
        assert secret not in text and secret not in str(content), secret
    assert "138****5678" in text and "张**" in text
    assert content["variant"] == "public" and "windows" not in content["entries"][0]


def test_same_data_same_hash_and_changed_data_another(client, operator):
    first, second = _public_pdf(client, operator.uscc), _public_pdf(client, operator.uscc)
    a, b = CreditReport.objects.order_by("pk")
    assert a.code != b.code  # every report issued has its own code
    assert a.content_hash == b.content_hash
    assert pdf_attachment(first) == pdf_attachment(second)
    # The printed hash is the SHA-256 of the attached content: anyone can recompute it.
    assert hashlib.sha256(pdf_attachment(first)).hexdigest() == a.content_hash
    assert a.content_hash in pdf_text(first).replace("\n", "")

    f.sampling_add(operator, on=date(2025, 6, 1), conclusion="fail", failure_kind="microbe", failed_items="菌落总数")
    _public_pdf(client, operator.uscc)
    assert CreditReport.objects.order_by("pk").last().content_hash != a.content_hash

    with time_machine.travel("2025-07-01 10:00 +0800", tick=False):  # the next day: the as-of date is in the content
        _public_pdf(client, operator.uscc)
    assert len(set(CreditReport.objects.values_list("content_hash", flat=True))) == 3


def test_issuing_is_recorded_and_audited(client, operator):
    body = _public_pdf(client, operator.uscc)
    report = CreditReport.objects.get()
    assert pdf_code(body).replace("-", "") == report.code
    assert (report.operator, report.variant, report.issued_by, report.as_of) == (
        operator,
        "public",
        None,
        date(2025, 6, 30),
    )
    event = AuditEvent.objects.get(object_type="credit_report", object_id=str(report.pk))
    assert event.action == "issue"
    assert event.changes["code"] == [None, report.code]
    assert event.changes["content_hash"] == [None, report.content_hash]
    assert event.changes["variant"] == [None, "public"]


def test_verify_genuine_forged_and_unknown_codes(client, operator):
    code = pdf_code(_public_pdf(client, operator.uscc))
    report = CreditReport.objects.get()

    genuine = client.get("/verify/", {"code": code.lower().replace("-", " ")}).content.decode()
    assert 'data-verdict="genuine"' in genuine
    assert NAME in genuine and operator.uscc in genuine and report.content_hash in genuine
    assert "公开版" in genuine and "2025-06-30 10:00" in genuine
    # Scanned: the QR code holds the verification page's address with the code.
    assert (
        'data-verdict="genuine"'
        in client.get("/verify/", {"code": f"http://testserver/verify/?code={code}"}).content.decode()
    )

    last = code[-1]
    forged = code[:-1] + ("2" if last != "2" else "3")  # one character changed: the check character disagrees
    answer = client.get("/verify/", {"code": forged}).content.decode()
    assert 'data-verdict="report.code_forged"' in answer and NAME not in answer

    swapped = code[:5] + code[6] + code[5] + code[7:]  # two neighbours swapped
    if swapped != code:
        assert 'data-verdict="report.code_forged"' in client.get("/verify/", {"code": swapped}).content.decode()

    assert 'data-verdict="report.code_malformed"' in client.get("/verify/", {"code": "ABC-123"}).content.decode()

    report.delete()  # a well-formed code that this system never issued
    answer = client.get("/verify/", {"code": code}).content.decode()
    assert 'data-verdict="report.code_unknown"' in answer and NAME not in answer


def test_verify_verdict_code_is_the_same_in_english(client, operator):
    code = pdf_code(_public_pdf(client, operator.uscc))
    answer = client.get("/verify/", {"code": code[:-1] + ("2" if code[-1] != "2" else "3")}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-verdict="report.code_forged"' in answer.content.decode()


def test_internal_report_for_staff_in_scope(operator):
    regulator = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    body = _internal_pdf(regulator, operator.uscc)
    text, content = pdf_text(body), pdf_content(body)
    assert "食品安全信用报告（内部版）" in text
    assert (content["variant"], content["audience"]) == ("internal", "staff")
    assert "13812345678" in text and "张三丰" in text  # the office credit file is unmasked
    assert any("投诉" in e["kind"] for e in content["entries"])
    assert INSPECTOR in str(content)
    report = CreditReport.objects.get()
    assert (report.variant, report.issued_by) == ("internal", regulator)


def test_internal_report_outside_scope_is_404_and_not_issued(operator):
    elsewhere = f.DepartmentFactory(streets=["五里店街道"])
    station = f.UserFactory(role=User.Role.STATION_REGULATOR, department=elsewhere)
    client = Client()
    client.force_login(station)
    assert client.post(f"/office/operators/{operator.uscc}/report.pdf").status_code == 404
    stranger = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[f.make_uscc(999)])
    client.force_login(stranger)
    assert client.post(f"/office/operators/{operator.uscc}/report.pdf").status_code == 404
    assert Client().post(f"/office/operators/{operator.uscc}/report.pdf").status_code == 302  # to the login page
    assert not CreditReport.objects.exists()


def test_business_user_gets_its_own_file_without_other_parties_data(operator):
    owner = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc])
    body = _internal_pdf(owner, operator.uscc)
    content = pdf_content(body)
    assert (content["variant"], content["audience"]) == ("internal", "party")
    assert "13812345678" in pdf_text(body)  # its own phone
    assert INSPECTOR not in str(content)  # another party's data (DOMAIN.md Part I §5)
    assert content["risk_class"] is None or "explanation" not in content["risk_class"]


def test_verify_shows_an_internal_report_genuine_without_its_content(client, operator):
    regulator = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    code = pdf_code(_internal_pdf(regulator, operator.uscc))
    answer = client.get("/verify/", {"code": code}).content.decode()
    assert 'data-verdict="genuine"' in answer and "内部版" in answer and NAME in answer
    for internal in ("13812345678", "张三丰", INSPECTOR, "食品中有异物", "后厨卫生差", regulator.username):
        assert internal not in answer, internal


def test_report_of_unknown_operator_is_404(client):
    assert client.post("/operators/91500105MA0000000X/report.pdf").status_code == 404
    assert client.get(f"/operators/{f.make_uscc(1)}/report.pdf").status_code == 405  # issuing is a POST


def test_anonymous_issuing_is_throttled_per_client(client, operator, settings):
    """The deployed rule's path, at a rate of 2 an hour so that the test draws 2 PDFs, not 20: the third anonymous
    download is refused (429) and issues nothing; reading the public page is not counted by it."""
    [rule] = [r for r in django_settings.THROTTLE_RULES if r["name"] == "credit_report"]
    assert rule["anonymous"]  # anonymous issuing is limited in the deployed settings
    settings.THROTTLE_ENABLED = True
    settings.THROTTLE_RULES = [{**rule, "anonymous": "2/h"}]
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].clear()
    url = f"/operators/{operator.uscc}/report.pdf"
    assert [client.post(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(f"/operators/{operator.uscc}/").status_code == 200
    assert CreditReport.objects.count() == 2


def test_the_pages_offer_the_download(client, operator):
    """The public operator page offers the public report and the verification page; the office credit file offers
    the internal report to whoever may read it (a district regulator, the operator's own business user)."""
    page = client.get(f"/operators/{operator.uscc}/").content.decode()
    assert f'action="/operators/{operator.uscc}/report.pdf"' in page and "下载信用报告 (PDF)" in page
    assert 'href="/verify/"' in page
    for user in (
        f.UserFactory(role=User.Role.DISTRICT_REGULATOR),
        f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[operator.uscc]),
    ):
        office = Client()
        office.force_login(user)
        html = office.get(f"/office/operators/{operator.uscc}/").content.decode()
        assert f'action="/office/operators/{operator.uscc}/report.pdf"' in html, user.role
