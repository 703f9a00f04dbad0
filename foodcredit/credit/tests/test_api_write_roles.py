"""The credit API's write doors ask accounts.permissions' rules table who writes what: a business user makes its
operator's commitments and repair applications, staff never do (and are told so before anything is looked up)."""

import json

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.models import Commitment, RepairApplication

from . import factories as f

pytestmark = pytest.mark.django_db
R = User.Role
STAFF = [R.DISTRICT_REGULATOR, R.STATION_REGULATOR, R.INSPECTOR, R.SYSTEM_ADMIN]


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", STAFF)
def test_staff_cannot_make_a_commitment_or_apply_for_repair(client, operator, role):
    client.force_login(f.UserFactory(role=role))
    made = post(client, "/api/v1/commitments", {"uscc": operator.uscc, "kind": "notify_commit", "text": "具备许可条件"})
    applied = post(
        client,
        "/api/v1/repair-applications",
        {"uscc": operator.uscc, "target": "abnormal", "commitment": "守信", "evidence": "已整改"},
    )
    assert (made.status_code, applied.status_code) == (403, 403)
    assert "只有企业用户可以作出承诺" in made.json()["detail"]
    assert "只有企业用户可以申请信用修复" in applied.json()["detail"]
    assert not Commitment.objects.exists() and not RepairApplication.objects.exists()


def test_the_business_makes_its_operators_commitment(client, operator):
    client.force_login(f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc]))
    made = post(client, "/api/v1/commitments", {"uscc": operator.uscc, "kind": "notify_commit", "text": "具备许可条件"})
    assert made.status_code == 201
    assert Commitment.objects.get().operator == operator
