"""Writing validated rows through the record domains' bulk services, and the review queue of rows whose operator
is not known yet (queued, attached when the operator arrives or by hand)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodcredit.accounts import permissions
from foodcredit.complaints.models import Complaint
from foodcredit.complaints.services import complaint_bulk_upsert
from foodcredit.core import audit
from foodcredit.core.bulk import BulkContext, UpsertResult
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source
from foodcredit.credit.services import entries_announce
from foodcredit.inspections.models import Inspection
from foodcredit.inspections.services import inspection_bulk_upsert
from foodcredit.licences.models import Licence
from foodcredit.licences.services import licence_bulk_upsert
from foodcredit.operators.models import Operator
from foodcredit.operators.services import operator_bulk_upsert
from foodcredit.penalties.models import Penalty
from foodcredit.penalties.services import penalty_bulk_upsert
from foodcredit.sampling.models import SamplingTest
from foodcredit.sampling.services import sampling_bulk_upsert

from .. import selectors
from ..models import ImportJob, PendingRecord, RecordKind
from .jobs import _job_finish
from .sources import _registration_kinds_add, source_get_or_register

WRITERS: dict[str, Callable[..., UpsertResult]] = {
    RecordKind.OPERATORS: operator_bulk_upsert,
    RecordKind.LICENCES: licence_bulk_upsert,
    RecordKind.INSPECTIONS: inspection_bulk_upsert,
    RecordKind.SAMPLING: sampling_bulk_upsert,
    RecordKind.PENALTIES: penalty_bulk_upsert,
    RecordKind.COMPLAINTS: complaint_bulk_upsert,
}


# The identity of a record in its frame (DOMAIN.md Part I §7).
RECORD_KEYS = {
    RecordKind.OPERATORS: "uscc",
    RecordKind.LICENCES: "number",
    RecordKind.INSPECTIONS: "source_id",
    RecordKind.SAMPLING: "source_id",
    RecordKind.PENALTIES: "decision_no",
    RecordKind.COMPLAINTS: "source_id",
}


# Where an existing record is found by its key, to check that its operator too is the writer's (a record re-sent
# with another USCC moves to that operator): model, key column, whether the key is per source.
HELD_BY: dict[str, tuple[type[Any], str, bool]] = {
    RecordKind.LICENCES: (Licence, "number", False),
    RecordKind.INSPECTIONS: (Inspection, "source_ref", True),
    RecordKind.SAMPLING: (SamplingTest, "source_ref", True),
    RecordKind.PENALTIES: (Penalty, "decision_no", False),
    RecordKind.COMPLAINTS: (Complaint, "source_ref", True),
}


@dataclass
class WriteResult:
    """Counts of one write, as shown to the person who imported."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    queued: int = 0
    attached: int = 0
    notices: list[str] = field(default_factory=list)


def _jsonable_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()} for row in frame.to_dicts()]


def _queue_pending(*, kind: str, source: Source, rows: list[dict[str, Any]], job: ImportJob) -> int:
    """Park rows whose operator is unknown in the review queue (one row per record; a re-import refreshes it)."""
    key = RECORD_KEYS[RecordKind(kind)]
    reason = _("统一社会信用代码对应的经营主体尚未归集")
    keys = [str(r[key]) for r in rows]
    existing: dict[str, PendingRecord] = {}
    for i in range(0, len(keys), 500):  # SQLite caps the number of query parameters
        chunk = PendingRecord.objects.filter(kind=kind, source=source, record_key__in=keys[i : i + 500])
        existing.update((p.record_key, p) for p in chunk)
    fresh, stale = [], []
    for row in _jsonable_rows(pl.DataFrame(rows)) if rows else []:
        record_key = str(row[key])
        if record_key in existing:
            pending = existing[record_key]
            pending.values, pending.job, pending.uscc, pending.status = (
                row,
                job,
                row["uscc"],
                PendingRecord.Status.WAITING,
            )
            stale.append(pending)
        else:
            fresh.append(
                PendingRecord(
                    kind=kind,
                    source=source,
                    record_key=record_key,
                    uscc=row["uscc"],
                    values=row,
                    reason=reason,
                    job=job,
                )
            )
    PendingRecord.objects.bulk_create(fresh, batch_size=2000)
    PendingRecord.objects.bulk_update(stale, ["values", "job", "uscc", "status"], batch_size=2000)
    return len(rows)


DATE_FIELDS = {"registered_on", "issued_on", "valid_until", "inspected_on", "sampled_on", "decided_on", "received_on"}


def _values_restored(row: dict[str, Any]) -> dict[str, Any]:
    """A queued row as the writers take it: the penalty writer hands back its queued rows with `kinds` already
    turned into its JSON text, so the queue holds that text (a list of labels is what it needs again)."""
    kinds = row.get("kinds")
    if isinstance(kinds, str) and kinds.startswith("["):
        return {**row, "kinds": json.loads(kinds)}
    return row


def _frame_from_values(rows: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame([_values_restored(r) for r in rows], infer_schema_length=None)
    return frame.with_columns([pl.col(c).str.to_date() for c in frame.columns if c in DATE_FIELDS])


def _attach_pending(*, usccs: list[str], ctx_for: Callable[[Source], BulkContext], job: ImportJob) -> int:
    """Write the queued records of operators that just arrived, in the operator import's transaction."""
    attached = 0
    if not usccs:
        return 0
    groups: dict[tuple[str, int], list[PendingRecord]] = {}
    for i in range(0, len(usccs), 500):  # SQLite caps the number of query parameters
        chunk = usccs[i : i + 500]
        waiting = PendingRecord.objects.filter(status=PendingRecord.Status.WAITING, uscc__in=chunk)
        for p in waiting.select_related("source").order_by("pk"):
            groups.setdefault((p.kind, p.source_id), []).append(p)
    for (kind, _source_id), items in sorted(groups.items()):
        frame = _frame_from_values([p.values for p in items])
        ctx = ctx_for(items[0].source)
        result = WRITERS[kind](frame=frame, ctx=ctx)
        attached += result.new + result.updated + result.unchanged
        PendingRecord.objects.filter(pk__in=[p.pk for p in items]).update(
            status=PendingRecord.Status.ATTACHED, updated_at=ctx.now
        )
        audit.record(
            actor=None,
            action="attach",
            object_type="pending_record",
            object_id=",".join(str(p.pk) for p in items[:50]),
            changes={"count": [None, len(items)], "kind": [None, kind]},
            job_id=job.pk,
        )
    return attached


def _context(*, source: Source, actor: Any, job: ImportJob) -> BulkContext:
    return BulkContext(
        source_id=source.pk,
        source_precedence=source.precedence,
        actor_id=actor.pk if getattr(actor, "pk", None) else None,
        actor_label=audit.actor_label(actor),
        job_id=job.pk,
        request_id=audit.current_request_id.get(),
        now=timezone.now(),
    )


def records_write(
    *,
    kind: str,
    frame: pl.DataFrame,
    source_name: str,
    actor: Any = None,
    job: ImportJob | None = None,
    job_label: str = "",
) -> WriteResult:
    """Write validated, normalized rows of one kind from one source: records, ledger entries, audit, review queue.

    All in one transaction. Used by every import door and by seed_demo (the same bulk path).
    """
    with transaction.atomic():
        source, registered = source_get_or_register(name=source_name, actor=actor)
        # The application's own writers (seed_demo, a task's result) report what they write; import doors have
        # checked the source's registered kinds before they get here.
        _registration_kinds_add(source=source, kinds=[kind], actor=actor)
        own_job = job is None
        if job is None:
            digest = hashlib.sha256(frame.hash_rows().to_numpy().tobytes()).hexdigest()
            job = ImportJob.objects.create(
                kind=kind,
                source=source,
                file_name=job_label,
                file_sha256=digest,
                status=ImportJob.Status.RUNNING,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        ctx = _context(source=source, actor=actor, job=job)
        writer = WRITERS[RecordKind(kind)]
        upsert = writer(frame=frame, ctx=ctx)
        result = WriteResult(new=upsert.new, updated=upsert.updated, unchanged=upsert.unchanged)
        if registered:
            result.notices.append(_("来源系统“%(name)s”首次使用，已按标准格式登记") % {"name": source.name})
        if upsert.queued:
            result.queued = _queue_pending(kind=kind, source=source, rows=upsert.queued, job=job)
        if kind == RecordKind.OPERATORS and (upsert.new or upsert.updated):
            # The queue is small, an operator file can be a million rows: intersect in memory, not with IN (…).
            waiting = set(
                PendingRecord.objects.filter(status=PendingRecord.Status.WAITING).values_list("uscc", flat=True)
            )
            usccs = sorted(waiting & set(frame["uscc"].to_list())) if waiting else []
            result.attached = _attach_pending(
                usccs=usccs, ctx_for=lambda s: _context(source=s, actor=actor, job=job), job=job
            )
        if own_job:
            _job_finish(job=job, result=result, total=frame.height, errors=[])
        entries_announce(operator_ids=upsert.operator_ids, kinds=[kind])
    return result


def _record_holders(*, kind: str, source: Source, keys: list[str]) -> dict[str, tuple[str, str, int]]:
    """Existing records of `kind` among `keys` (their natural key, or this source's id): key → the street and USCC
    of the operator whose file holds each, and the source it came through."""
    if kind not in HELD_BY:
        return {}
    model, column, per_source = HELD_BY[kind]
    holders: dict[str, tuple[str, str, int]] = {}
    for i in range(0, len(keys), 500):  # SQLite caps the number of query parameters
        records = model.objects.filter(**{f"{column}__in": keys[i : i + 500]})
        if per_source:
            records = records.filter(source=source)
        for key, street, uscc, source_id in records.values_list(
            column, "operator__street", "operator__uscc", "source_id"
        ):
            holders[str(key)] = (street, uscc, source_id)
    return holders


def pending_attach(*, pending: PendingRecord, uscc: str, actor: Any) -> WriteResult:
    """Attach a queued record by hand to an operator (a corrected USCC), audited. The write rules apply as to an
    import by `actor` (a station: an operator of its streets; an unknown USCC looks the same to it as one outside
    them), checked and any refusal audited before anything is stored."""
    uscc = uscc.strip().upper()
    street = Operator.objects.filter(uscc=uscc).values_list("street", flat=True).first()
    measures = _values_restored(dict(pending.values)).get("kinds") if pending.kind == RecordKind.PENALTIES else ()
    grant = selectors.source_grant(pending.source)
    permissions.record_write_check(
        user=actor,
        kind=pending.kind,
        operator_street=street,
        operator_uscc=uscc,
        measures=measures or (),
        source=grant,
    )
    holder = _record_holders(kind=pending.kind, source=pending.source, keys=[pending.record_key]).get(
        pending.record_key
    )
    if holder is not None and (holder[1] != uscc or holder[2] != pending.source_id):
        # The record exists on another operator's file or came through another source: the writer must be allowed
        # that operator's record, as that source's, too.
        held_source = selectors.source_grant(Source.objects.get(pk=holder[2]))
        permissions.record_write_check(
            user=actor, kind=pending.kind, operator_street=holder[0], operator_uscc=holder[1], source=held_source
        )
    with transaction.atomic():
        locked = PendingRecord.objects.select_for_update().get(pk=pending.pk)
        if locked.status != PendingRecord.Status.WAITING:
            raise DomainError("pending.not_waiting", _("该记录已处理"), id=pending.pk)
        values = dict(locked.values)
        before = values.get("uscc")
        values["uscc"] = uscc
        result = records_write(
            kind=locked.kind,
            frame=_frame_from_values([values]),
            source_name=locked.source.name,
            actor=actor,
            job=locked.job,
        )
        if result.queued:
            raise DomainError(
                "pending.unknown_operator",
                _("统一社会信用代码 %(uscc)s 仍无对应经营主体") % {"uscc": values["uscc"]},
                uscc=values["uscc"],
            )
        PendingRecord.objects.filter(pk=locked.pk).update(status=PendingRecord.Status.ATTACHED, values=values)
        audit.record(
            actor=actor,
            action="attach",
            object_type="pending_record",
            object_id=locked.pk,
            changes={"uscc": [before, values["uscc"]], "status": ["waiting", "attached"]},
        )
    return result
