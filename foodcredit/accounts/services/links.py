"""Business-user ↔ operator links: asked for by the system administrator with the operator's USCC and its legal
representative's name as registered, confirmed by a district regulator before the user sees the operator."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError

from .. import roles, rules
from ..models import BusinessLink, User
from ._common import require


@dataclass(frozen=True)
class OperatorRegistration:
    """An operator as registered, read by the caller through the operators selectors (accounts sits below
    operators and cannot read them itself)."""

    uscc: str
    name: str
    legal_rep: str


def _refusal_record(*, actor: User | None, action: str, object_id: object, error: DomainError) -> None:
    """A refused link request or decision leaves an audit row (a name that does not match may be a probe)."""
    audit.record(
        actor=actor,
        action=action,
        object_type="business_link",
        object_id=object_id,
        changes={"refused": [None, error.code], **{k: [None, str(v)] for k, v in error.context.items()}},
        success=False,
    )


def _check_registration(*, registered: OperatorRegistration | None, uscc: str, legal_rep_name: str) -> None:
    if registered is None or registered.uscc != uscc:
        raise DomainError("accounts.link_unknown_operator", _("没有该统一社会信用代码的经营主体。"), uscc=uscc)
    if not rules.legal_rep_matches(given=legal_rep_name, registered=registered.legal_rep):
        # The registered name is not repeated in the message: the caller must know it, not learn it here.
        raise DomainError(
            "accounts.link_legal_rep_mismatch", _("法定代表人（负责人）姓名与登记信息不一致。"), uscc=uscc
        )


def business_link_request(
    *,
    user: User,
    uscc: str,
    legal_rep_name: str,
    registered: OperatorRegistration | None,
    actor: User | None,
) -> BusinessLink:
    """Ask for `user` (a business user) to act for the operator `uscc`. Refused unless the operator exists and
    `legal_rep_name` is its registered legal representative's; pending until a district regulator confirms it."""
    uscc = uscc.strip().upper()
    try:
        return _business_link_request(
            user=user, uscc=uscc, legal_rep_name=legal_rep_name, registered=registered, actor=actor
        )
    except DomainError as exc:
        _refusal_record(actor=actor, action="business_link_request", object_id=uscc[:64], error=exc)
        raise


@transaction.atomic
def _business_link_request(
    *, user: User, uscc: str, legal_rep_name: str, registered: OperatorRegistration | None, actor: User | None
) -> BusinessLink:
    require(actor, roles.can_administer_users)
    if user.role != User.Role.BUSINESS:
        raise DomainError("accounts.link_not_business", _("只有企业用户可以关联经营主体。"), user=user.username)
    _check_registration(registered=registered, uscc=uscc, legal_rep_name=legal_rep_name)
    assert registered is not None  # checked above
    if BusinessLink.objects.filter(user=user, uscc=uscc, status__in=["pending", "confirmed"]).exists():
        raise ConflictError("accounts.link_exists", _("该用户与该经营主体已有待确认或已生效的关联。"), uscc=uscc)
    link = BusinessLink(
        user=user,
        uscc=uscc,
        operator_name=registered.name,
        legal_rep_name=legal_rep_name.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    link.full_clean()
    link.save()
    audit.record(
        actor=actor,
        action="business_link_request",
        object_type="business_link",
        object_id=link.pk,
        changes={"user": [None, user.username], "uscc": [None, uscc], "status": [None, link.status]},
    )
    return link


def business_link_decide(
    *, link: BusinessLink, confirm: bool, registered: OperatorRegistration | None, note: str, actor: User | None
) -> BusinessLink:
    """A district regulator confirms a pending link (checked again against the registration as it is now: the
    operator's legal representative may have changed meanwhile) or rejects it with a note. On confirmation the
    user acts for the operator."""
    try:
        return _business_link_decide(link=link, confirm=confirm, registered=registered, note=note, actor=actor)
    except DomainError as exc:
        _refusal_record(
            actor=actor,
            action="business_link_confirm" if confirm else "business_link_reject",
            object_id=link.pk,
            error=exc,
        )
        raise


@transaction.atomic
def _business_link_decide(
    *, link: BusinessLink, confirm: bool, registered: OperatorRegistration | None, note: str, actor: User | None
) -> BusinessLink:
    require(actor, roles.can_confirm_business_links)
    link = BusinessLink.objects.select_for_update().get(pk=link.pk)
    if link.status != BusinessLink.Status.PENDING:
        raise ConflictError("accounts.link_decided", _("该关联已处理。"), link=link.pk)
    if actor is not None and link.requested_by_id == actor.pk:
        raise DomainError("accounts.link_own_request", _("不能确认自己提出的关联申请。"), link=link.pk)
    if confirm:
        _check_registration(registered=registered, uscc=link.uscc, legal_rep_name=link.legal_rep_name)
    elif not note.strip():
        raise DomainError("accounts.reason_required", _("驳回须说明理由。"), link=link.pk)
    link.status = BusinessLink.Status.CONFIRMED if confirm else BusinessLink.Status.REJECTED
    link.decided_by, link.decided_at, link.note = actor, timezone.now(), note.strip()[:500]
    link.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit.record(
        actor=actor,
        action="business_link_confirm" if confirm else "business_link_reject",
        object_type="business_link",
        object_id=link.pk,
        changes={"status": [BusinessLink.Status.PENDING, link.status], **({"note": [None, link.note]} if note else {})},
    )
    if confirm:
        user = User.objects.select_for_update().get(pk=link.user_id)
        before = list(user.operator_usccs)
        if link.uscc not in before:
            user.operator_usccs = [*before, link.uscc]
            user.save(update_fields=["operator_usccs"])
            audit.record(
                actor=actor,
                action="operator_link",
                object_type="user",
                object_id=user.pk,
                changes={"operator_usccs": [before, user.operator_usccs]},
            )
    return link


@transaction.atomic
def business_link_revoke(*, link: BusinessLink, reason: str, actor: User | None) -> BusinessLink:
    """End a link (system administrator), pending or in force, with a reason: the user stops acting for the
    operator at once. Taking a power away needs no second person; granting one does."""
    require(actor, roles.can_administer_users)
    link = BusinessLink.objects.select_for_update().get(pk=link.pk)
    if link.status not in (BusinessLink.Status.PENDING, BusinessLink.Status.CONFIRMED):
        raise ConflictError("accounts.link_decided", _("该关联已处理。"), link=link.pk)
    if not reason.strip():
        raise DomainError("accounts.reason_required", _("解除关联须说明理由。"), link=link.pk)
    before_status = link.status
    link.status, link.note = BusinessLink.Status.REVOKED, reason.strip()[:500]
    link.save(update_fields=["status", "note"])
    audit.record(
        actor=actor,
        action="business_link_revoke",
        object_type="business_link",
        object_id=link.pk,
        changes={"status": [before_status, link.status], "note": [None, link.note]},
    )
    user = User.objects.select_for_update().get(pk=link.user_id)
    before = list(user.operator_usccs)
    if link.uscc in before:
        user.operator_usccs = [u for u in before if u != link.uscc]
        user.save(update_fields=["operator_usccs"])
        audit.record(
            actor=actor,
            action="operator_unlink",
            object_type="user",
            object_id=user.pk,
            changes={"operator_usccs": [before, user.operator_usccs]},
        )
    return link
