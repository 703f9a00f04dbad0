"""The two lists: 经营异常名录 and 严重违法失信名单 (DOMAIN.md II.1, II.3). Every step audited, listings filed in the ledger."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.operators.models import Operator

from .. import rules
from ..models import LedgerEntry, ListEntry
from .ledger import entry_append

L = ListEntry


def _list_facts(entry: ListEntry) -> dict[str, Any]:
    """The ledger facts of a list decision: what the disclosure rules and later features read."""
    return {
        "list_kind": entry.list_kind,
        "cause": entry.cause,
        "status": entry.status,
        "decision_no": entry.decision_no,
        "department": entry.department,
        "legal_basis": entry.legal_basis,
        "restriction_until": entry.restriction_until.isoformat() if entry.restriction_until else None,
        "removed_on": entry.removed_on.isoformat() if entry.removed_on else None,
        "removal_reason": entry.removal_reason,
    }


def _list_file(entry: ListEntry) -> LedgerEntry:
    """File the listing (or its removal, superseding the listing's entry) in the operator's ledger."""
    assert entry.decided_on is not None
    return entry_append(
        operator=entry.operator,
        kind=LedgerEntry.Kind.LIST_DECISION,
        occurred_on=entry.decided_on,
        ref_kind="list_entry",
        ref_id=entry.pk,
        facts=_list_facts(entry),
    )


def _save(obj: Any) -> None:
    obj.full_clean()
    obj.save()


ABNORMAL_CAUSES = {L.Cause.ANNUAL_REPORT, L.Cause.INSTANT_INFO, L.Cause.FALSE_INFO, L.Cause.UNREACHABLE}


def abnormal_list_add(
    *,
    operator: Operator,
    cause: str,
    legal_basis: str,
    decision_no: str,
    decided_on: date,
    department: str,
    actor: Any,
) -> ListEntry:
    """List an operator on the 经营异常名录 for one of its four causes (DOMAIN.md II §3.1)."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=operator)
    with transaction.atomic():
        if cause not in ABNORMAL_CAUSES:
            raise DomainError("list.bad_cause", _("该事由不能列入经营异常名录。"), cause=cause)
        if L.objects.filter(operator=operator, list_kind=L.ListKind.ABNORMAL, status=L.Status.LISTED).exists():
            raise ConflictError(
                "list.already_listed",
                _("该主体已在经营异常名录中。"),
                uscc=operator.uscc,
            )
        entry = L(
            operator=operator,
            list_kind=L.ListKind.ABNORMAL,
            cause=cause,
            legal_basis=legal_basis,
            status=L.Status.LISTED,
            department=department,
            decision_no=decision_no,
            decided_on=decided_on,
        )
        _save(entry)
        audit.record(
            actor=actor,
            action="list",
            object_type="list_entry",
            object_id=entry.pk,
            changes={
                "list_kind": [None, entry.list_kind],
                "cause": [None, cause],
                "status": [None, entry.status],
                "decision_no": [None, decision_no],
                "decided_on": [None, decided_on],
            },
        )
        _list_file(entry)
        return entry


def serious_list_propose(
    *,
    operator: Operator,
    penalty_entry: LedgerEntry,
    serious_reasons: str,
    no_intent_proven: bool,
    notice_served_on: date,
    hearing_requested: bool,
    legal_basis: str,
    department: str,
    restriction_until: date | None,
    actor: Any,
    penalty_decision_no: str = "",
) -> ListEntry:
    """Record the serious-list judgment and the notice of the right to state a case or ask for a hearing.

    The listing conditions are checked by rule (较重处罚, listable violation type, the officer's 情节严重 reasons, no
    proof of no intent); a failing condition refuses the proposal with the conditions named.
    """
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=operator)
    with transaction.atomic():
        if penalty_entry.kind != LedgerEntry.Kind.PENALTY or penalty_entry.operator_id != operator.pk:
            raise DomainError("list.bad_penalty", _("所依据的行政处罚不属于该主体。"))
        facts = penalty_entry.facts
        heavy = rules.is_heavy_penalty(facts)
        listable = bool(facts.get("listable_serious"))
        failures = rules.serious_listing_failures(
            heavy_penalty=heavy,
            listable_violation=listable,
            serious_reasons=serious_reasons,
            no_intent_proven=no_intent_proven,
        )
        if failures:
            raise DomainError(
                "list.serious_conditions_not_met",
                _("不符合列入严重违法失信名单的条件。"),
                failures=failures,
            )
        approval = settings.SERIOUS_LIST_UPPER_APPROVAL_REQUIRED
        entry = L(
            operator=operator,
            list_kind=L.ListKind.SERIOUS,
            cause=L.Cause.SERIOUS_VIOLATION,
            legal_basis=legal_basis,
            status=L.Status.AWAITING_APPROVAL if approval else L.Status.PROPOSED,
            department=department,
            restriction_until=restriction_until,
            penalty_ref_id=penalty_entry.ref_id,
            penalty_decision_no=penalty_decision_no,
            heavy_penalty=heavy,
            listable_violation=listable,
            serious_reasons=serious_reasons,
            no_intent_proven=no_intent_proven,
            notice_served_on=notice_served_on,
            hearing_requested=hearing_requested,
            approval_required=approval,
        )
        _save(entry)
        audit.record(
            actor=actor,
            action="propose",
            object_type="list_entry",
            object_id=entry.pk,
            changes={
                "status": [None, entry.status],
                "penalty_ref_id": [None, entry.penalty_ref_id],
                "serious_reasons": [None, serious_reasons],
                "notice_served_on": [None, notice_served_on],
                "approval_required": [None, approval],
            },
        )
        return entry


def _locked(entry: ListEntry) -> ListEntry:
    return L.objects.select_for_update().select_related("operator").get(pk=entry.pk)


def _wrong_status(entry: ListEntry) -> DomainError:
    return DomainError(
        "list.wrong_status",
        _("该名录名单记录当前状态不允许此操作。"),
        status=entry.status,
    )


def serious_list_approve(*, entry: ListEntry, approved_on: date, approved_by: str, actor: Any) -> ListEntry:
    """Record the upper level's approval of a proposed serious listing (a configurable step, DOMAIN.md II §1.1)."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=entry.operator)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status != L.Status.AWAITING_APPROVAL:
            raise _wrong_status(entry)
        entry.status, entry.approved_on, entry.approved_by = L.Status.PROPOSED, approved_on, approved_by
        _save(entry)
        audit.record(
            actor=actor,
            action="approve",
            object_type="list_entry",
            object_id=entry.pk,
            changes={
                "status": [L.Status.AWAITING_APPROVAL, entry.status],
                "approved_on": [None, approved_on],
                "approved_by": [None, approved_by],
            },
        )
        return entry


def serious_list_decide(*, entry: ListEntry, decision_no: str, decided_on: date, actor: Any) -> ListEntry:
    """List a proposed party on the serious list; an abnormal listing it escalates is removed the same day."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=entry.operator)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status != L.Status.PROPOSED:
            raise _wrong_status(entry)
        if entry.notice_served_on is None or decided_on < entry.notice_served_on:
            raise DomainError(
                "list.before_notice",
                _("列入决定不得早于告知当事人之日。"),
                notice_served_on=entry.notice_served_on,
            )
        entry.status, entry.decision_no, entry.decided_on = L.Status.LISTED, decision_no, decided_on
        _save(entry)
        audit.record(
            actor=actor,
            action="list",
            object_type="list_entry",
            object_id=entry.pk,
            changes={
                "status": [L.Status.PROPOSED, entry.status],
                "decision_no": [None, decision_no],
                "decided_on": [None, decided_on],
            },
        )
        _list_file(entry)
        if entry.escalated_from is not None:
            list_remove(
                entry=entry.escalated_from, reason=L.RemovalReason.ESCALATED, removed_on=decided_on, actor=actor
            )
        return entry


def serious_list_drop(*, entry: ListEntry, reason: str, no_intent_proven: bool, actor: Any) -> ListEntry:
    """Drop a proposal (e.g. after the party's statement proved no intent): the party is not listed."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=entry.operator)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status not in (L.Status.PROPOSED, L.Status.AWAITING_APPROVAL):
            raise _wrong_status(entry)
        before = entry.status
        entry.status, entry.removal_note, entry.no_intent_proven = L.Status.DROPPED, reason, no_intent_proven
        _save(entry)
        audit.record(
            actor=actor,
            action="drop",
            object_type="list_entry",
            object_id=entry.pk,
            changes={"status": [before, entry.status], "removal_note": ["", reason]},
        )
        return entry


def list_remove(*, entry: ListEntry, reason: str, removed_on: date, actor: Any, note: str = "") -> ListEntry:
    """Remove a listing (corrected, expired, repaired, reversed, deregistered, escalated) and file the removal."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=entry.operator)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.status != L.Status.LISTED:
            raise _wrong_status(entry)
        if entry.list_kind == L.ListKind.SERIOUS and reason == L.RemovalReason.CORRECTED:
            # A serious listing ends by expiry, by early removal through credit repair, by reversal or deregistration —
            # never by a cure alone (DOMAIN.md II §1.4-1.5); "corrected" is the abnormal list's removal.
            raise DomainError(
                "list.bad_removal_reason",
                _("严重违法失信名单不因纠正违法行为而移出：期满移出，或经信用修复提前移出。"),
                reason=reason,
            )
        assert entry.decided_on is not None
        end = rules.list_period_end(
            list_kind=entry.list_kind,
            listed_on=entry.decided_on,
            restriction_until=entry.restriction_until,
            period=settings.SERIOUS_LIST_PERIOD,
        )
        if reason == L.RemovalReason.EXPIRED and (end is None or removed_on < end):
            raise DomainError("list.not_expired", _("名单期限未满。"), ends_on=end)
        if removed_on < entry.decided_on:
            raise DomainError("list.removed_before_listing", _("移出日期早于列入日期。"))
        entry.status, entry.removed_on, entry.removal_reason, entry.removal_note = (
            L.Status.REMOVED,
            removed_on,
            reason,
            note,
        )
        _save(entry)
        audit.record(
            actor=actor,
            action="remove",
            object_type="list_entry",
            object_id=entry.pk,
            changes={
                "status": [L.Status.LISTED, entry.status],
                "removed_on": [None, removed_on],
                "removal_reason": ["", reason],
            },
        )
        _list_file(entry)
        return entry
