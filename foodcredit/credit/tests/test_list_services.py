"""The two lists through their services: audit rows, ledger entries, periods and escalation at boundary dates."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit import selectors, services
from foodcredit.credit.models import LedgerEntry, ListEntry

from . import factories as f
from . import imported

pytestmark = pytest.mark.django_db
L = ListEntry
K = LedgerEntry.Kind


@pytest.fixture
def officer(db):
    return f.UserFactory(username="officer")


def heavy_penalty(operator, *, on=date(2025, 3, 10), listable=True, circumstance="heavier"):
    """A penalty imported with a violation text of the seed code table: listable or not by its type."""
    return imported.penalty_import(
        operator,
        on=on,
        kinds=("罚款", "没收违法所得"),
        amount=Decimal("200000"),
        violation=imported.LISTABLE if listable else imported.NOT_LISTABLE,
        circumstance=circumstance,
    )


def propose(operator, officer, penalty, **kwargs):
    values = {
        "operator": operator,
        "penalty_entry": penalty,
        "serious_reasons": "明知是病死猪肉仍多次购进销售，持续三个月，涉案货值较大",
        "no_intent_proven": False,
        "notice_served_on": date(2025, 3, 12),
        "hearing_requested": False,
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第五条",
        "department": "重庆市江北区市场监督管理局",
        "restriction_until": None,
        "actor": officer,
    }
    return services.serious_list_propose(**{**values, **kwargs})


def listed_serious(operator, officer, *, decided_on=date(2025, 3, 20), **kwargs):
    entry = propose(operator, officer, heavy_penalty(operator), **kwargs)
    if entry.status == L.Status.AWAITING_APPROVAL:
        entry = services.serious_list_approve(
            entry=entry, approved_on=date(2025, 3, 18), approved_by="重庆市市场监督管理局", actor=officer
        )
    return services.serious_list_decide(
        entry=entry, decision_no="渝江北市监列严〔2025〕1号", decided_on=decided_on, actor=officer
    )


def actions(entry):
    return list(
        AuditEvent.objects.filter(object_type="list_entry", object_id=str(entry.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_abnormal_list_add_files_ledger_and_audit(operator, officer):
    entry = services.abnormal_list_add(
        operator=operator,
        cause=L.Cause.ANNUAL_REPORT,
        legal_basis="《企业信息公示暂行条例》第八条、第十七条",
        decision_no="渝江北市监异〔2025〕7号",
        decided_on=date(2025, 7, 10),
        department="江北区市场监管局",
        actor=officer,
    )
    ledger = LedgerEntry.objects.get(ref_kind="list_entry", ref_id=entry.pk)
    assert (ledger.kind, ledger.occurred_on, ledger.facts["cause"]) == (
        K.LIST_DECISION,
        date(2025, 7, 10),
        "annual_report",
    )
    event = AuditEvent.objects.get(object_type="list_entry", object_id=str(entry.pk))
    assert (event.actor, event.action, event.changes["status"]) == (officer, "list", [None, "listed"])
    with pytest.raises(ConflictError):
        services.abnormal_list_add(
            operator=operator,
            cause=L.Cause.UNREACHABLE,
            legal_basis="x",
            decision_no="2",
            decided_on=date(2025, 8, 1),
            department="x",
            actor=officer,
        )


@pytest.mark.parametrize(
    ("kwargs", "penalty_kwargs", "failures"),
    [
        ({}, {"circumstance": "general"}, ["not_heavy_penalty"]),
        ({}, {"listable": False}, ["violation_not_listable"]),
        ({"serious_reasons": ""}, {}, ["no_serious_reasons"]),
        ({"no_intent_proven": True}, {}, ["no_intent_proven"]),
    ],
)
def test_serious_list_propose_refuses_when_a_condition_fails(operator, officer, kwargs, penalty_kwargs, failures):
    with pytest.raises(DomainError) as err:
        propose(operator, officer, heavy_penalty(operator, **penalty_kwargs), **kwargs)
    assert err.value.context["failures"] == failures
    assert not ListEntry.objects.exists()


def test_serious_listing_with_upper_approval(operator, officer):
    entry = propose(operator, officer, heavy_penalty(operator))
    assert (entry.status, entry.approval_required, entry.heavy_penalty) == (L.Status.AWAITING_APPROVAL, True, True)
    with pytest.raises(DomainError):  # no decision before the level above approves
        services.serious_list_decide(entry=entry, decision_no="1", decided_on=date(2025, 3, 20), actor=officer)
    services.serious_list_approve(entry=entry, approved_on=date(2025, 3, 18), approved_by="市局", actor=officer)
    with pytest.raises(DomainError):  # not before the party was told of its rights
        services.serious_list_decide(entry=entry, decision_no="1", decided_on=date(2025, 3, 11), actor=officer)
    entry = services.serious_list_decide(entry=entry, decision_no="1", decided_on=date(2025, 3, 20), actor=officer)
    assert entry.status == L.Status.LISTED
    assert actions(entry) == ["propose", "approve", "list"]
    assert LedgerEntry.objects.get(ref_kind="list_entry", ref_id=entry.pk).facts["list_kind"] == "serious"


@override_settings(SERIOUS_LIST_UPPER_APPROVAL_REQUIRED=False)
def test_serious_listing_without_upper_approval(operator, officer):
    entry = propose(operator, officer, heavy_penalty(operator))
    assert (entry.status, entry.approval_required) == (L.Status.PROPOSED, False)
    entry = services.serious_list_decide(entry=entry, decision_no="1", decided_on=date(2025, 3, 20), actor=officer)
    assert actions(entry) == ["propose", "list"]


def test_dropped_proposal_is_never_public(operator, officer):
    entry = propose(operator, officer, heavy_penalty(operator))
    services.serious_list_drop(entry=entry, reason="陈述申辩中证明无主观故意", no_intent_proven=True, actor=officer)
    assert selectors.list_memberships(operator=operator, as_of=date(2025, 6, 1), public=False) == []
    assert not LedgerEntry.objects.filter(kind=K.LIST_DECISION).exists()


@pytest.mark.parametrize(
    ("day", "listed"),
    [(date(2028, 3, 19), True), (date(2028, 3, 20), False), (date(2028, 3, 21), False)],
)
def test_serious_list_expires_after_three_years(operator, officer, day, listed):
    entry = listed_serious(operator, officer)
    removed = services.lists_expire(as_of=day)
    entry.refresh_from_db()
    assert (entry.status == L.Status.LISTED) is listed
    assert [e.pk for e in removed] == ([] if listed else [entry.pk])
    assert bool(selectors.list_memberships(operator=operator, as_of=day, public=True)) is listed
    if not listed:
        assert (entry.removed_on, entry.removal_reason) == (date(2028, 3, 20), "expired")
        current = LedgerEntry.objects.get(ref_kind="list_entry", ref_id=entry.pk, superseded_by__isnull=True)
        assert current.facts["removal_reason"] == "expired"
        assert LedgerEntry.objects.filter(ref_kind="list_entry", ref_id=entry.pk).count() == 2  # never edited


def test_restriction_longer_than_three_years_keeps_the_listing(operator, officer):
    entry = listed_serious(operator, officer, restriction_until=date(2029, 1, 1))
    assert services.lists_expire(as_of=date(2028, 12, 31)) == []
    assert [e.pk for e in services.lists_expire(as_of=date(2029, 1, 1))] == [entry.pk]


def test_expiry_cannot_be_recorded_early(operator, officer):
    entry = listed_serious(operator, officer)
    with pytest.raises(DomainError):
        services.list_remove(entry=entry, reason=L.RemovalReason.EXPIRED, removed_on=date(2028, 3, 19), actor=officer)


def test_reversal_removes_from_public_view_and_the_credit_file_keeps_it(operator, officer):
    entry = listed_serious(operator, officer)
    services.list_remove(
        entry=entry, reason=L.RemovalReason.REVERSED, removed_on=date(2025, 9, 1), actor=officer, note="复议撤销"
    )
    public = selectors.credit_file_page(operator=operator, view="public", as_of=date(2025, 9, 2))
    assert K.LIST_DECISION not in {e.kind for e in public.entries}
    internal = selectors.credit_file_page(operator=operator, view="internal", as_of=date(2025, 9, 2))
    [listing] = [e for e in internal.entries if e.kind == K.LIST_DECISION]
    assert "移出严重违法失信名单" in listing.summary


def test_listing_is_on_the_public_credit_file(operator, officer):
    listed_serious(operator, officer)
    page = selectors.credit_file_page(operator=operator, view="public", as_of=date(2025, 6, 1))
    [listing] = [e for e in page.entries if e.kind == K.LIST_DECISION]
    assert listing.summary.startswith("列入严重违法失信名单")


def abnormal(operator, officer, on=date(2023, 5, 10)):
    return services.abnormal_list_add(
        operator=operator,
        cause=L.Cause.UNREACHABLE,
        legal_basis="《企业经营异常名录管理暂行办法》第四条",
        decision_no="渝江北市监异〔2023〕3号",
        decided_on=on,
        department="江北区市场监管局",
        actor=officer,
    )


@pytest.mark.parametrize(
    ("day", "noticed"), [(date(2026, 3, 10), False), (date(2026, 3, 11), True), (date(2026, 3, 12), True)]
)
def test_escalation_notice_sixty_days_before_three_years(operator, officer, day, noticed):
    entry = abnormal(operator, officer)
    assert bool(services.abnormal_escalation_notices(as_of=day)) is noticed
    assert services.abnormal_escalation_notices(as_of=day) == []  # idempotent
    entry.refresh_from_db()
    assert entry.escalation_notice_on == (day if noticed else None)
    assert AuditEvent.objects.filter(action="escalation_notice").count() == int(noticed)


def test_escalation_proposed_at_three_years_and_decided_by_an_officer(operator, officer):
    entry = abnormal(operator, officer)
    services.abnormal_escalation_notices(as_of=date(2026, 3, 11))
    assert selectors.abnormal_escalations_due(as_of=date(2026, 5, 9)) == []
    [(due, dates)] = selectors.abnormal_escalations_due(as_of=date(2026, 5, 10))
    assert (due.pk, dates.decide_by) == (entry.pk, date(2026, 5, 22))
    with pytest.raises(DomainError):
        services.abnormal_list_escalate(
            entry=entry, as_of=date(2026, 5, 9), department="江北区市场监管局", actor=officer
        )
    proposal = services.abnormal_list_escalate(
        entry=entry, as_of=date(2026, 5, 10), department="江北区市场监管局", actor=officer
    )
    assert selectors.abnormal_escalations_due(as_of=date(2026, 5, 11)) == []
    proposal = services.serious_list_approve(
        entry=proposal, approved_on=date(2026, 5, 12), approved_by="市局", actor=officer
    )
    serious = services.serious_list_decide(
        entry=proposal, decision_no="渝江北市监列严〔2026〕2号", decided_on=date(2026, 5, 14), actor=officer
    )
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason, serious.cause) == (
        L.Status.REMOVED,
        "escalated",
        "abnormal_three_years",
    )
    kinds = [m.list_kind for m in selectors.list_memberships(operator=operator, as_of=date(2026, 5, 14), public=True)]
    assert kinds == ["serious"]


def test_lists_daily_command_expires_notices_and_proposes(operator, other_operator, officer):
    from io import StringIO

    from django.core.management import call_command

    listed_serious(operator, officer)
    abnormal(other_operator, officer)
    out = StringIO()
    call_command("lists_daily", "--as-of", "2026-05-10", stdout=out)
    assert "0 expired, 1 escalation notices served" in out.getvalue()
    assert other_operator.uscc not in out.getvalue()  # the notice has to run 60 days first
    out = StringIO()
    call_command("lists_daily", "--as-of", "2028-03-20", stdout=out)
    assert "1 expired, 0 escalation notices served" in out.getvalue()
    assert f"proposed for the serious list: {other_operator.uscc}" in out.getvalue()


def test_revoked_penalty_is_withdrawn_and_its_listing_reversed(operator, officer):
    entry = listed_serious(operator, officer)
    penalty = LedgerEntry.objects.get(kind=K.PENALTY, superseded_by__isnull=True)
    assert {
        e.kind for e in selectors.credit_file_page(operator=operator, view="public", as_of=date(2025, 8, 31)).entries
    } == {
        K.PENALTY,
        K.LIST_DECISION,
        K.REGISTRATION,
    }
    services.penalty_revocation_file(penalty_entry=penalty, revoked_on=date(2025, 9, 1), actor=officer)
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason, entry.removed_on) == (L.Status.REMOVED, "reversed", date(2025, 9, 1))
    public = selectors.credit_file_page(operator=operator, view="public", as_of=date(2025, 9, 1)).entries
    assert [e.kind for e in public] == [K.REGISTRATION]  # the penalty and its listing withdrawn, the registration kept
    current = LedgerEntry.objects.get(kind=K.PENALTY, superseded_by__isnull=True)
    assert current.facts["revoked_on"] == "2025-09-01" and current.pk != penalty.pk
    assert AuditEvent.objects.get(object_type="penalty", action="revoke").changes == {
        "revoked_on": [None, "2025-09-01"]
    }
    with pytest.raises(DomainError):  # the superseded entry is history, not a target
        services.penalty_revocation_file(penalty_entry=penalty, revoked_on=date(2025, 9, 2), actor=officer)


def test_serious_listed_operator_ids_on_a_day(operator, other_operator, officer):
    """Set-based membership for risk's hard rule: from the decision day until the period ends or the removal day; a
    later removal leaves the earlier days listed; the abnormal list never counts."""
    listed_serious(operator, officer)  # 2025-03-20, three years
    repaired = listed_serious(other_operator, officer)
    services.list_remove(entry=repaired, reason=L.RemovalReason.REPAIRED, removed_on=date(2026, 5, 1), actor=officer)
    abnormal(f.OperatorFactory(), officer)
    on = lambda day: selectors.serious_listed_operator_ids(as_of=day)  # noqa: E731
    assert on(date(2025, 3, 19)) == set()
    assert on(date(2025, 3, 20)) == on(date(2026, 4, 30)) == {operator.pk, other_operator.pk}
    assert on(date(2026, 5, 1)) == on(date(2028, 3, 19)) == {operator.pk}
    assert on(date(2028, 3, 20)) == set()


def test_a_serious_listing_is_not_removed_as_corrected(operator, officer):
    """A cure ends an abnormal listing; a serious one ends by expiry, repair, reversal or deregistration."""
    entry = listed_serious(operator, officer)
    with pytest.raises(DomainError) as err:
        services.list_remove(entry=entry, reason=L.RemovalReason.CORRECTED, removed_on=date(2025, 6, 1), actor=officer)
    assert err.value.code == "list.bad_removal_reason"
    entry.refresh_from_db()
    assert entry.status == L.Status.LISTED
