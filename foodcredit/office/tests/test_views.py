"""Back-office pages: login with a demo account, search, the credit file page and its htmx fragments, 404s."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from foodcredit.accounts.models import User
from foodcredit.credit.tests import factories as f
from foodcredit.risk.tests.factories import EXPLANATION, run_make

pytestmark = pytest.mark.django_db
R = User.Role


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def operators():
    own = f.OperatorFactory(name="观音桥火锅店")
    other = f.OperatorFactory(name="五里店超市", street="五里店街道")
    f.inspection_add(own, on=date(2025, 5, 1), result="nonconform", findings="冷藏温度超标")
    f.penalty_add(own, on=date(2024, 4, 1))
    f.complaint_add(own, on=date(2025, 3, 1), category="异物")
    return own, other


def test_demo_accounts_command_prints_the_logins(operators):
    inspector = f.inspector_create(cert_no="50010520259999")
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "demo accounts" in text and "Jiangbei#2022demo" in text
    for username in ("district", "station", "inspector", "business", "ndrc", "sysadmin", "secadmin", "auditor"):
        assert username in text
    business = User.objects.get(username="business")
    assert business.operator_usccs == [operators[0].uscc, operators[1].uscc]
    assert User.objects.get(username="inspector").inspector_cert_no == inspector.cert_no


@override_settings(DEMO_ACCOUNTS=False)
def test_demo_accounts_command_refuses_in_production_settings():
    with pytest.raises(CommandError, match="DEMO_ACCOUNTS"):
        call_command("demo_accounts", stdout=StringIO())


def test_office_login_with_a_demo_account(client, operators):
    call_command("demo_accounts", stdout=StringIO())
    assert client.get("/office/").status_code == 302
    page = client.get("/office/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post("/office/login/", {"username": "district", "password": "Jiangbei#2022demo"})
    assert response.status_code == 302 and response["Location"] == "/office/"
    home = client.get("/office/")
    assert home.status_code == 200 and "工作台" in home.content.decode()
    assert "观音桥火锅店" in client.get("/office/operators/").content.decode()
    assert client.post("/office/logout/").status_code == 302
    assert client.get("/office/").status_code == 302


def test_office_login_rejects_a_wrong_password(client):
    call_command("demo_accounts", stdout=StringIO())
    response = client.post("/office/login/", {"username": "district", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_office_operator_search_fragment_stays_in_scope(client, operators):
    own, other = operators
    client.force_login(f.UserFactory(role=R.BUSINESS, operator_usccs=[own.uscc]))
    response = client.get("/office/operators/", {"q": "店"}, headers={"HX-Request": "true", "HX-Target": "list-table"})
    html = response.content.decode()
    assert "<html" not in html
    assert own.name in html and other.name not in html


def test_office_operator_detail(client, operators):
    own, _other = operators
    client.force_login(f.UserFactory(role=R.DISTRICT_REGULATOR))
    response = client.get(f"/office/operators/{own.uscc}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "监督检查：不符合（日常检查）" in html and "冷藏温度超标" in html
    assert "投诉举报：投诉（异物）" in html
    assert 'id="credit-chart-data"' in html
    assert "vendor/htmx/htmx.min.js" in html and "vendor/echarts/echarts.min.js" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_office_operator_detail_for_business_users(client, operators):
    own, other = operators
    client.force_login(f.UserFactory(role=R.BUSINESS, operator_usccs=[own.uscc]))
    assert client.get(f"/office/operators/{other.uscc}/").status_code == 404
    assert client.get(f"/office/operators/{other.uscc}/timeline/").status_code == 404
    html = client.get(f"/office/operators/{own.uscc}/").content.decode()
    assert "投诉举报：异物" in html
    assert "渠道" not in html and "核查结果" not in html and "李检查" not in html


@pytest.mark.parametrize("role", [R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDIT_ADMIN, R.OTHER_DEPARTMENT, R.ASSOCIATION])
def test_office_operator_detail_is_404_outside_scope(client, operators, role):
    client.force_login(f.UserFactory(role=role))
    assert client.get(f"/office/operators/{operators[0].uscc}/").status_code == 404


def test_office_operator_timeline_filters_and_loads_more(client, operators):
    own, _other = operators
    f.licences_add(own, days=[date(2023, 1, 1)] * 55)
    client.force_login(f.UserFactory(role=R.DISTRICT_REGULATOR))
    url = f"/office/operators/{own.uscc}/timeline/"
    first = client.get(url).content.decode()
    assert first.count("<tr>") == 50 and "加载更多" in first
    cursor = first.split("cursor=")[1].split('"')[0]
    rest = client.get(url, {"cursor": cursor}).content.decode()
    # 55 licences, the inspection, penalty and complaint, and the registration: 59 rows, 50 then 9.
    assert rest.count("<tr>") == 9 and "加载更多" not in rest
    only = client.get(url, {"kind": "penalty"}).content.decode()
    assert only.count("<tr>") == 1 and "行政处罚" in only
    dated = client.get(url, {"date_from": "2025-01-01", "date_to": "2025-12-31"}).content.decode()
    assert dated.count("<tr>") == 2
    assert client.get(url, {"cursor": "forged"}).status_code == 400


def test_office_pages_in_english(client, operators):
    client.force_login(f.UserFactory(role=R.DISTRICT_REGULATOR))
    # LocaleMiddleware leaves the request's language active in this thread: restore it for the tests that follow.
    with translation.override(settings.LANGUAGE_CODE):
        response = client.get(f"/office/operators/{operators[0].uscc}/", headers={"Accept-Language": "en"})
    html = response.content.decode()
    assert "Credit file" in html and "Inspection: Non-conforming (routine inspection)" in html


def test_office_operator_detail_shows_the_class_with_its_explanation_to_staff(client, operators):
    own, other = operators
    run_make(date(2025, 6, 1), [(own, "A"), (other, "D")], score=12.3456)
    client.force_login(f.UserFactory(role=R.DISTRICT_REGULATOR))
    html = client.get(f"/office/operators/{own.uscc}/").content.decode()
    card = html.split('id="risk-class"')[1].split("</section>")[0]
    assert "<strong>A</strong> 信用风险低" in card and "2025-06-01" in card and "scorecard-test" in card
    assert all(sentence in card for sentence in EXPLANATION)
    assert "许可办理绿色通道" in card and "12.3456" not in html  # the score stays in the risk API
    card = client.get(f"/office/operators/{other.uscc}/").content.decode().split('id="risk-class"')[1]
    assert "<strong>D</strong> 信用风险高" in card and "不予容缺受理；不适用告知承诺制" in card


@pytest.mark.parametrize("disclose", [True, False])
def test_office_operator_detail_shows_the_business_user_what_the_public_sees(client, operators, disclose):
    own, _other = operators
    run_make(date(2025, 6, 1), [(own, "C")])
    client.force_login(f.UserFactory(role=R.BUSINESS, operator_usccs=[own.uscc]))
    with override_settings(DISCLOSE_RISK_CLASS=disclose):
        html = client.get(f"/office/operators/{own.uscc}/").content.decode()
    card = html.split('id="risk-class"')[1].split("</section>")[0]
    assert ("<strong>C</strong> 信用风险较高" in card) is disclose and ("尚未进行信用风险分类" in card) is not disclose
    assert "scorecard-test" not in html and EXPLANATION[0] not in html and "87.6543" not in html


def test_office_operator_detail_without_a_class(client, operators):
    client.force_login(f.UserFactory(role=R.DISTRICT_REGULATOR))
    html = client.get(f"/office/operators/{operators[0].uscc}/").content.decode()
    assert "尚未进行信用风险分类" in html
