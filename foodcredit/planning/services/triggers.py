"""Triggers (触发式监管): a verified complaint, a failed sample or a class jump creates a targeted task at once."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction

from foodcredit.core import audit
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator

from .. import selectors
from ..models import (
    Task,
    TaskInspector,
    Trigger,
)


def _targeted_inspectors(*, operator: Operator, per_task: int) -> list[int]:
    """Qualified, available, unconflicted inspectors with the fewest open tasks (random among equals)."""
    directory = selectors.inspector_directory_frame()
    qualified = directory.filter(pl.col("sectors").str.split(",").list.contains(operator.sector))
    conflicted = selectors.inspector_conflicts_with(operator_id=operator.pk)
    ids = [i for i in qualified["inspector_id"].to_list() if i not in conflicted]
    if len(ids) < per_task:
        return []
    loads = selectors.inspector_open_loads(inspector_ids=ids)
    tiebreak = {i: secrets.randbits(32) for i in ids}
    return sorted(ids, key=lambda i: (loads[i], tiebreak[i]))[:per_task]


def trigger_create(
    *, operator: Operator, kind: str, occurred_on: date, ref_kind: str, ref_id: int, actor: Any, as_of: date
) -> Trigger:
    """Record a trigger and create its targeted inspection task at once (observation period or not).

    With too few free qualified inspectors the task waits unassigned for a regulator, never with fewer than two.
    """
    with transaction.atomic():
        trigger, created = Trigger.objects.get_or_create(
            ref_kind=ref_kind,
            ref_id=ref_id,
            defaults={"operator": operator, "kind": kind, "occurred_on": occurred_on},
        )
        if not created:
            return trigger
        inspector_ids = _targeted_inspectors(operator=operator, per_task=settings.PLANNING_INSPECTORS_PER_TASK)
        task = Task.objects.create(
            operator=operator,
            kind=Task.Kind.TARGETED,
            risk_class=selectors.risk_class_of(operator_id=operator.pk, as_of=as_of),
            status=Task.Status.ASSIGNED if inspector_ids else Task.Status.UNASSIGNED,
            trigger=trigger,
        )
        TaskInspector.objects.bulk_create([TaskInspector(task=task, inspector_id=i) for i in inspector_ids])
        audit.record(
            actor=actor,
            action="create",
            object_type="trigger",
            object_id=trigger.pk,
            changes={"kind": [None, kind], "operator": [None, operator.pk], "ref": [None, f"{ref_kind}:{ref_id}"]},
        )
        audit.record(
            actor=actor,
            action="create",
            object_type="planning_task",
            object_id=task.pk,
            changes={
                "trigger": [None, trigger.pk],
                "operator": [None, operator.pk],
                "status": [None, task.status],
                "inspectors": [None, inspector_ids],
            },
        )
    return trigger


TRIGGER_KIND_OF_ENTRY = {
    LedgerEntry.Kind.COMPLAINT: Trigger.Kind.COMPLAINT,
    LedgerEntry.Kind.SAMPLING_TEST: Trigger.Kind.SAMPLING,
    LedgerEntry.Kind.CLASS_CHANGE: Trigger.Kind.CLASS_JUMP,
}


def triggers_detect(*, operator_ids: list[int], as_of: date) -> list[Trigger]:
    """Fire the triggers among these operators' recent ledger entries (each entry fires once)."""
    since = as_of - timedelta(days=settings.PLANNING_TRIGGER_LOOKBACK_DAYS)
    fired = []
    for entry in selectors.trigger_candidates(operator_ids=operator_ids, since=since):
        fired.append(
            trigger_create(
                operator=entry.operator,
                kind=TRIGGER_KIND_OF_ENTRY[LedgerEntry.Kind(entry.kind)],
                occurred_on=entry.occurred_on,
                ref_kind="ledger_entry",
                ref_id=entry.pk,
                actor=None,
                as_of=as_of,
            )
        )
    return fired
