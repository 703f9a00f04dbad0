"""Public pages besides the search: the credit page's list status, commitments and producer label, the two lists'
rosters, typical cases, plans and the home page — all from data written through the services."""

from datetime import date

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.credit import services
from foodcredit.credit.models import Commitment, ListEntry
from foodcredit.credit.tests import factories as f
from foodcredit.operators.models import Operator

pytestmark = pytest.mark.django_db
L = ListEntry


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-09-30 10:00 +0800", tick=False):
        yield


@pytest.fixture
def officer():
    return f.UserFactory(username="officer", role=User.Role.DISTRICT_REGULATOR)


@pytest.fixture
def listed(officer):
    operator = f.operator_register(uscc=f.make_uscc(61), name="寸滩异常火锅店")
    services.abnormal_list_add(
        operator=operator,
        cause=L.Cause.ANNUAL_REPORT,
        legal_basis="《企业信息公示暂行条例》第八条、第十七条",
        decision_no="渝江北市监异〔2025〕7号",
        decided_on=date(2025, 7, 10),
        department="江北区市场监管局",
        actor=officer,
    )
    return operator


def test_listed_operator_page_shows_list_cause_decision_and_date(client, listed):
    html = client.get(f"/operators/{listed.uscc}/").content.decode()
    assert "已列入经营异常名录" in html
    assert "未按规定期限公示年度报告" in html and "渝江北市监异〔2025〕7号" in html and "2025-07-10" in html


def test_unlisted_operator_page_says_so(client, listed):
    other = f.operator_register(uscc=f.make_uscc(62), name="寸滩守信小面馆")
    html = client.get(f"/operators/{other.uscc}/").content.decode()
    assert "未列入经营异常名录和严重违法失信名单" in html and "已列入" not in html


def test_roster_lists_the_listing_and_search_filters_on_it(client, listed):
    f.operator_register(uscc=f.make_uscc(62), name="寸滩守信火锅店")
    html = client.get("/lists/abnormal/").content.decode()
    assert listed.name in html and "渝江北市监异〔2025〕7号" in html and 'data-count="1"' in html
    assert 'data-count="0"' in client.get("/lists/serious/").content.decode()
    assert client.get("/lists/nothing/").status_code == 404
    html = client.get("/", {"q": "火锅", "list_kind": "abnormal"}).content.decode()
    assert listed.name in html and "寸滩守信火锅店" not in html


def test_removed_listing_leaves_roster_and_page(client, listed, officer):
    entry = ListEntry.objects.get(operator=listed)
    services.list_remove(entry=entry, reason=L.RemovalReason.CORRECTED, removed_on=date(2025, 9, 1), actor=officer)
    assert listed.name not in client.get("/lists/abnormal/").content.decode()
    assert "已列入" not in client.get(f"/operators/{listed.uscc}/").content.decode()


def test_commitments_and_producer_label_on_public_page(client, officer):
    producer = f.operator_register(
        uscc=f.make_uscc(63), name="鱼复食品厂", sector=Operator.Sector.PRODUCTION, business_type="食品生产企业"
    )
    services.commitment_record(
        operator=producer,
        kind=Commitment.Kind.NOTIFY_COMMIT,
        made_on=date(2025, 8, 1),
        text="严格落实食品安全主体责任，联系人13912345678",
        actor=f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[producer.uscc]),
    )
    html = client.get(f"/operators/{producer.uscc}/").content.decode()
    assert "badge-producer" in html and "许可告知承诺" in html and "待核查" in html
    assert "严格落实食品安全主体责任" in html and "13912345678" not in html
    caterer = f.operator_register(uscc=f.make_uscc(64), name="鱼嘴餐馆")
    assert "badge-producer" not in client.get(f"/operators/{caterer.uscc}/").content.decode()


def test_cases_page_and_home(client, officer, listed):
    services.case_study_publish(
        title="某火锅店使用过期食材案",
        body="当事人电话13987654321，经查……",
        exposure="",
        operator=listed,
        penalty_decision_no="渝江北市监罚〔2025〕3号",
        published_on=date(2025, 9, 1),
        actor=officer,
    )
    html = client.get("/cases/").content.decode()
    assert "某火锅店使用过期食材案" in html and "13987654321" not in html
    home = client.get("/").content.decode()
    assert "某火锅店使用过期食材案" in home and 'id="district-figures"' in home
    assert "/lists/abnormal/" in home and "/plans/" in home


def test_plans_page_without_plans_and_unknown_plan(client):
    assert "尚未公布抽查计划" in client.get("/plans/").content.decode()
    assert client.get("/plans/999/").status_code == 404
