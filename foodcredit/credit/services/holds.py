"""不予公示 (POLICY 四(三)): the district marks a record the law keeps from publication, with its legal ground, and
may lift the mark. Both steps are audited (before → after) in the same transaction; the public selectors read the
mark (`credit.selectors.disclosure`), so every public output leaves the record out while the mark stands."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError

from ..models import DisclosureHold, LedgerEntry

H = DisclosureHold


def _changes(hold: DisclosureHold, *, active: bool) -> dict[str, list[Any]]:
    after = {"ground": hold.ground, "ground_note": hold.ground_note, "record": f"{hold.ref_kind}:{hold.ref_id}"}
    if active:
        return {"public": [True, False], **{k: [None, v] for k, v in after.items()}}
    return {"public": [False, True], "removal_note": [None, hold.removal_note], "ground": [hold.ground, None]}


def disclosure_hold_set(
    *, entry: LedgerEntry, ground: str, ground_note: str, set_on: date, actor: Any
) -> DisclosureHold:
    """Mark the record of `entry` 不予公示 with its legal ground (one of `DisclosureHold.Ground` and a statement).

    Registration facts are public by law and are never held; a record already held is refused (409)."""
    permissions.operator_write_check(user=actor, kind=permissions.DISCLOSURE_HOLDS, operator=entry.operator)
    if entry.kind == LedgerEntry.Kind.REGISTRATION:
        raise DomainError(
            "disclosure_hold.registration", _("登记信息依法公示，不能标注不予公示。"), field="entry", entry=entry.pk
        )
    if ground not in H.Ground.values:
        raise DomainError("disclosure_hold.ground", _("请选择不予公示的法定依据。"), field="ground", ground=ground)
    if not ground_note.strip():
        raise DomainError("disclosure_hold.note_missing", _("请说明不予公示的具体理由。"), field="ground_note")
    with transaction.atomic():
        if H.objects.filter(ref_kind=entry.ref_kind, ref_id=entry.ref_id, removed_on__isnull=True).exists():
            raise ConflictError("disclosure_hold.already", _("该记录已标注不予公示。"), entry=entry.pk)
        hold = H(
            operator=entry.operator,
            ref_kind=entry.ref_kind,
            ref_id=entry.ref_id,
            entry_kind=entry.kind,
            ground=ground,
            ground_note=ground_note.strip(),
            set_on=set_on,
            set_by=actor if getattr(actor, "pk", None) else None,
        )
        hold.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                hold.save()
        except IntegrityError as exc:  # a parallel mark of the same record won the race
            raise ConflictError("disclosure_hold.already", _("该记录已标注不予公示。"), entry=entry.pk) from exc
        audit.record(
            actor=actor,
            action="disclosure_hold",
            object_type="disclosure_hold",
            object_id=hold.pk,
            changes=_changes(hold, active=True),
        )
    return hold


def disclosure_hold_remove(*, hold: DisclosureHold, removal_note: str, removed_on: date, actor: Any) -> DisclosureHold:
    """Lift a 不予公示 mark with a reason: the record is public again as far as the disclosure rules say."""
    permissions.operator_write_check(user=actor, kind=permissions.DISCLOSURE_HOLDS, operator=hold.operator)
    if not removal_note.strip():
        raise DomainError("disclosure_hold.removal_note_missing", _("请说明撤销不予公示的理由。"), field="removal_note")
    with transaction.atomic():
        locked = H.objects.select_for_update().get(pk=hold.pk)
        if locked.removed_on is not None:
            raise ConflictError("disclosure_hold.removed", _("该不予公示标注已撤销。"), hold=hold.pk)
        locked.removed_on = removed_on
        locked.removed_by = actor if getattr(actor, "pk", None) else None
        locked.removal_note = removal_note.strip()
        locked.save(update_fields=["removed_on", "removed_by", "removal_note", "updated_at"])
        audit.record(
            actor=actor,
            action="disclosure_hold_remove",
            object_type="disclosure_hold",
            object_id=locked.pk,
            changes=_changes(locked, active=False),
        )
    return locked
