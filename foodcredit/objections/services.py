"""Writes of objections (异议申诉): submit (a business user, own operators), accept for review, decide (the
district). Each step is audited in its transaction; a correction supersedes the record's ledger entry through
`credit.services.entry_append`, with the statement in the corrected entry's facts (shown on the credit file)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.uploads import attachment_read
from foodcredit.core.workdays import add_workdays
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry

from .models import Objection, ObjectionAttachment


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "username") else None


def objection_submit(
    *, entry: LedgerEntry, reason: str, submitted_on: date, actor: Any, attachments: list[Any] | None = None
) -> Objection:
    """A business user objects to a current entry of its own operator's credit file, with evidence attached.

    One open objection per record (409 for a second); the acceptance deadline is OBJECTION_ACCEPT_WITHIN_WORKDAYS
    working days from submission."""
    permissions.operator_write_check(user=actor, kind=permissions.OBJECTIONS, operator=entry.operator)
    uploads = list(attachments or [])
    if not reason.strip():
        raise DomainError("objection.reason_missing", _("请填写异议理由。"), field="reason", entry=entry.pk)
    if entry.superseded_by_id is not None:
        raise ConflictError(
            "objection.entry_superseded", _("该档案条目已被更正，请对现行条目提出异议。"), entry=entry.pk
        )
    if len(uploads) > settings.OBJECTION_ATTACHMENTS_MAX:
        raise DomainError(
            "objection.attachments_too_many",
            _("附件至多%(n)s个") % {"n": settings.OBJECTION_ATTACHMENTS_MAX},
            field="attachments",
            count=len(uploads),
        )
    files = [
        attachment_read(u, limit=settings.OBJECTION_ATTACHMENT_MAX_BYTES, code_prefix="objection", field="attachments")
        for u in uploads
    ]
    deadline = add_workdays(submitted_on, settings.OBJECTION_ACCEPT_WITHIN_WORKDAYS)
    with transaction.atomic():
        if Objection.objects.filter(ref_kind=entry.ref_kind, ref_id=entry.ref_id, status__in=Objection.OPEN).exists():
            raise ConflictError("objection.open", _("该记录已有正在处理的异议。"), entry=entry.pk)
        objection = Objection(
            operator=entry.operator,
            entry=entry,
            ref_kind=entry.ref_kind,
            ref_id=entry.ref_id,
            applicant=_user(actor),
            reason=reason.strip(),
            submitted_on=submitted_on,
            accept_by=deadline.due,
            deadline_estimated=deadline.estimated,
        )
        objection.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                objection.save()
        except IntegrityError as exc:  # a parallel objection to the same record won the race
            raise ConflictError("objection.open", _("该记录已有正在处理的异议。"), entry=entry.pk) from exc
        for n, (content, extension, name) in enumerate(files, start=1):
            attachment = ObjectionAttachment(objection=objection, name=name)
            attachment.file.save(f"objection-{objection.pk}-{n}{extension}", ContentFile(content), save=False)
            attachment.save()
        audit.record(
            actor=actor,
            action="create",
            object_type="objection",
            object_id=objection.pk,
            changes={
                "status": [None, Objection.Status.SUBMITTED],
                "record": [None, f"{entry.ref_kind}:{entry.ref_id}"],
                "reason": [None, objection.reason],
                "attachments": [None, [name for _c, _e, name in files]],
                "accept_by": [None, objection.accept_by],
            },
        )
    return objection


def _locked(objection: Objection, *, expected: str, actor: Any) -> Objection:
    permissions.operator_write_check(user=actor, kind=permissions.OBJECTION_DECISIONS, operator=objection.operator)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != expected:
        raise ConflictError(
            "objection.status",
            _("异议#%(pk)s当前状态为“%(status)s”，不能办理此步骤。")
            % {"pk": locked.pk, "status": locked.get_status_display()},
            objection=locked.pk,
            status=locked.status,
        )
    return locked


def objection_accept(*, objection: Objection, accepted_on: date, actor: Any) -> Objection:
    """Accept an objection for review; the decision is due OBJECTION_DECIDE_WITHIN_WORKDAYS working days later."""
    with transaction.atomic():
        locked = _locked(objection, expected=Objection.Status.SUBMITTED, actor=actor)
        deadline = add_workdays(accepted_on, settings.OBJECTION_DECIDE_WITHIN_WORKDAYS)
        locked.status, locked.accepted_on, locked.decide_by = Objection.Status.UNDER_REVIEW, accepted_on, deadline.due
        locked.deadline_estimated = locked.deadline_estimated or deadline.estimated
        locked.save(update_fields=["status", "accepted_on", "decide_by", "deadline_estimated", "updated_at"])
        audit.record(
            actor=actor,
            action="accept",
            object_type="objection",
            object_id=locked.pk,
            changes={
                "status": [Objection.Status.SUBMITTED, Objection.Status.UNDER_REVIEW],
                "accepted_on": [None, accepted_on],
                "decide_by": [None, locked.decide_by],
            },
        )
    return locked


def objection_decide(
    *,
    objection: Objection,
    outcome: str,
    note: str,
    decided_on: date,
    actor: Any,
    corrected_occurred_on: date | None = None,
) -> Objection:
    """Decide an objection under review: "correct" supersedes the record's current entry with a corrected one (the
    statement, and a corrected date if given, on the file); "reject" keeps the record and gives the reason."""
    if outcome not in ("correct", "reject"):
        raise DomainError("objection.outcome", _("处理结果须为更正或不予更正。"), field="outcome", outcome=outcome)
    if not note.strip():
        raise DomainError("objection.note_missing", _("请填写更正说明或不予更正的理由。"), field="note")
    with transaction.atomic():
        locked = _locked(objection, expected=Objection.Status.UNDER_REVIEW, actor=actor)
        changes: dict[str, list[Any]] = {"decision_note": [None, note.strip()], "decided_on": [None, decided_on]}
        if outcome == "correct":
            current = (
                LedgerEntry.objects.select_for_update()
                .filter(ref_kind=locked.ref_kind, ref_id=locked.ref_id, superseded_by__isnull=True)
                .first()
            )
            if current is None:
                raise ConflictError(
                    "objection.no_current_entry", _("该记录在信用档案中已无现行条目。"), objection=locked.pk
                )
            occurred_on = corrected_occurred_on or current.occurred_on
            facts = {
                **current.facts,
                "correction": {
                    "objection": locked.pk,
                    "note": note.strip(),
                    "on": decided_on.isoformat(),
                    **(
                        {"occurred_on_was": current.occurred_on.isoformat()}
                        if occurred_on != current.occurred_on
                        else {}
                    ),
                },
            }
            locked.correction = credit_services.entry_append(
                operator=locked.operator,
                kind=current.kind,
                occurred_on=occurred_on,
                ref_kind=current.ref_kind,
                ref_id=current.ref_id,
                facts=facts,
                source=current.source,
            )
            locked.status = Objection.Status.CORRECTED
            changes |= {"entry": [current.pk, locked.correction.pk], "occurred_on": [current.occurred_on, occurred_on]}
        else:
            locked.status = Objection.Status.REJECTED
        changes["status"] = [Objection.Status.UNDER_REVIEW, locked.status]
        locked.decided_on, locked.decision_note = decided_on, note.strip()
        locked.save(update_fields=["status", "decided_on", "decision_note", "correction", "updated_at"])
        audit.record(actor=actor, action="decide", object_type="objection", object_id=locked.pk, changes=changes)
    return locked
