"""Credit commitments (信用承诺), person-level bans (行业禁入) and typical cases (典型案例)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.crypto import person_hmac
from foodcredit.core.errors import DomainError
from foodcredit.operators.models import Operator

from .. import rules
from ..models import CaseStudy, Commitment, LedgerEntry, PersonBan
from .ledger import entry_append

C = Commitment


def _file(commitment: Commitment, *, occurred_on: date) -> LedgerEntry:
    return entry_append(
        operator=commitment.operator,
        kind=LedgerEntry.Kind.COMMITMENT,
        occurred_on=occurred_on,
        ref_kind="commitment",
        ref_id=commitment.pk,
        facts={"kind": commitment.kind, "verification": commitment.verification},
    )


def commitment_record(
    *, operator: Operator, kind: str, made_on: date, text: str, actor: Any, idempotency_key: str = ""
) -> Commitment:
    """Record a commitment; it is shown publicly from the day it was made. The same `idempotency_key` from the same
    user returns the first commitment instead of recording another (a retried request, a double click)."""
    permissions.operator_write_check(user=actor, kind=permissions.COMMITMENTS, operator=operator)
    with transaction.atomic():
        created_by = actor if getattr(actor, "pk", None) and hasattr(actor, "username") else None
        if idempotency_key and created_by is not None:
            earlier = C.objects.filter(created_by=created_by, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return earlier
        commitment = C(
            operator=operator,
            kind=kind,
            made_on=made_on,
            text=text,
            verification=C.Verification.PENDING,
            created_by=created_by,
            idempotency_key=idempotency_key if created_by is not None else "",
        )
        commitment.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                commitment.save()
        except IntegrityError:  # a parallel twin with the same key won the race
            earlier = C.objects.filter(created_by=created_by, idempotency_key=idempotency_key).first()
            if earlier is None:
                raise
            return earlier
        audit.record(
            actor=actor,
            action="create",
            object_type="commitment",
            object_id=commitment.pk,
            changes={"kind": [None, kind], "made_on": [None, made_on]},
        )
        _file(commitment, occurred_on=made_on)
        return commitment


def commitment_verify(
    *, commitment: Commitment, verification: str, verified_on: date, note: str, actor: Any
) -> Commitment:
    """Record the verification; a false commitment ends the facilitated procedure and is filed and disclosed."""
    permissions.operator_write_check(
        user=actor, kind=permissions.COMMITMENT_VERIFICATIONS, operator=commitment.operator
    )
    with transaction.atomic():
        commitment = C.objects.select_for_update().select_related("operator").get(pk=commitment.pk)
        if commitment.verification != C.Verification.PENDING or verification == C.Verification.PENDING:
            raise DomainError(
                "commitment.already_verified",
                _("该承诺已核查。"),
                verification=commitment.verification,
            )
        if verified_on < commitment.made_on:
            raise DomainError("commitment.before_made", _("核查日期早于承诺日期。"))
        commitment.verification, commitment.verified_on, commitment.verification_note = verification, verified_on, note
        commitment.full_clean()
        commitment.save()
        audit.record(
            actor=actor,
            action="verify",
            object_type="commitment",
            object_id=commitment.pk,
            changes={"verification": [C.Verification.PENDING, verification], "verified_on": [None, verified_on]},
        )
        _file(commitment, occurred_on=verified_on if verification == C.Verification.FALSE else commitment.made_on)
        return commitment


def person_ban_record(
    *,
    id_number: str,
    name: str,
    operator: Operator | None,
    basis: str,
    decision_no: str,
    decided_on: date,
    department: str,
    actor: Any,
) -> PersonBan:
    """Record a 行业禁入 for a responsible person; only the keyed hash of the ID number is stored (DOMAIN.md §7)."""
    permissions.operator_write_check(user=actor, kind=permissions.PERSON_BANS, operator=operator)
    with transaction.atomic():
        if not id_number.strip():
            raise DomainError("ban.id_number_required", _("请填写证件号码。"))
        ban = PersonBan(
            id_hash=person_hmac(id_number),
            name=name,
            operator=operator,
            basis=basis,
            legal_basis="《中华人民共和国食品安全法》第一百三十五条",
            decision_no=decision_no,
            decided_on=decided_on,
            until=rules.industry_ban_until(
                basis=basis, decided_on=decided_on, period=settings.INDUSTRY_BAN_AFTER_REVOCATION
            ),
            department=department,
        )
        ban.full_clean()
        ban.save()
        audit.record(
            actor=actor,
            action="create",
            object_type="person_ban",
            object_id=ban.pk,
            changes={"basis": [None, basis], "decided_on": [None, decided_on], "until": [None, ban.until]},
        )
        return ban


def case_study_publish(
    *,
    title: str,
    body: str,
    exposure: str,
    operator: Operator | None,
    penalty_decision_no: str,
    published_on: date,
    actor: Any,
) -> CaseStudy:
    """Publish a typical case through the public API."""
    permissions.operator_write_check(user=actor, kind=permissions.TYPICAL_CASES, operator=operator)
    with transaction.atomic():
        case = CaseStudy(
            title=title,
            body=body,
            exposure=exposure,
            operator=operator,
            penalty_decision_no=penalty_decision_no,
            status=CaseStudy.Status.PUBLISHED,
            published_on=published_on,
        )
        case.full_clean()
        case.save()
        audit.record(
            actor=actor,
            action="publish",
            object_type="case_study",
            object_id=case.pk,
            changes={"title": [None, title], "status": [None, case.status], "published_on": [None, published_on]},
        )
        return case


def case_study_withdraw(*, case: CaseStudy, actor: Any) -> CaseStudy:
    """Withdraw a published case from public view."""
    permissions.operator_write_check(user=actor, kind=permissions.TYPICAL_CASES, operator=case.operator)
    with transaction.atomic():
        case = CaseStudy.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStudy.Status.PUBLISHED:
            raise DomainError("case.not_published", _("该案例未发布。"))
        case.status = CaseStudy.Status.WITHDRAWN
        case.save()
        audit.record(
            actor=actor,
            action="withdraw",
            object_type="case_study",
            object_id=case.pk,
            changes={"status": [CaseStudy.Status.PUBLISHED, case.status]},
        )
        return case
