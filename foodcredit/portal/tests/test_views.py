"""Public portal: search and the public, masked credit file."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from foodcredit.credit.tests import factories as f
from foodcredit.risk.tests.factories import EXPLANATION, run_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def operator():
    operator = f.OperatorFactory(name="观音桥火锅店")
    f.complaint_add(operator, on=date(2025, 5, 1), category="异物")
    f.penalty_add(operator, on=date(2025, 4, 1), amount=Decimal("5000"))
    f.penalty_add(operator, on=date(2025, 4, 2), procedure="simple", amount=Decimal("200"))
    f.inspection_add(operator, on=date(2025, 3, 1), findings="负责人电话13912345678")
    return operator


def test_portal_home_search(client, operator):
    assert client.get("/").status_code == 200
    html = client.get("/", {"q": "火锅"}).content.decode()
    assert operator.uscc in html
    fragment = client.get("/", {"q": "火锅"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and operator.name in fragment


def test_portal_operator_detail_is_public_and_masked(client, operator):
    html = client.get(f"/operators/{operator.uscc}/").content.decode()
    assert "行政处罚：罚款 5000.00 元（普通程序）" in html
    assert "简易程序" not in html
    assert "投诉" not in html.replace("投诉核查", "")
    assert "13812345678" not in html and "138****5678" in html
    assert "13912345678" not in html and "139****5678" in html
    assert "张三丰" not in html and "张**" in html


def test_portal_operator_detail_unknown_is_404(client):
    assert client.get("/operators/91500105MA0000000X/").status_code == 404


def test_portal_timeline_load_more(client, operator):
    f.licences_add(operator, days=[date(2024, 1, 1)] * 60)
    url = f"/operators/{operator.uscc}/timeline/"
    first = client.get(url).content.decode()
    assert first.count("<tr>") == 50
    cursor = first.split("cursor=")[1].split('"')[0]
    rest = client.get(url, {"cursor": cursor}).content.decode()
    # Public: 60 licences, the ordinary penalty, the inspection and the registration — 63 rows, 50 then 13.
    assert rest.count("<tr>") == 13
    assert client.get(url, {"cursor": "forged"}).status_code == 400


@pytest.mark.parametrize("disclose", [True, False])
def test_portal_operator_detail_shows_class_meaning_and_date_never_the_score(client, operator, disclose):
    run_make(date(2025, 6, 1), [(operator, "D")], score=12.3456)
    with override_settings(DISCLOSE_RISK_CLASS=disclose):
        html = client.get(f"/operators/{operator.uscc}/").content.decode()
    assert ("<strong>D</strong> 信用风险高" in html and "2025-06-01" in html) is disclose
    assert ('id="risk-class"' in html) is disclose
    assert "12.3456" not in html and "scorecard-test" not in html and all(s not in html for s in EXPLANATION)


def test_portal_operator_detail_without_a_class_shows_no_class(client, operator):
    assert 'id="risk-class"' not in client.get(f"/operators/{operator.uscc}/").content.decode()
