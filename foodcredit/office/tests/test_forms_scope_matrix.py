"""The forms door of the write rules (DOMAIN.md Part I §5; issue 10's scope matrix, the API and import doors are in
collection/tests/test_scope.py): every office form that writes about an operator, submitted by every role but the
district's about an operator outside the role's scope (or of a kind outside its department) — refused (404, 403, or
400 for an operator a business's form does not offer it), nothing written, and an audit row of the refusal for that user."""

from datetime import date

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services
from foodcredit.credit.models import CaseStudy, Commitment, LedgerEntry, ListEntry, PersonBan, RepairApplication
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import decision_no_of, penalty_import
from foodcredit.risk import services as risk_services
from foodcredit.risk.models import ClassOverride

pytestmark = pytest.mark.django_db
R = User.Role
ROLES = [
    R.STATION_REGULATOR,
    R.INSPECTOR,
    R.OTHER_DEPARTMENT,
    R.ASSOCIATION,
    R.BUSINESS,
    R.SYSTEM_ADMIN,
    R.SECURITY_ADMIN,
    R.AUDIT_ADMIN,
]
TABLES = [ListEntry, Commitment, PersonBan, CaseStudy, RepairApplication, LedgerEntry, ClassOverride]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-03-20 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world():
    own = f.OperatorFactory(name="观音桥火锅店")
    other = f.OperatorFactory(name="五里店超市", street="五里店街道", address="重庆市江北区五里店街道五简路2号")
    district = f.UserFactory(role=R.DISTRICT_REGULATOR, department=f.DepartmentFactory(name="江北区市场监管局"))
    penalty = penalty_import(other, on=date(2025, 3, 10))
    services.commitment_record(operator=other, kind="registration", made_on=date(2026, 3, 1), text="承诺", actor=None)
    override = risk_services.class_override(
        operator=other, risk_class="C", reason="理由", valid_from=date(2026, 3, 1), days=30, actor=district
    )
    users = {
        R.STATION_REGULATOR: f.UserFactory(
            role=R.STATION_REGULATOR, department=f.DepartmentFactory(streets=["观音桥街道"])
        ),
        R.INSPECTOR: f.UserFactory(role=R.INSPECTOR, inspector_cert_no="50010520240001"),
        R.OTHER_DEPARTMENT: f.UserFactory(role=R.OTHER_DEPARTMENT, department=f.DepartmentFactory(kind="health")),
        R.ASSOCIATION: f.UserFactory(role=R.ASSOCIATION),
        R.BUSINESS: f.UserFactory(role=R.BUSINESS, operator_usccs=[own.uscc]),
        R.SYSTEM_ADMIN: f.UserFactory(role=R.SYSTEM_ADMIN),
        R.SECURITY_ADMIN: f.UserFactory(role=R.SECURITY_ADMIN),
        R.AUDIT_ADMIN: f.UserFactory(role=R.AUDIT_ADMIN),
    }
    return {"own": own, "other": other, "penalty": penalty, "override": override, "users": users}


def _forms(world) -> list[tuple[str, dict[str, str]]]:
    """Every office form that writes about an operator, aimed at the operator outside the caller's scope."""
    other, penalty = world["other"], world["penalty"]
    commitment = Commitment.objects.get(operator=other)
    return [
        (
            "/office/lists/abnormal/new/",
            {
                "uscc": other.uscc,
                "cause": "unreachable",
                "legal_basis": "第十七条",
                "decision_no": "异9号",
                "decided_on": "2026-03-20",
                "department": "局",
            },
        ),
        (
            f"/office/lists/candidates/{penalty.pk}/propose/",
            {
                "serious_reasons": "情节严重",
                "notice_served_on": "2026-03-20",
                "legal_basis": "第五条",
                "department": "局",
            },
        ),
        (f"/office/operators/{other.uscc}/overrides/", {"risk_class": "A", "reason": "复核", "days": "30"}),
        (f"/office/operators/{other.uscc}/overrides/{world['override'].pk}/revoke/", {}),
        (f"/office/operators/{other.uscc}/penalties/{penalty.pk}/revoke/", {"revoked_on": "2026-03-20"}),
        (
            "/office/bans/new/",
            {
                "id_number": "500105198001011234",
                "name": "王某",
                "uscc": other.uscc,
                "basis": "licence_revoked",
                "decision_no": "吊9",
                "decided_on": "2026-03-20",
                "department": "局",
            },
        ),
        (
            "/office/cases/new/",
            {"title": "案例", "body": "案情", "uscc": other.uscc, "penalty_decision_no": decision_no_of(penalty)},
        ),
        (f"/office/commitments/{commitment.pk}/", {"verification": "false"}),
        ("/office/commitments/new/", {"uscc": other.uscc, "kind": "registration", "text": "承诺"}),
        (
            "/office/repairs/new/",
            {
                "uscc": other.uscc,
                "target": "penalty",
                "commitment": "承诺",
                "evidence": "证明",
                "penalty_decision_no": decision_no_of(penalty),
            },
        ),
    ]


def _counts() -> list[int]:
    return [model._default_manager.count() for model in TABLES]


@pytest.mark.parametrize("role", ROLES)
def test_every_form_refuses_an_operator_outside_the_callers_scope_writes_nothing_and_audits(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    for url, data in _forms(world):
        before, last = _counts(), AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        response = client.post(url, data)
        # 404 outside scope, 403 a kind the role does not write, 400 an operator the form does not offer the user.
        assert response.status_code in (400, 403, 404), (url, response.status_code)
        assert _counts() == before, url
        refusal = AuditEvent.objects.filter(pk__gt=last, actor=user, success=False)
        assert refusal.exists(), url
