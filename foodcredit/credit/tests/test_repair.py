"""Credit repair: refused at once with the rule and the date, or accept → review → decision with working-day
deadlines; a granted repair ends the disclosure through new ledger entries."""

from datetime import date
from decimal import Decimal

import pytest

from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit import selectors, services
from foodcredit.credit.models import LedgerEntry, ListEntry, RepairApplication

from . import factories as f
from .test_list_services import listed_serious

pytestmark = pytest.mark.django_db
A = RepairApplication
K = LedgerEntry.Kind
DECIDED = date(2025, 3, 10)


@pytest.fixture
def officer(db):
    return f.UserFactory(username="officer")


@pytest.fixture
def business(operator):
    return f.UserFactory(username="boss", role="business", operator_usccs=[operator.uscc])


def fine(operator, *, on=DECIDED, kinds=("罚款",), code="EXPIRED_FOOD"):
    return f.penalty_add(operator, on=on, kinds=kinds, amount=Decimal("150000"), extra_facts={"violation_code": code})


def submit(operator, business, *, on, penalty=None, target=A.Target.PENALTY, list_entry=None):
    return services.repair_submit(
        operator=operator,
        target=target,
        penalty_entry=penalty,
        list_entry=list_entry,
        commitment="本单位承诺今后严格遵守食品安全法律法规。",
        evidence="罚款缴纳凭证；整改报告",
        submitted_on=on,
        actor=business,
    )


@pytest.mark.parametrize(
    ("day", "status", "rule", "eligible_from"),
    [
        (date(2026, 3, 9), A.Status.REFUSED, "min_disclosure_not_served", date(2026, 3, 10)),
        (date(2026, 3, 10), A.Status.SUBMITTED, "", None),
        (date(2026, 3, 11), A.Status.SUBMITTED, "", None),
    ],
)
def test_repair_submit_checks_the_minimum_disclosure(operator, business, day, status, rule, eligible_from):
    application = submit(operator, business, on=day, penalty=fine(operator))
    assert (application.status, application.refusal_rule, application.eligible_from) == (status, rule, eligible_from)
    event = AuditEvent.objects.get(object_type="repair_application", object_id=str(application.pk))
    assert (event.actor, event.changes["status"]) == (business, [None, status])


def test_repair_submit_never_for_a_revoked_licence(operator, business):
    application = submit(
        operator, business, on=date(2030, 1, 1), penalty=fine(operator, kinds=("罚款", "吊销许可证件"))
    )
    assert (application.status, application.refusal_rule, application.eligible_from) == (
        A.Status.REFUSED,
        "penalty_never_repairable",
        None,
    )


def test_repair_submit_refused_after_a_repeat_of_the_same_violation(operator, business):
    penalty = fine(operator)
    fine(operator, on=date(2025, 11, 1))
    assert submit(operator, business, on=date(2026, 4, 1), penalty=penalty).refusal_rule == "same_violation_repeated"


def test_repair_submit_refused_while_on_a_list(operator, business, officer):
    penalty = fine(operator)
    services.abnormal_list_add(
        operator=operator,
        cause=ListEntry.Cause.UNREACHABLE,
        legal_basis="x",
        decision_no="异1",
        decided_on=date(2026, 1, 5),
        department="江北区市场监管局",
        actor=officer,
    )
    assert submit(operator, business, on=date(2026, 4, 1), penalty=penalty).refusal_rule == "on_a_list"


def test_repair_runs_through_accept_review_decision_and_ends_the_disclosure(operator, business, officer):
    penalty = fine(operator)
    assert selectors.credit_file_page(operator=operator, view="public", as_of=date(2026, 4, 20)).entries
    application = submit(operator, business, on=date(2026, 3, 30), penalty=penalty)  # Monday
    assert application.accept_by == date(2026, 4, 1)  # 2 working days
    assert not selectors.repair_overdue(application, as_of=date(2026, 4, 1))
    assert selectors.repair_overdue(application, as_of=date(2026, 4, 2))
    application = services.repair_accept(application=application, accepted_on=date(2026, 4, 1), actor=officer)
    # 15 working days from Wednesday 1 April 2026, across 清明 (4-6 April; Saturday 4 April is a holiday too)
    assert (application.decide_by, application.deadline_estimated) == (date(2026, 4, 23), False)
    with pytest.raises(DomainError) as refused:
        services.repair_decide(
            application=application, granted=False, decided_on=date(2026, 4, 20), note="", actor=officer
        )
    assert refused.value.code == "repair.reason_required"
    application = services.repair_decide(
        application=application, granted=True, decided_on=date(2026, 4, 20), note="材料齐全，核实属实", actor=officer
    )
    assert application.status == A.Status.GRANTED
    current = LedgerEntry.objects.get(ref_kind="penalty", ref_id=penalty.ref_id, superseded_by__isnull=True)
    assert current.facts["repaired_on"] == "2026-04-20"
    penalty.refresh_from_db()
    assert penalty.facts.get("repaired_on") is None and penalty.superseded_by_id == current.pk  # never edited
    assert LedgerEntry.objects.filter(kind=K.REPAIR, ref_kind="repair_application", ref_id=application.pk).exists()
    public = selectors.credit_file_page(operator=operator, view="public", as_of=date(2026, 4, 20))
    assert K.PENALTY not in {e.kind for e in public.entries}
    internal = selectors.credit_file_page(operator=operator, view="internal", as_of=date(2026, 4, 20))
    assert K.PENALTY in {e.kind for e in internal.entries}
    actions = (
        AuditEvent.objects.filter(object_type="repair_application").order_by("pk").values_list("action", flat=True)
    )
    assert list(actions) == ["submit", "accept", "grant"]


def test_repair_of_the_serious_list_hides_the_listing_everywhere_public(operator, business, officer):
    entry = listed_serious(operator, officer)
    refused = submit(operator, business, on=date(2026, 3, 19), target=A.Target.SERIOUS, list_entry=entry)
    assert (refused.refusal_rule, refused.eligible_from) == ("serious_min_period_not_served", date(2026, 3, 20))
    application = submit(operator, business, on=date(2026, 3, 20), target=A.Target.SERIOUS, list_entry=entry)
    application = services.repair_accept(application=application, accepted_on=date(2026, 3, 23), actor=officer)
    services.repair_decide(application=application, granted=True, decided_on=date(2026, 4, 1), note="", actor=officer)
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason) == (ListEntry.Status.REMOVED, "repaired")
    assert selectors.list_memberships(operator=operator, as_of=date(2026, 4, 1), public=True) == []
    public = selectors.credit_file_page(operator=operator, view="public", as_of=date(2026, 4, 1))
    assert K.LIST_DECISION not in {e.kind for e in public.entries}


def test_wrong_order_is_refused(operator, business, officer):
    application = submit(operator, business, on=date(2026, 3, 30), penalty=fine(operator))
    with pytest.raises(DomainError) as refused:
        services.repair_decide(
            application=application, granted=True, decided_on=date(2026, 4, 1), note="", actor=officer
        )

    assert refused.value.code == "repair.wrong_status"


def test_abnormal_list_repair_is_decided_within_five_working_days(operator, business, officer):
    entry = services.abnormal_list_add(
        operator=operator,
        cause=ListEntry.Cause.ANNUAL_REPORT,
        legal_basis="条例第八条",
        decision_no="异2",
        decided_on=date(2025, 7, 10),
        department="江北区市场监管局",
        actor=officer,
    )
    application = submit(operator, business, on=date(2025, 9, 1), target=A.Target.ABNORMAL, list_entry=entry)
    assert application.status == A.Status.SUBMITTED  # eligible on cure: the evidence is checked in review
    application = services.repair_accept(application=application, accepted_on=date(2025, 9, 1), actor=officer)
    assert application.decide_by == date(2025, 9, 8)  # Monday 1 September + 5 working days
    services.repair_decide(application=application, granted=True, decided_on=date(2025, 9, 3), note="", actor=officer)
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason, entry.removed_on) == (
        ListEntry.Status.REMOVED,
        "corrected",
        date(2025, 9, 3),
    )
