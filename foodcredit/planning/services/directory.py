"""The inspector directory's planning data: qualified sectors, availability, conflicts of interest (回避)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.inspections.models import Inspector
from foodcredit.operators.models import Operator

from .. import rules
from ..models import (
    InspectorConflict,
    InspectorProfile,
)


def inspector_profile_set(*, inspector: Inspector, sectors: list[str], available: bool, actor: Any) -> InspectorProfile:
    """Set the sectors an inspector is qualified for and whether it can be drawn."""
    unknown = sorted(set(sectors) - set(rules.SECTORS))
    if unknown:
        raise DomainError(
            "planning.bad_sector",
            _("未知的业态") % {"sectors": ", ".join(unknown)},
            sectors=unknown,
        )
    with transaction.atomic():
        profile, created = InspectorProfile.objects.select_for_update().get_or_create(inspector=inspector)
        before = {} if created else {"sectors": profile.sectors, "available": profile.available}
        profile.sectors = sorted(set(sectors))
        profile.available = available
        profile.full_clean()
        profile.save()
        audit.record(
            actor=actor,
            action="create" if created else "update",
            object_type="inspector_profile",
            object_id=profile.pk,
            changes=audit.diff(before, {"sectors": profile.sectors, "available": profile.available}),
        )
    return profile


def inspector_conflict_declare(
    *, inspector: Inspector, operator: Operator, kind: str, note: str = "", actor: Any
) -> InspectorConflict:
    """Declare a conflict of interest (回避): the inspector is never drawn for this operator from now on."""
    with transaction.atomic():
        if InspectorConflict.objects.filter(inspector=inspector, operator=operator).exists():
            raise ConflictError("planning.conflict_exists", _("该回避申报已存在"))
        conflict = InspectorConflict(inspector=inspector, operator=operator, kind=kind, note=note)
        conflict.full_clean()
        conflict.save()
        audit.record(
            actor=actor,
            action="create",
            object_type="inspector_conflict",
            object_id=conflict.pk,
            changes={"inspector": [None, inspector.pk], "operator": [None, operator.pk], "kind": [None, kind]},
        )
    return conflict


def inspector_conflict_withdraw(*, conflict: InspectorConflict, reason: str, actor: Any) -> None:
    """Withdraw a declared conflict of interest (declared by mistake, or the relation has ended), with a reason."""
    if not reason.strip():
        raise DomainError("planning.reason_required", _("须说明撤回理由"))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="delete",
            object_type="inspector_conflict",
            object_id=conflict.pk,
            changes={
                "inspector": [conflict.inspector_id, None],
                "operator": [conflict.operator_id, None],
                "kind": [conflict.kind, None],
                "reason": [None, reason],
            },
        )
        conflict.delete()
