"""Eligibility check: who may ask, what each caller gets, restrictions at their boundary dates, every call logged."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.core.crypto import person_hmac
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import Commitment, ListEntry
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests import imported
from foodcredit.risk.tests.factories import run_make
from foodcredit.sharing.models import SharingGrant

pytestmark = pytest.mark.django_db
R = User.Role
ID_NUMBER = "500105198001011234"


@pytest.fixture
def operator(db):
    return f.OperatorFactory()


@pytest.fixture
def users(db):
    health = f.DepartmentFactory(code="health", kind="health")
    granted = f.DepartmentFactory(code="ndrc", kind="development_reform")
    SharingGrant.objects.create(department=granted, internal_records=True, basis="信用信息共享协议")
    return {
        "district": f.UserFactory(role=R.DISTRICT_REGULATOR),
        "health": f.UserFactory(role=R.OTHER_DEPARTMENT, department=health),
        "ndrc": f.UserFactory(role=R.OTHER_DEPARTMENT, department=granted),
        "business": f.UserFactory(role=R.BUSINESS),
        "inspector": f.UserFactory(role=R.INSPECTOR),
        "association": f.UserFactory(role=R.ASSOCIATION),
        "sysadmin": f.UserFactory(role=R.SYSTEM_ADMIN),
    }


def serious(operator, officer, *, decided_on=date(2025, 3, 20)):
    penalty = imported.penalty_import(operator, on=date(2025, 3, 10), kinds=("罚款",), amount=Decimal("300000"))
    entry = credit_services.serious_list_propose(
        operator=operator,
        penalty_entry=penalty,
        serious_reasons="情节严重",
        no_intent_proven=False,
        notice_served_on=date(2025, 3, 12),
        hearing_requested=False,
        legal_basis="总局令第44号",
        department="江北区市场监管局",
        restriction_until=None,
        actor=officer,
    )
    entry = credit_services.serious_list_approve(
        entry=entry, approved_on=date(2025, 3, 18), approved_by="市局", actor=officer
    )
    return credit_services.serious_list_decide(entry=entry, decision_no="列严1号", decided_on=decided_on, actor=officer)


@pytest.mark.parametrize(
    ("who", "status", "internal"),
    [
        (None, 401, None),
        ("business", 403, None),
        ("inspector", 403, None),
        ("association", 403, None),
        ("sysadmin", 403, None),
        ("district", 200, True),
        ("health", 200, False),
        ("ndrc", 200, True),
    ],
)
@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_eligibility_role_table_and_internal_data(client, operator, users, who, status, internal):
    serious(operator, users["district"])
    if who:
        client.force_login(users[who])
    response = client.get(f"/api/v1/eligibility/{operator.uscc}")
    assert response.status_code == status
    if status != 200:
        return
    body = response.json()
    assert (body["internal"] is not None) is internal
    # Listed before any classification run: class D the moment the listing is decided, not "not classified yet".
    assert body["risk_class"] == "D"
    assert "green_channel" not in {m["code"] for m in body["facilitations"]}
    event = AuditEvent.objects.get(action="eligibility_check")
    assert (event.actor, event.object_type, event.object_id, event.changes["internal"]) == (
        users[who],
        "operator",
        str(operator.pk),
        [None, internal],
    )


@pytest.mark.parametrize(("day", "listed"), [("2028-03-19", True), ("2028-03-20", False), ("2028-03-21", False)])
def test_eligibility_serious_list_restrictions_until_the_period_ends(client, operator, users, day, listed):
    serious(operator, users["district"])
    with time_machine.travel(f"{day} 10:00 +0800", tick=False):
        client.force_login(users["health"])
        body = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    codes = {m["code"]: m for m in body["restrictions"]}
    if listed:
        assert [m["list_kind"] for m in body["lists"]] == ["serious"]
        assert codes["no_notify_commit"]["until"] == "2028-03-20"
        assert "总局令第44号" in codes["no_notify_commit"]["legal_basis"]
        assert codes["procurement_bidding_land_honours"]["legal_basis"] == "《企业信息公示暂行条例》第十八条"
        assert body["facilitations"] == []
    else:
        assert body["lists"] == [] and codes == {}
        assert [m["code"] for m in body["facilitations"]] == ["notify_commit"]


@pytest.mark.parametrize(("day", "banned"), [("2030-05-31", True), ("2030-06-01", False)])
def test_revoked_licence_bars_a_new_food_licence_for_five_years(client, operator, users, day, banned):
    f.penalty_add(operator, on=date(2025, 6, 1), kinds=("罚款", "吊销许可证件"), amount=Decimal("100000"))
    with time_machine.travel(f"{day} 10:00 +0800", tick=False):
        client.force_login(users["district"])
        body = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    found = [m for m in body["restrictions"] if m["code"] == "no_food_licence"]
    ban = {
        "code": "no_food_licence",
        "label": "不得申请食品生产经营许可，不得从事食品生产经营管理工作",
        "until": "2030-06-01",
        "legal_basis": "《食品安全法》第一百三十五条",
    }
    assert found == ([ban] if banned else [])


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_false_commitment_ends_notify_commit(client, operator, users):
    commitment = credit_services.commitment_record(
        operator=operator, kind=Commitment.Kind.NOTIFY_COMMIT, made_on=date(2025, 5, 1), text="具备许可条件", actor=None
    )
    credit_services.commitment_verify(
        commitment=commitment, verification="false", verified_on=date(2025, 6, 1), note="现场核查不符", actor=None
    )
    client.force_login(users["district"])
    body = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    assert [m["code"] for m in body["restrictions"]] == ["no_notify_commit"] and body["facilitations"] == []


@pytest.mark.parametrize(
    ("basis", "day", "banned", "until"),
    [
        ("licence_revoked", "2030-05-31", True, "2030-06-01"),
        ("licence_revoked", "2030-06-01", False, None),
        ("food_crime", "2070-01-01", True, None),  # lifetime
    ],
)
def test_person_ban_by_hashed_id_number_in_the_body(client, operator, users, basis, day, banned, until):
    ban = credit_services.person_ban_record(
        id_number=ID_NUMBER,
        name="王某",
        operator=operator,
        basis=basis,
        decision_no="判1",
        decided_on=date(2025, 6, 1),
        department="江北区市场监管局",
        actor=users["district"],
    )
    assert ban.id_hash == person_hmac(ID_NUMBER) and ID_NUMBER not in json.dumps(
        [list(r) for r in type(ban).objects.values_list()], default=str
    )
    with time_machine.travel(f"{day} 10:00 +0800", tick=False):
        client.force_login(users["health"])
        response = client.post(
            "/api/v1/eligibility/persons",
            data=json.dumps({"id_number": ID_NUMBER.lower()}),
            content_type="application/json",
        )
    bans = response.json()["bans"]
    assert [(b["code"], b["until"]) for b in bans] == ([("industry_ban", until)] if banned else [])
    event = AuditEvent.objects.get(action="eligibility_check")
    assert (event.actor, event.object_type, event.object_id) == (users["health"], "person", person_hmac(ID_NUMBER))
    assert ID_NUMBER not in json.dumps(list(AuditEvent.objects.values_list("object_id", "changes")))


def test_unknown_operator_is_404_and_still_logged(client, users):
    client.force_login(users["district"])
    assert client.get("/api/v1/eligibility/91500105MA0000000X").status_code == 404
    assert AuditEvent.objects.get(action="eligibility_check").changes["found"] == [None, False]


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_pending_proposal_is_internal_only(client, operator, users):
    penalty = imported.penalty_import(
        operator, on=date(2025, 6, 1), kinds=("责令停产停业",), amount=None, circumstance=""
    )
    credit_services.serious_list_propose(
        operator=operator,
        penalty_entry=penalty,
        serious_reasons="情节严重",
        no_intent_proven=False,
        notice_served_on=date(2025, 6, 3),
        hearing_requested=True,
        legal_basis="总局令第44号",
        department="江北区市场监管局",
        restriction_until=None,
        actor=users["district"],
    )
    client.force_login(users["ndrc"])
    internal = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    assert internal["internal"]["pending_proposals"] == [
        {"list_kind": ListEntry.ListKind.SERIOUS, "status": "awaiting_approval", "notice_served_on": "2025-06-03"}
    ]
    client.force_login(users["health"])
    outside = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    assert outside["internal"] is None and outside["lists"] == []


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_class_a_answer_opens_the_green_channel_without_the_score(client, operator, users):
    run_make(date(2025, 6, 1), [(operator, "A")], score=12.3456)
    client.force_login(users["health"])
    response = client.get(f"/api/v1/eligibility/{operator.uscc}")
    body = response.json()
    assert (body["risk_class"], body["risk_class_label"], body["risk_class_as_of"]) == ("A", "信用风险低", "2025-06-01")
    assert body["restrictions"] == []
    assert [m["code"] for m in body["facilitations"]] == ["notify_commit", "green_channel"]
    green = body["facilitations"][1]
    assert (green["label"], green["until"]) == ("许可办理绿色通道", None)
    assert "国市监信发〔2022〕6号" in green["legal_basis"] and "A类" in green["legal_basis"]
    text = response.content.decode()
    assert "score" not in text and "12.3456" not in text and "近一年监督检查" not in text  # no score, no explanation


@pytest.mark.parametrize("listed", [False, True])
@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_class_d_answer_bars_lenient_acceptance_and_notify_commit(client, operator, users, listed):
    if listed:
        serious(operator, users["district"])
    run_make(date(2025, 6, 1), [(operator, "D")])
    client.force_login(users["health"])
    body = client.get(f"/api/v1/eligibility/{operator.uscc}").json()
    assert body["risk_class"] == "D" and body["facilitations"] == []
    codes = {m["code"]: m for m in body["restrictions"]}
    assert codes["no_lenient_acceptance"]["label"] == "不予容缺受理" and codes["no_lenient_acceptance"]["until"] is None
    assert "D类" in codes["no_lenient_acceptance"]["legal_basis"]
    assert [m["code"] for m in body["restrictions"]].count("no_notify_commit") == 1
    if listed:  # the listing's row stays: statutory basis and the period's end
        assert codes["no_notify_commit"]["until"] == "2028-03-20"
        assert codes["no_notify_commit"]["legal_basis"] == "《市场监督管理严重违法失信名单管理办法》（总局令第44号）"
    else:
        assert codes["no_notify_commit"]["until"] is None and "D类" in codes["no_notify_commit"]["legal_basis"]
        assert codes["no_notify_commit"]["label"] == "不适用告知承诺制"


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_station_gets_internal_data_only_for_operators_of_its_streets(client, users):
    """A station saw pending proposals and open repairs of operators outside its streets."""
    inside = f.OperatorFactory(street="观音桥街道")
    outside = f.OperatorFactory(street="五里店街道")
    for operator in (inside, outside):
        penalty = f.penalty_add(
            operator, on=date(2025, 6, 1), kinds=("责令停产停业",), amount=None, extra_facts={"listable_serious": True}
        )
        credit_services.serious_list_propose(
            operator=operator,
            penalty_entry=penalty,
            serious_reasons="情节严重",
            no_intent_proven=False,
            notice_served_on=date(2025, 6, 3),
            hearing_requested=True,
            legal_basis="总局令第44号",
            department="江北区市场监管局",
            restriction_until=None,
            actor=users["district"],
        )
    station_department = f.DepartmentFactory(code="gyq", kind="market_regulation", streets=["观音桥街道"])
    station = f.UserFactory(role=R.STATION_REGULATOR, department=station_department)
    client.force_login(station)
    own = client.get(f"/api/v1/eligibility/{inside.uscc}").json()
    assert own["internal"]["pending_proposals"][0]["status"] == "awaiting_approval"
    response = client.get(f"/api/v1/eligibility/{outside.uscc}")
    assert response.status_code == 200  # the public answer: eligibility is asked of any operator
    assert response.json()["internal"] is None
    event = AuditEvent.objects.filter(action="eligibility_check").last()
    assert event.changes["internal"] == [None, False]
