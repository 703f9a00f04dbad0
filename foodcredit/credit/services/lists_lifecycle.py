"""What happens to list entries with time and with their grounds (DOMAIN.md II.1, II.3): expiry at the end of a listing
period, the abnormal list's escalation notice and proposal to the serious list, and a revoked penalty's listings."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError

from .. import rules
from ..models import LedgerEntry, ListEntry
from .ledger import entry_append
from .lists import _locked, _save, _wrong_status, list_remove, serious_list_drop

L = ListEntry


def lists_expire(*, as_of: date) -> list[ListEntry]:
    """Remove every serious listing whose period has ended by `as_of` (a daily job; idempotent)."""
    removed = []
    listed = L.objects.filter(list_kind=L.ListKind.SERIOUS, status=L.Status.LISTED, decided_on__isnull=False)
    for entry in listed.filter(decided_on__lte=as_of - settings.SERIOUS_LIST_PERIOD):
        assert entry.decided_on is not None
        end = rules.list_period_end(
            list_kind=entry.list_kind,
            listed_on=entry.decided_on,
            restriction_until=entry.restriction_until,
            period=settings.SERIOUS_LIST_PERIOD,
        )
        if end is not None and end <= as_of:
            removed.append(list_remove(entry=entry, reason=L.RemovalReason.EXPIRED, removed_on=end, actor=None))
    return removed


def _escalation_dates(entry: ListEntry) -> rules.EscalationDates:
    assert entry.decided_on is not None
    return rules.escalation_dates(
        listed_on=entry.decided_on,
        after=settings.ABNORMAL_ESCALATION_AFTER,
        notice_before=settings.ABNORMAL_ESCALATION_NOTICE_BEFORE,
        within=settings.ABNORMAL_ESCALATION_WITHIN_WORKDAYS,
    )


@transaction.atomic
def abnormal_escalation_notices(*, as_of: date) -> list[ListEntry]:
    """Serve the GSXT notice on abnormal listings 60 days before their 3-year mark (a daily job; idempotent)."""
    cutoff = as_of - settings.ABNORMAL_ESCALATION_AFTER + settings.ABNORMAL_ESCALATION_NOTICE_BEFORE
    due = L.objects.select_for_update().filter(
        list_kind=L.ListKind.ABNORMAL,
        status=L.Status.LISTED,
        escalation_notice_on__isnull=True,
        decided_on__lte=cutoff,
    )
    noticed = []
    for entry in due:
        entry.escalation_notice_on = as_of
        entry.save(update_fields=["escalation_notice_on", "updated_at"])
        audit.record(
            actor=None,
            action="escalation_notice",
            object_type="list_entry",
            object_id=entry.pk,
            changes={"escalation_notice_on": [None, as_of]},
        )
        noticed.append(entry)
    return noticed


def abnormal_list_escalate(*, entry: ListEntry, as_of: date, department: str, actor: Any) -> ListEntry:
    """Propose the serious list for an abnormal listing past 3 years (企业信息公示暂行条例 Art. 17): the system
    proposes once the notice period has run, an officer then decides with `serious_list_decide`."""
    permissions.operator_write_check(user=actor, kind=permissions.LIST_ENTRIES, operator=entry.operator)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.list_kind != L.ListKind.ABNORMAL or entry.status != L.Status.LISTED:
            raise _wrong_status(entry)
        dates = _escalation_dates(entry)
        if not rules.escalation_proposable(notice_on=entry.escalation_notice_on, as_of=as_of, dates=dates):
            raise DomainError(
                "list.escalation_not_due",
                _("未满3年或公告未满60日，不能转入严重违法失信名单。"),
                propose_from=dates.propose_from,
                notice_on=entry.escalation_notice_on,
            )
        if L.objects.filter(escalated_from=entry).exclude(status=L.Status.DROPPED).exists():
            raise ConflictError("list.already_escalated", _("已提出转入。"))
        approval = settings.SERIOUS_LIST_UPPER_APPROVAL_REQUIRED
        proposal = L(
            operator=entry.operator,
            list_kind=L.ListKind.SERIOUS,
            cause=L.Cause.ABNORMAL_THREE_YEARS,
            legal_basis="《企业信息公示暂行条例》第十七条",
            department=department,
            status=L.Status.AWAITING_APPROVAL if approval else L.Status.PROPOSED,
            approval_required=approval,
            escalated_from=entry,
            notice_served_on=entry.escalation_notice_on,
            serious_reasons="列入经营异常名录届满3年仍未履行相关义务",
        )
        _save(proposal)
        audit.record(
            actor=actor,
            action="propose",
            object_type="list_entry",
            object_id=proposal.pk,
            changes={"status": [None, proposal.status], "escalated_from": [None, entry.pk]},
        )
        return proposal


def penalty_revocation_file(*, penalty_entry: LedgerEntry, revoked_on: date, actor: Any) -> LedgerEntry:
    """File the revocation or change of a penalty decision (总局令第45号 Art. 11): a new entry whose facts carry
    `revoked_on` ends its disclosure, and the serious listings resting on it are removed as reversed (DOMAIN.md
    II §1.4)."""
    permissions.operator_write_check(user=actor, kind=permissions.PENALTY_REVOCATIONS, operator=penalty_entry.operator)
    with transaction.atomic():
        penalty_entry = LedgerEntry.objects.select_for_update().select_related("operator").get(pk=penalty_entry.pk)
        if penalty_entry.kind != LedgerEntry.Kind.PENALTY or penalty_entry.superseded_by_id is not None:
            raise DomainError(
                "penalty.not_current",
                _("只能对现行的行政处罚条目登记撤销。"),
            )
        if revoked_on < penalty_entry.occurred_on:
            raise DomainError("penalty.revoked_before_decision", _("撤销日期早于处罚决定日期。"))
        entry = entry_append(
            operator=penalty_entry.operator,
            kind=LedgerEntry.Kind.PENALTY,
            occurred_on=penalty_entry.occurred_on,
            ref_kind=penalty_entry.ref_kind,
            ref_id=penalty_entry.ref_id,
            source=penalty_entry.source,
            facts={**penalty_entry.facts, "revoked_on": revoked_on.isoformat()},
        )
        audit.record(
            actor=actor,
            action="revoke",
            object_type="penalty",
            object_id=penalty_entry.ref_id,
            changes={"revoked_on": [None, revoked_on]},
        )
        for listing in L.objects.filter(
            operator=penalty_entry.operator, penalty_ref_id=penalty_entry.ref_id, status=L.Status.LISTED
        ):
            list_remove(entry=listing, reason=L.RemovalReason.REVERSED, removed_on=revoked_on, actor=actor)
        for proposal in L.objects.filter(
            operator=penalty_entry.operator,
            penalty_ref_id=penalty_entry.ref_id,
            status__in=[L.Status.PROPOSED, L.Status.AWAITING_APPROVAL],
        ):
            serious_list_drop(
                entry=proposal, reason="处罚决定被撤销", no_intent_proven=proposal.no_intent_proven, actor=actor
            )
        return entry
