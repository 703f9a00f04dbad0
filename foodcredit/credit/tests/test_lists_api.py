"""Lists, repair and the public profile through the API: roles, scopes, allow-listed public output."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from foodcredit.accounts.models import User

from . import factories as f
from . import imported

pytestmark = pytest.mark.django_db
R = User.Role


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def users(operator):
    return {
        "district": f.UserFactory(role=R.DISTRICT_REGULATOR),
        "station": f.UserFactory(role=R.STATION_REGULATOR, department=f.DepartmentFactory(streets=["观音桥街道"])),
        "business": f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc]),
    }


def penalty(operator, on, decision_kinds=("罚款", "没收违法所得"), **facts):
    entry = f.penalty_add(operator, on=on, kinds=decision_kinds, amount=Decimal("200000"), extra_facts=facts)
    return f.record_of(entry).decision_no


def serious_listing(client, operator, decision_no):
    proposal = post(
        client,
        "/api/v1/lists/serious/proposals",
        {
            "uscc": operator.uscc,
            "penalty_decision_no": decision_no,
            "serious_reasons": "明知使用非食品原料仍生产，持续半年",
            "notice_served_on": "2025-03-12",
            "legal_basis": "总局令第44号第五条",
            "department": "江北区市场监管局",
        },
    )
    assert proposal.status_code == 201, proposal.content
    entry_id = proposal.json()["id"]
    assert (
        post(
            client, f"/api/v1/lists/{entry_id}/approve", {"approved_on": "2025-03-18", "approved_by": "市局"}
        ).status_code
        == 200
    )
    decided = post(client, f"/api/v1/lists/{entry_id}/decide", {"decision_no": "列严1号", "decided_on": "2025-03-20"})
    assert decided.json()["status"] == "listed"
    return entry_id


@time_machine.travel("2025-06-30 10:00 +0800", tick=False)
def test_public_profile_shows_what_is_disclosed_today_masked(client, operator, users):
    decision_no = imported.decision_no_of(imported.penalty_import(operator, on=date(2025, 3, 10)))
    f.complaint_add(operator, on=date(2025, 5, 1))
    client.force_login(users["district"])
    serious_listing(client, operator, decision_no)
    client.logout()
    body = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert set(body) == {"as_of", "operator", "lists", "entries", "next_cursor"}
    assert (body["operator"]["phone"], body["operator"]["legal_rep"]) == ("138****5678", "张**")
    assert [(m["list_kind"], m["decided_on"], m["ends_on"]) for m in body["lists"]] == [
        ("serious", "2025-03-20", "2028-03-20")
    ]
    assert set(body["lists"][0]) == {
        "list_kind",
        "list_label",
        "cause",
        "cause_label",
        "legal_basis",
        "decision_no",
        "decided_on",
        "department",
        "ends_on",
    }
    # The complaint stays internal; the registration is public like the penalty and the listing.
    assert sorted(e["kind"] for e in body["entries"]) == ["list_decision", "penalty", "registration"]
    assert all(e["windows"] is None for e in body["entries"])
    english = client.get(f"/api/v1/public/operators/{operator.uscc}", HTTP_ACCEPT_LANGUAGE="en").json()
    listing = next(e for e in english["entries"] if e["kind"] == "list_decision")
    assert listing["summary"].startswith("Listed on the serious violation and dishonesty list")
    with time_machine.travel("2028-03-20 10:00 +0800", tick=False):
        later = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert later["lists"] == [] and [e["kind"] for e in later["entries"]] == ["registration"]  # only it stays public
    assert client.get("/api/v1/public/operators/91500105MA0000000X").status_code == 404


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("business", 403), ("station", 403), ("district", 201)])
def test_only_the_district_regulator_lists(client, operator, users, who, status):
    if who:
        client.force_login(users[who])
    body = {
        "uscc": operator.uscc,
        "cause": "annual_report",
        "legal_basis": "条例第八条",
        "decision_no": "异1",
        "decided_on": "2025-07-10",
        "department": "江北区市场监管局",
    }
    assert post(client, "/api/v1/lists/abnormal", body).status_code == status


def test_serious_proposal_refused_with_the_failing_conditions(client, operator, users):
    decision_no = imported.decision_no_of(imported.penalty_import(operator, on=date(2025, 3, 10), circumstance="一般"))
    client.force_login(users["district"])
    response = post(
        client,
        "/api/v1/lists/serious/proposals",
        {
            "uscc": operator.uscc,
            "penalty_decision_no": decision_no,
            "serious_reasons": "情节严重",
            "notice_served_on": "2025-03-12",
            "legal_basis": "x",
            "department": "x",
        },
    )
    assert response.status_code == 400
    assert response.json()["context"]["failures"] == ["not_heavy_penalty"]


def test_repair_through_the_api(client, operator, other_operator, users):
    decision_no = penalty(operator, date(2025, 3, 10))
    body = {
        "uscc": operator.uscc,
        "target": "penalty",
        "penalty_decision_no": decision_no,
        "commitment": "守信承诺",
        "evidence": "缴款凭证",
    }
    with time_machine.travel("2026-03-09 10:00 +0800", tick=False):
        client.force_login(users["business"])
        refused = post(client, "/api/v1/repair-applications", body).json()
        assert (refused["status"], refused["refusal_rule"], refused["eligible_from"]) == (
            "refused",
            "min_disclosure_not_served",
            "2026-03-10",
        )
        assert "1年" in refused["refusal_message"]
        assert post(client, "/api/v1/repair-applications", {**body, "uscc": other_operator.uscc}).status_code == 404
    with time_machine.travel("2026-03-10 10:00 +0800", tick=False):
        client.force_login(users["business"])
        submitted = post(client, "/api/v1/repair-applications", body).json()
        assert (submitted["status"], submitted["accept_by"]) == ("submitted", "2026-03-12")
        assert client.post(f"/api/v1/repair-applications/{submitted['id']}/accept").status_code == 403
        client.force_login(users["district"])
        accepted = client.post(f"/api/v1/repair-applications/{submitted['id']}/accept").json()
        assert accepted["status"] == "accepted" and accepted["decide_by"] == "2026-03-31"
    with time_machine.travel("2026-04-01 10:00 +0800", tick=False):
        client.force_login(users["district"])
        assert client.get(f"/api/v1/repair-applications/{submitted['id']}").json()["overdue"] is True
        granted = post(client, f"/api/v1/repair-applications/{submitted['id']}/decide", {"granted": True}).json()
        assert (granted["status"], granted["overdue"]) == ("granted", False)
        public = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert [e["kind"] for e in public["entries"]] == ["registration"]  # the repaired penalty is withdrawn


def test_penalty_revocation_through_the_api(client, operator, users):
    decision_no = penalty(operator, date(2025, 3, 10))
    client.force_login(users["station"])
    body = {"uscc": operator.uscc, "penalty_decision_no": decision_no, "revoked_on": "2025-09-30"}
    assert post(client, "/api/v1/penalty-revocations", body).status_code == 403
    client.force_login(users["district"])
    response = post(client, "/api/v1/penalty-revocations", body).json()
    assert response == {"revoked_on": "2025-09-30", "withdraw_by": "2025-10-11"}  # 3 working days after 国庆
    assert post(client, "/api/v1/penalty-revocations", {**body, "penalty_decision_no": "无此文号"}).status_code == 404


DECIDER_OPERATIONS = [
    ("/api/v1/lists/999/approve", {"approved_on": "2025-03-18", "approved_by": "市局"}),
    ("/api/v1/lists/999/decide", {"decision_no": "1", "decided_on": "2025-03-20"}),
    ("/api/v1/lists/999/drop", {"reason": "无主观故意"}),
    ("/api/v1/lists/999/remove", {"reason": "corrected", "removed_on": "2025-03-20"}),
    ("/api/v1/repair-applications/999/accept", {}),
    ("/api/v1/repair-applications/999/decide", {"granted": True}),
    ("/api/v1/commitments/999/verify", {"verification": "kept"}),
    ("/api/v1/cases/999/withdraw", {}),
]


@pytest.mark.parametrize(("path", "body"), DECIDER_OPERATIONS)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        (R.BUSINESS, 403),
        (R.STATION_REGULATOR, 403),
        (R.INSPECTOR, 403),
        (R.OTHER_DEPARTMENT, 403),
        (R.ASSOCIATION, 403),
        (R.SYSTEM_ADMIN, 403),
        (R.SECURITY_ADMIN, 403),
        (R.AUDIT_ADMIN, 403),
        (R.DISTRICT_REGULATOR, 404),  # allowed; the object does not exist
    ],
)
def test_decisions_are_the_district_regulators(client, path, body, role, status):
    if role is not None:
        client.force_login(f.UserFactory(role=role))
    assert post(client, path, body).status_code == status
