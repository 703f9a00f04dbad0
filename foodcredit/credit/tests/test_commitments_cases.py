"""Commitments (shown publicly; a false one filed and disclosed) and typical cases through the public API."""

import json
from datetime import date

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit import rules, services
from foodcredit.credit.models import Commitment, LedgerEntry

from . import factories as f
from .test_list_rules import POLICY

pytestmark = pytest.mark.django_db
R = User.Role
REGISTERED = f.REGISTRATION_SUMMARY  # the operator's registration entry, public for good, after the commitment


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize(
    ("facts", "day", "channel", "public"),
    [
        ({"kind": "safe_food_supermarket", "verification": "pending"}, date(2025, 5, 1), "district_portal", True),
        ({"kind": "safe_food_supermarket", "verification": "kept"}, date(2035, 5, 1), "district_portal", True),
        ({"kind": "notify_commit", "verification": "pending"}, date(2025, 5, 1), "gsxt", False),
        # a false commitment is a breach, disclosed for 3 years from the verification
        ({"kind": "notify_commit", "verification": "false"}, date(2028, 4, 30), "gsxt", True),
        ({"kind": "notify_commit", "verification": "false"}, date(2028, 5, 1), "gsxt", False),
    ],
)
def test_commitment_disclosure(facts, day, channel, public):
    assert rules.disclosed_on("commitment", facts, date(2025, 5, 1), POLICY, day=day, channel=channel) is public


@time_machine.travel("2025-05-01 10:00 +0800", tick=False)
def test_commitment_made_verified_false_is_filed_and_disclosed(client, operator):
    business = f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc])
    district = f.UserFactory(role=R.DISTRICT_REGULATOR)
    client.force_login(business)
    made = post(client, "/api/v1/commitments", {"uscc": operator.uscc, "kind": "notify_commit", "text": "具备许可条件"})
    assert made.status_code == 201
    assert post(client, f"/api/v1/commitments/{made.json()['id']}/verify", {"verification": "false"}).status_code == 403
    public = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert [e["summary"] for e in public["entries"]] == ["信用承诺：许可告知承诺（待核查）", REGISTERED]
    client.force_login(district)
    verified = post(
        client, f"/api/v1/commitments/{made.json()['id']}/verify", {"verification": "false", "note": "不符"}
    )
    assert verified.json()["verification"] == "false"
    with pytest.raises(DomainError) as refused:  # verified once
        services.commitment_verify(
            commitment=Commitment.objects.get(),
            verification="kept",
            verified_on=date(2025, 5, 2),
            note="",
            actor=district,
        )
    assert refused.value.code == "commitment.already_verified"
    current = LedgerEntry.objects.get(kind=LedgerEntry.Kind.COMMITMENT, superseded_by__isnull=True)
    assert current.facts == {"kind": "notify_commit", "verification": "false"}
    public = client.get(f"/api/v1/public/operators/{operator.uscc}").json()
    assert [e["summary"] for e in public["entries"]] == ["信用承诺：许可告知承诺（虚假承诺）", REGISTERED]
    assert list(
        AuditEvent.objects.filter(object_type="commitment").order_by("pk").values_list("action", flat=True)
    ) == [
        "create",
        "verify",
    ]


@time_machine.travel("2025-05-01 10:00 +0800", tick=False)
def test_typical_cases_published_and_withdrawn(client, operator):
    district = f.UserFactory(role=R.DISTRICT_REGULATOR)
    body = {
        "title": "某餐饮店使用过期原料案",
        "body": "经查……处罚款五万元。",
        "exposure": "区市场监管局曝光",
        "uscc": operator.uscc,
        "penalty_decision_no": "江北市监罚〔2025〕3号",
    }
    client.force_login(f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc]))
    assert post(client, "/api/v1/cases", body).status_code == 403
    client.force_login(district)
    case = post(client, "/api/v1/cases", body).json()
    client.logout()
    listed = client.get("/api/v1/public/cases").json()
    assert [(c["title"], c["operator_uscc"], c["published_on"]) for c in listed] == [
        ("某餐饮店使用过期原料案", operator.uscc, "2025-05-01")
    ]
    client.force_login(district)
    assert post(client, f"/api/v1/cases/{case['id']}/withdraw").status_code == 200
    assert post(client, f"/api/v1/cases/{case['id']}/withdraw").status_code == 400
    client.logout()
    assert client.get("/api/v1/public/cases").json() == []
