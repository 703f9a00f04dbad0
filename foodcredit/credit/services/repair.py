"""Credit repair (信用修复, DOMAIN.md II.2): submission checked by rule, then accept → review → decision.

Deadlines are working days (core.workdays) from the settings; a granted repair ends the disclosure through new
ledger entries (the penalty's facts gain `repaired_on`; a listing is removed) and a `repair` entry — never an edit.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.workdays import add_workdays
from foodcredit.operators.models import Operator

from .. import policy as credit_policy
from .. import rules
from ..models import LedgerEntry, ListEntry, RepairApplication
from .ledger import entry_append
from .lists import list_remove

A = RepairApplication
L = ListEntry
K = LedgerEntry.Kind


def _on_a_list(operator: Operator) -> bool:
    return ListEntry.objects.filter(operator=operator, status=L.Status.LISTED).exists()


def _penalties_since(operator: Operator, day: date, *, exclude_ref: int | None = None) -> list[dict[str, Any]]:
    """The facts of the operator's current penalty entries decided after `day`."""
    entries = LedgerEntry.objects.filter(
        operator=operator, kind=K.PENALTY, superseded_by__isnull=True, occurred_on__gt=day
    )
    if exclude_ref is not None:
        entries = entries.exclude(ref_id=exclude_ref)
    return [e.facts for e in entries.only("facts")]


def repair_check(
    *,
    operator: Operator,
    target: str,
    penalty_entry: LedgerEntry | None,
    list_entry: ListEntry | None,
    as_of: date,
) -> rules.RepairCheck:
    """Run the eligibility rules for an application as of `as_of`."""
    repair = credit_policy.repair_policy()
    if target == A.Target.PENALTY:
        if penalty_entry is None or penalty_entry.kind != K.PENALTY or penalty_entry.superseded_by_id is not None:
            return rules.RepairCheck("no_such_penalty")
        code = penalty_entry.facts.get("violation_code")
        later = _penalties_since(operator, penalty_entry.occurred_on, exclude_ref=penalty_entry.ref_id)
        return rules.penalty_repair_check(
            facts=penalty_entry.facts,
            occurred_on=penalty_entry.occurred_on,
            as_of=as_of,
            # Every operator here is a food business: the 食品 field's longer minimum applies (总局令第45号 Art. 14).
            food_field=True,
            on_a_list=_on_a_list(operator),
            repeated_since=any(f.get("violation_code") == code for f in later) if code else bool(later),
            disclosure=credit_policy.disclosure_policy(),
            policy=repair,
        )
    if list_entry is None or list_entry.status != L.Status.LISTED or list_entry.list_kind != target:
        return rules.RepairCheck("not_listed")
    if target == A.Target.ABNORMAL:
        return rules.RepairCheck("")  # eligible on cure: the evidence is verified in review (DOMAIN.md II §2.3)
    assert list_entry.decided_on is not None
    later = _penalties_since(operator, list_entry.decided_on)
    return rules.serious_removal_check(
        listed_on=list_entry.decided_on,
        restriction_until=list_entry.restriction_until,
        as_of=as_of,
        heavy_penalty_since=any(rules.is_heavy_penalty(f) for f in later),
        policy=repair,
    )


def repair_submit(
    *,
    operator: Operator,
    target: str,
    commitment: str,
    evidence: str,
    submitted_on: date,
    actor: Any,
    penalty_entry: LedgerEntry | None = None,
    list_entry: ListEntry | None = None,
    idempotency_key: str = "",
) -> RepairApplication:
    """File an application; an ineligible one is refused at once with the failing rule and when it becomes eligible.

    At most one application per (operator, record) is open: a second one is refused (409), and the database's
    partial unique index refuses the one that raced past this check. The same `idempotency_key` from the same
    applicant returns the first application instead of filing another.
    """
    permissions.operator_write_check(user=actor, kind=permissions.REPAIR_APPLICATIONS, operator=operator)
    with transaction.atomic():
        applicant = actor if getattr(actor, "pk", None) else None
        earlier = _replay_or_refuse(applicant, idempotency_key, operator, penalty_entry, list_entry)
        if earlier is not None:
            return earlier
        if not commitment.strip() or not evidence.strip():
            raise DomainError(
                "repair.materials_missing",
                _("请提交守信承诺书和履行义务、纠正违法行为的证明。"),
            )
        check = repair_check(
            operator=operator, target=target, penalty_entry=penalty_entry, list_entry=list_entry, as_of=submitted_on
        )
        application = A(
            operator=operator,
            target=target,
            penalty_entry=penalty_entry,
            list_entry=list_entry,
            applicant=applicant,
            submitted_on=submitted_on,
            commitment=commitment,
            evidence=evidence,
            status=A.Status.SUBMITTED if check.eligible else A.Status.REFUSED,
            refusal_rule=check.rule,
            eligible_from=check.eligible_from,
            idempotency_key=idempotency_key,
        )
        if check.eligible:
            deadline = add_workdays(submitted_on, settings.REPAIR_ACCEPT_WITHIN_WORKDAYS)
            application.accept_by, application.deadline_estimated = deadline.due, deadline.estimated
        # full_clean would check the constraints with a query of its own (the same race): the index decides below.
        application.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            # A parallel twin won the race: the same key returns its application, another key meets the open one.
            earlier = _replay_or_refuse(applicant, idempotency_key, operator, penalty_entry, list_entry)
            if earlier is not None:
                return earlier
            raise
        audit.record(
            actor=actor,
            action="submit",
            object_type="repair_application",
            object_id=application.pk,
            changes={
                "status": [None, application.status],
                "target": [None, target],
                "refusal_rule": [None, check.rule],
                "eligible_from": [None, check.eligible_from],
            },
        )
        return application


def _replay_or_refuse(
    applicant: Any,
    idempotency_key: str,
    operator: Operator,
    penalty_entry: LedgerEntry | None,
    list_entry: ListEntry | None,
) -> RepairApplication | None:
    """The application this applicant already filed under this key (a retry: returned as it is), else None, or
    ConflictError when the record has an open application. The key is read again after a conflict: a twin with the
    same key may have committed between the two reads, and that is a replay, not a conflict."""
    earlier = _replayed(applicant, idempotency_key)
    if earlier is not None:
        return earlier
    try:
        _refuse_if_open(operator=operator, penalty_entry=penalty_entry, list_entry=list_entry)
    except ConflictError:
        earlier = _replayed(applicant, idempotency_key)
        if earlier is None:
            raise
    return earlier


def _replayed(applicant: Any, idempotency_key: str) -> RepairApplication | None:
    """The application this applicant already filed under this key, if any."""
    if not idempotency_key or applicant is None:
        return None
    return A.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()


def _refuse_if_open(*, operator: Operator, penalty_entry: LedgerEntry | None, list_entry: ListEntry | None) -> None:
    """ConflictError when the operator has an open application for the same penalty (any of its entries) or listing."""
    open_ones = A.objects.filter(operator=operator, status__in=A.OPEN)
    if penalty_entry is not None:
        open_ones = open_ones.filter(
            penalty_entry__ref_kind=penalty_entry.ref_kind, penalty_entry__ref_id=penalty_entry.ref_id
        )
    elif list_entry is not None:
        open_ones = open_ones.filter(list_entry=list_entry)
    else:
        return
    earlier = open_ones.values_list("pk", flat=True).first()
    if earlier is not None:
        raise ConflictError(
            "repair.already_open",
            _("该事项已有一份正在办理的信用修复申请。"),
            application_id=earlier,
        )


def _locked(application: RepairApplication) -> RepairApplication:
    return A.objects.select_for_update().select_related("operator").get(pk=application.pk)


def _wrong_status(application: RepairApplication) -> DomainError:
    return DomainError(
        "repair.wrong_status",
        _("该申请当前状态不允许此操作。"),
        status=application.status,
    )


def repair_accept(*, application: RepairApplication, accepted_on: date, actor: Any) -> RepairApplication:
    """Accept an application; the decision is due a number of working days later."""
    permissions.operator_write_check(user=actor, kind=permissions.REPAIR_DECISIONS, operator=application.operator)
    with transaction.atomic():
        application = _locked(application)
        if application.status != A.Status.SUBMITTED:
            raise _wrong_status(application)
        # The abnormal list is decided within its own shorter period (工商总局令第68号; DOMAIN.md II §3.3).
        days = (
            settings.ABNORMAL_REMOVAL_DECIDE_WITHIN_WORKDAYS
            if application.target == A.Target.ABNORMAL
            else settings.REPAIR_DECIDE_WITHIN_WORKDAYS
        )
        deadline = add_workdays(accepted_on, days)
        application.status, application.accepted_on, application.decide_by = (
            A.Status.ACCEPTED,
            accepted_on,
            deadline.due,
        )
        application.deadline_estimated |= deadline.estimated
        application.save()
        audit.record(
            actor=actor,
            action="accept",
            object_type="repair_application",
            object_id=application.pk,
            changes={
                "status": [A.Status.SUBMITTED, application.status],
                "accepted_on": [None, accepted_on],
                "decide_by": [None, deadline.due],
            },
        )
        return application


def repair_decide(
    *, application: RepairApplication, granted: bool, decided_on: date, note: str, actor: Any
) -> RepairApplication:
    """Grant or deny after review. Granting re-checks the rules on the decision day, then ends the disclosure."""
    permissions.operator_write_check(user=actor, kind=permissions.REPAIR_DECISIONS, operator=application.operator)
    with transaction.atomic():
        application = _locked(application)
        if application.status != A.Status.ACCEPTED:
            raise _wrong_status(application)
        if not granted and not note.strip():
            raise DomainError("repair.reason_required", _("不予修复应当说明理由。"))
        if granted:
            check = repair_check(
                operator=application.operator,
                target=application.target,
                penalty_entry=application.penalty_entry,
                list_entry=application.list_entry,
                as_of=decided_on,
            )
            if not check.eligible:
                raise DomainError(
                    "repair.no_longer_eligible",
                    _("决定时已不符合修复条件。"),
                    rule=check.rule,
                    eligible_from=check.eligible_from,
                )
        application.status = A.Status.GRANTED if granted else A.Status.DENIED
        application.decided_on, application.decision_note = decided_on, note
        application.save()
        audit.record(
            actor=actor,
            action="grant" if granted else "deny",
            object_type="repair_application",
            object_id=application.pk,
            changes={"status": [A.Status.ACCEPTED, application.status], "decided_on": [None, decided_on]},
        )
        if granted:
            _repair_apply(application, decided_on=decided_on, actor=actor)
        return application


def _repair_apply(application: RepairApplication, *, decided_on: date, actor: Any) -> None:
    """End the disclosure: a superseding penalty entry with `repaired_on`, or the listing removed; a repair entry."""
    operator = application.operator
    if application.target == A.Target.PENALTY:
        penalty = application.penalty_entry
        assert penalty is not None
        entry_append(
            operator=operator,
            kind=K.PENALTY,
            occurred_on=penalty.occurred_on,
            ref_kind=penalty.ref_kind,
            ref_id=penalty.ref_id,
            facts={**penalty.facts, "repaired_on": decided_on.isoformat()},
            source=penalty.source,
        )
    else:
        assert application.list_entry is not None
        reason = L.RemovalReason.REPAIRED if application.target == A.Target.SERIOUS else L.RemovalReason.CORRECTED
        list_remove(entry=application.list_entry, reason=reason, removed_on=decided_on, actor=actor)
    entry_append(
        operator=operator,
        kind=K.REPAIR,
        occurred_on=decided_on,
        ref_kind="repair_application",
        ref_id=application.pk,
        facts={"target": application.target, "status": application.status},
    )
