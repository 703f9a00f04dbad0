"""The audit trail of a planning object, shown on its page (the caller has already fetched the object in scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from foodcredit.core.models import AuditEvent

TRAIL_ROWS = 50


def audit_trail(*, object_type: str, object_id: int, limit: int = TRAIL_ROWS) -> QuerySet[AuditEvent]:
    """The latest audit rows of one object, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-occurred_at", "-pk")[
        :limit
    ]
