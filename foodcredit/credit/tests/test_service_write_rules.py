"""The credit services check the write rules themselves (accounts.permissions), whatever door calls them: a service
called directly by a role that does not write its kind is refused with the rule's code, writes nothing, and leaves
an audit row of the refusal."""

from datetime import date

import pytest

from foodcredit.accounts.models import Department, User
from foodcredit.accounts.permissions import WriteRefusedError
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services
from foodcredit.credit.models import Commitment, LedgerEntry, ListEntry

from . import factories as f
from .test_list_services import heavy_penalty, propose

pytestmark = pytest.mark.django_db
R = User.Role


def refusals(user):
    return list(AuditEvent.objects.filter(actor=user, action="refused").values_list("object_type", "changes"))


def test_a_station_regulator_cannot_decide_a_serious_listing_of_its_own_street(operator):
    district = f.UserFactory(role=R.DISTRICT_REGULATOR)
    station = f.UserFactory(role=R.STATION_REGULATOR, department=f.DepartmentFactory(streets=[operator.street]))
    entry = propose(operator, district, heavy_penalty(operator))
    if entry.status == ListEntry.Status.AWAITING_APPROVAL:
        entry = services.serious_list_approve(
            entry=entry, approved_on=date(2025, 3, 18), approved_by="重庆市市场监督管理局", actor=district
        )
    with pytest.raises(WriteRefusedError) as refused:
        services.serious_list_decide(
            entry=entry, decision_no="渝江北市监列严〔2025〕9号", decided_on=date(2025, 3, 20), actor=station
        )
    assert (refused.value.code, refused.value.status) == ("scope.kind_not_allowed", 403)
    entry.refresh_from_db()
    assert (entry.status, entry.decision_no) == (ListEntry.Status.PROPOSED, "")
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.LIST_DECISION).exists()
    [(kind, changes)] = refusals(station)
    assert (kind, changes["code"][1]) == ("list_entries", "scope.kind_not_allowed")
    # The district regulator's same call goes through: the refusal was the role's, not the entry's.
    decided = services.serious_list_decide(
        entry=entry, decision_no="渝江北市监列严〔2025〕9号", decided_on=date(2025, 3, 20), actor=district
    )
    assert decided.status == ListEntry.Status.LISTED


def test_another_department_cannot_verify_a_commitment(operator):
    health = f.UserFactory(role=R.OTHER_DEPARTMENT, department=f.DepartmentFactory(kind=Department.Kind.HEALTH))
    made = services.commitment_record(
        operator=operator, kind="registration", made_on=date(2025, 3, 1), text="本单位承诺信息真实", actor=None
    )
    entries = LedgerEntry.objects.count()
    with pytest.raises(WriteRefusedError) as refused:
        services.commitment_verify(
            commitment=made, verification="false", verified_on=date(2025, 4, 1), note="", actor=health
        )
    assert (refused.value.code, refused.value.status) == ("scope.kind_not_allowed", 403)
    made.refresh_from_db()
    assert (made.verification, made.verified_on) == (Commitment.Verification.PENDING, None)
    assert LedgerEntry.objects.count() == entries
    [(kind, changes)] = refusals(health)
    assert (kind, changes["code"][1]) == ("commitment_verifications", "scope.kind_not_allowed")


def test_a_business_user_cannot_commit_for_an_operator_not_its_own(operator, other_operator):
    business = f.UserFactory(role=R.BUSINESS, operator_usccs=[operator.uscc])
    with pytest.raises(WriteRefusedError) as refused:
        services.commitment_record(
            operator=other_operator, kind="registration", made_on=date(2025, 3, 1), text="承诺", actor=business
        )
    assert (refused.value.code, refused.value.status) == ("scope.out_of_scope", 404)
    assert not Commitment.objects.exists()
    [(kind, changes)] = refusals(business)
    assert (kind, changes["code"][1]) == ("commitments", "scope.out_of_scope")
