"""Audit rows, written by services in the same transaction as the change they describe."""

import contextvars
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from . import masking
from .models import AuditEvent
from .sql import Dialect

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")
# The address of the client whose request is being served (core.middleware.client_address); empty outside requests.
current_client_address: contextvars.ContextVar[str] = contextvars.ContextVar("current_client_address", default="")


def jsonable(value: Any) -> Any:
    """A value as it is written into an audit diff."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}."""
    keys = sorted(set(before) | set(after))
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))]
        for k in keys
        if jsonable(before.get(k)) != jsonable(after.get(k))
    }


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", actor))


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    changes: dict[str, Any] | None = None,
    job_id: int | None = None,
    success: bool = True,
) -> AuditEvent:
    """Write one audit row (the caller owns the transaction): the actor with its role and department as they are at
    the time, and the request's id and client address when a request is being served."""
    user = actor if getattr(actor, "pk", None) and hasattr(actor, "username") else None
    department = getattr(user, "department", None)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=user,
        actor_label=actor_label(actor),
        actor_role=str(getattr(user, "role", "") or ""),
        actor_department=str(getattr(department, "code", "") or ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=masking.mask_values(jsonable(changes or {})),  # no phone or ID number in a diff (SECURITY.md E2)
        request_id=current_request_id.get(),
        client_address=current_client_address.get(),
        job_id=job_id,
        success=success,
    )


def bulk_insert_sql(*, d: Dialect, action: str, object_type: str, object_id: str, changes: str, source: str) -> str:
    """`INSERT … SELECT` of one audit row per row of `source` (a FROM … clause), for set-based writes.

    Arguments are SQL fragments (`d.to_text("t.id")`, a JSON object expression, …). The statement reads the
    parameters %(now)s, %(actor)s, %(label)s, %(rid)s and %(job)s; the caller passes them (job may be None).
    The one place that knows the audit table's columns for bulk paths. The actor's role and department and the client
    address are left to their database defaults (empty): bulk rows name their import job or run instead.
    """
    table = AuditEvent._meta.db_table
    return f"""INSERT INTO {table}
                 (occurred_at, actor_id, actor_label, action, object_type, object_id, changes, request_id, job_id,
                  success)
               SELECT %(now)s, CAST(%(actor)s AS BIGINT), %(label)s, {action}, {object_type}, {object_id}, {changes},
                      %(rid)s, CAST(%(job)s AS BIGINT), {d.true}
               {source}"""
