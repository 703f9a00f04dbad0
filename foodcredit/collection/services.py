"""Data collection (归集): import jobs that read, validate and write records all-or-nothing.

Three doors (CLI, upload page, API) share this one pipeline. Writing is set-based through each record domain's
bulk service; ledger entries and audit rows are written in the same transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
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
from foodcredit.operators.models import Operator, UsccException
from foodcredit.operators.services import operator_bulk_upsert
from foodcredit.penalties.models import Penalty
from foodcredit.penalties.services import penalty_bulk_upsert
from foodcredit.sampling.models import SamplingTest
from foodcredit.sampling.services import sampling_bulk_upsert

from . import readers, selectors, validate
from .formats import FORMATS
from .models import ImportJob, PendingRecord, RecordKind, SourceMapping, SourceRegistration

Progress = Callable[[str, int], None]
ERRORS_KEPT_IN_DB = 10_000

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


def _no_progress(stage: str, percent: int) -> None:
    return None


def source_get_or_register(*, name: str, actor: Any) -> tuple[Source, bool]:
    """The named source; an unknown name is registered on first use with the standard mapping (the server's
    operator's command line and the application's own writers; people choose a registered source)."""
    name = name.strip()
    if not name:
        raise DomainError("import.source_required", _("请指定来源系统"))
    source = Source.objects.filter(name=name).first()
    if source is not None:
        return source, False
    source = Source(name=name, registered_automatically=True)
    source.full_clean()
    source.save()
    audit.record(
        actor=actor, action="create", object_type="source", object_id=source.pk, changes={"name": [None, name]}
    )
    return source, True


def _registration_kinds_add(*, source: Source, kinds: list[str], actor: Any) -> SourceRegistration:
    """Add `kinds` to the source's registration (created if missing), audited when anything changes."""
    registration = SourceRegistration.objects.select_for_update().filter(source=source).first()
    before = sorted(registration.kinds) if registration else []
    after = sorted(set(before) | set(kinds))
    if registration is None:
        registration = SourceRegistration(
            source=source, kinds=after, registered_by=actor if getattr(actor, "pk", None) else None
        )
    if registration.pk is None or after != before:
        registration.kinds = after
        registration.full_clean()
        registration.save()
        audit.record(
            actor=actor, action="register", object_type="source", object_id=source.pk,
            changes={"name": [None, source.name], "kinds": [before, after]},
        )  # fmt: skip
    return registration


def source_register(*, name: str, kinds: list[str], department_code: str = "", actor: Any) -> Source:
    """Register a source system for collection with the record kinds it reports, or add kinds to a registered one:
    an explicit, audited step (DOMAIN.md Part I §5) of a district regulator or the server's operator (actor None).
    `department_code`: the department the source belongs to (another department's system)."""
    name = name.strip()
    unknown = sorted(set(kinds) - set(RecordKind.values))
    if not name:
        raise DomainError("import.source_required", _("请指定来源系统"))
    if not kinds or unknown:
        raise DomainError(
            "import.bad_kind",
            _("未知的记录类型 %(kind)s，可选：%(allowed)s")
            % {"kind": ", ".join(unknown), "allowed": ", ".join(RecordKind.values)},
            kind=", ".join(unknown),
        )
    if actor is not None and getattr(actor, "role", None) != permissions.R.DISTRICT_REGULATOR:
        refusal = permissions.Refusal("scope.source_register_not_allowed", _("只有区级监管人员可以登记来源系统"), 403)
        permissions.refusal_audit(user=actor, refusal=refusal, kind="source", object_id=name)
        raise permissions.WriteRefusedError(refusal, source=name)
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(name=name).first()
        if source is None:
            source = Source(name=name, department_code=department_code.strip())
            source.full_clean()
            source.save()
            audit.record(
                actor=actor, action="create", object_type="source", object_id=source.pk,
                changes={"name": [None, name], "department_code": [None, source.department_code]},
            )  # fmt: skip
        elif department_code.strip() and department_code.strip() != source.department_code:
            before = source.department_code
            source.department_code = department_code.strip()
            source.save(update_fields=["department_code", "updated_at"])
            audit.record(
                actor=actor, action="update", object_type="source", object_id=source.pk,
                changes={"department_code": [before, source.department_code]},
            )  # fmt: skip
        _registration_kinds_add(source=source, kinds=kinds, actor=actor)
    return source


def mapping_current(*, source: Source, kind: str, actor: Any) -> SourceMapping:
    """The newest mapping of the source for this kind; version 1 (the standard format) if there is none."""
    mapping = SourceMapping.objects.filter(source=source, kind=kind).order_by("-version").first()
    if mapping is None:
        mapping = SourceMapping.objects.create(source=source, kind=kind, version=1, columns={}, values={})
        audit.record(
            actor=actor, action="create", object_type="source_mapping", object_id=mapping.pk,
            changes={"source": [None, source.name], "kind": [None, kind], "version": [None, 1]},
        )  # fmt: skip
    return mapping


def mapping_save(
    *, source: Source, kind: str, columns: dict[str, str], values: dict[str, Any], actor: Any
) -> SourceMapping:
    """A new version of a source's mapping (older versions are kept for the jobs that used them)."""
    with transaction.atomic():
        current = (
            SourceMapping.objects.select_for_update().filter(source=source, kind=kind).order_by("-version").first()
        )
        mapping = SourceMapping.objects.create(
            source=source, kind=kind, version=(current.version + 1 if current else 1), columns=columns, values=values,
            created_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        audit.record(
            actor=actor, action="create", object_type="source_mapping", object_id=mapping.pk,
            changes={"version": [current.version if current else None, mapping.version], "columns": [None, columns]},
        )  # fmt: skip
    return mapping


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
                PendingRecord(kind=kind, source=source, record_key=record_key, uscc=row["uscc"], values=row,
                              reason=reason, job=job)
            )  # fmt: skip
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
            actor=None, action="attach", object_type="pending_record", object_id=",".join(str(p.pk) for p in items[:50]),
            changes={"count": [None, len(items)], "kind": [None, kind]}, job_id=job.pk,
        )  # fmt: skip
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
                kind=kind, source=source, file_name=job_label, file_sha256=digest, status=ImportJob.Status.RUNNING,
                created_by=actor if getattr(actor, "pk", None) else None,
            )  # fmt: skip
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


def report_path(job: ImportJob) -> Path:
    """Where the full error report of a job is kept (the database keeps the first ERRORS_KEPT_IN_DB)."""
    return Path(settings.VAR_DIR) / "import-reports" / f"job-{job.pk}.json"


def _report_write(job: ImportJob, errors: list[dict[str, Any]]) -> None:
    path = report_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"job": job.pk, "errors": errors}, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def report_errors(job: ImportJob) -> list[dict[str, Any]]:
    """Every rejected row of a job (from the report file; the database copy may be truncated)."""
    path = report_path(job)
    if path.exists():
        return list(json.loads(path.read_text(encoding="utf-8"))["errors"])
    return list(job.errors)


def _job_finish(*, job: ImportJob, result: WriteResult, total: int, errors: list[dict[str, Any]]) -> None:
    job.status = ImportJob.Status.COMMITTED
    job.progress = 100
    job.stage = "done"
    job.total_rows = total
    job.new_count, job.updated_count, job.unchanged_count = result.new, result.updated, result.unchanged
    job.queued_count, job.attached_count = result.queued, result.attached
    job.rejected_count = len({e["row"] for e in errors})
    job.errors = errors[:ERRORS_KEPT_IN_DB]
    if errors:
        _report_write(job, errors)
    job.notices = [*job.notices, *(str(n) for n in result.notices)]
    job.finished_at = timezone.now()
    job.save()
    audit.record(
        actor=job.created_by, action="import", object_type="import_job", object_id=job.pk, job_id=job.pk,
        changes={
            "status": [ImportJob.Status.RUNNING, job.status], "new": [None, result.new],
            "updated": [None, result.updated], "rejected": [None, job.rejected_count],
        },
    )  # fmt: skip


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def job_create(
    *, kind: str, source_name: str, file_name: str, sha256: str, skip_bad_rows: bool, actor: Any,
    register_source: bool = False,
) -> tuple[ImportJob, bool]:  # fmt: skip
    """A new import job, or the caller's own earlier finished job for the same content (then `created` is False).

    The source must be registered for `kind` and usable by the caller (accounts.permissions, checked and audited
    here before anything is stored); `register_source` (the server's command line only) registers an unknown
    source for `kind` on first use and says so in the job's notices. The content's earlier job is looked up per
    user: another user's import of the same file is that user's own job, checked against that user's scope.
    """
    if kind not in RecordKind.values:
        raise DomainError(
            "import.bad_kind",
            _("未知的记录类型 %(kind)s，可选：%(allowed)s") % {"kind": kind, "allowed": ", ".join(RecordKind.values)},
            kind=kind,
        )
    notices: list[str] = []
    if register_source and not Source.objects.filter(name=source_name.strip()).exists():
        source_register(name=source_name, kinds=[kind], actor=actor)
        notices.append(
            _("来源系统“%(name)s”首次使用，已登记为可报送“%(kind)s”并采用标准格式")
            % {"name": source_name.strip(), "kind": RecordKind(kind).label}
        )
    source = import_door_check(user=actor, kind=kind, source_name=source_name)
    created_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        earlier = (
            ImportJob.objects.filter(kind=kind, source=source, file_sha256=sha256, skip_bad_rows=skip_bad_rows)
            .filter(created_by=created_by)
            .filter(status__in=[ImportJob.Status.COMMITTED, ImportJob.Status.FAILED])
            .exclude(error_code__startswith="scope.")
            .order_by("-id")
            .first()
        )
        if earlier is not None:
            return earlier, False
        job = ImportJob.objects.create(
            kind=kind, source=source, file_name=file_name, file_sha256=sha256, skip_bad_rows=skip_bad_rows,
            mapping=mapping_current(source=source, kind=kind, actor=actor), created_by=created_by,
            notices=[str(n) for n in notices],
        )  # fmt: skip
        audit.record(actor=actor, action="create", object_type="import_job", object_id=job.pk, job_id=job.pk,
                     changes={"kind": [None, kind], "file_name": [None, file_name]})  # fmt: skip
    return job, True


def import_door_check(*, user: Any, kind: str, source_name: str) -> Source:
    """An import door's first check, before anything is stored: the source is registered, registered for `kind`,
    and the caller (None: the server's operator) may report `kind` through it. Refusals are audited
    (accounts.permissions); each record is checked with its operator when the job runs."""
    source = source_registered(name=source_name)
    permissions.record_write_check(
        user=user, kind=kind, operator_street=None, source=selectors.source_grant(source), rows_follow=True
    )
    return source


def source_registered(*, name: str) -> Source:
    """A registered source by name; people choose one, they never create one by typing it."""
    source = Source.objects.filter(name=name.strip()).first() if name.strip() else None
    if source is None:
        raise DomainError(
            "import.unknown_source",
            _("来源系统“%(name)s”尚未登记，请从已登记的来源系统中选择，或由区级监管人员先行登记")
            % {"name": name.strip()},
            source=name.strip(),
        )
    return source


def _scope_errors(
    *, kind: str, frame: pl.DataFrame, actor: Any, source: Source, file_name: str
) -> list[dict[str, Any]]:
    """Row errors for the records `actor` may not write (accounts.permissions, row by row): an operator outside its
    scope, a measure it may not take, a street move it may not make. One check per distinct combination of the
    values the rules read (a district's million rows are a handful of combinations)."""
    rule = permissions.write_rule(actor)
    if rule.scope == "district" and rule.reserved_measures and rule.moves_street:
        return []
    grant = selectors.source_grant(source)
    usccs = frame["uscc"].unique().to_list()
    streets: dict[str, str] = {}
    for i in range(0, len(usccs), 500):  # SQLite caps the number of query parameters
        streets.update(Operator.objects.filter(uscc__in=usccs[i : i + 500]).values_list("uscc", "street"))
    columns = {c.field: c.header for c in FORMATS[kind].columns}
    key_field = RECORD_KEYS[RecordKind(kind)]
    holders = _record_holders(kind=kind, source=source, keys=frame[key_field].cast(pl.String).unique().to_list())
    decided: dict[tuple[Any, ...], permissions.Refusal | None] = {}
    grants = {source.pk: grant}
    errors = []
    for row in frame.select(
        "_row", "uscc", *([key_field] if key_field != "uscc" else []),
        *(["street"] if kind == RecordKind.OPERATORS else []), *(["kinds"] if kind == RecordKind.PENALTIES else []),
    ).iter_rows(named=True):  # fmt: skip
        registered = streets.get(row["uscc"])
        if kind == RecordKind.OPERATORS:
            street, moves_to = (registered, row["street"]) if registered is not None else (row["street"], None)
        else:
            street, moves_to = registered, None
        measures = tuple(sorted(row.get("kinds") or ()))
        key = (street, moves_to, measures, row["uscc"] if rule.scope == "own_operators" else None)
        if key not in decided:
            decided[key] = permissions.write_refusal(
                user=actor, kind=kind, operator_street=street, operator_uscc=row["uscc"], moves_to=moves_to,
                measures=measures, source=grant,
            )  # fmt: skip
        refusal = decided[key]
        holder = holders.get(str(row[key_field]))
        if refusal is None and holder is not None and (holder[1] != row["uscc"] or holder[2] != source.pk):
            # The record exists on another operator's file, or came through another source: re-sending it writes
            # that operator's record, as that source's record — the writer must be allowed both.
            held = (holder[0], holder[2], "held", holder[1] if rule.scope == "own_operators" else None)
            if held not in decided:
                if holder[2] not in grants:
                    grants[holder[2]] = selectors.source_grant(Source.objects.get(pk=holder[2]))
                decided[held] = permissions.write_refusal(
                    user=actor, kind=kind, operator_street=holder[0], operator_uscc=holder[1], source=grants[holder[2]]
                )
            refusal = decided[held]
            if refusal is not None:
                refusal = dataclasses.replace(refusal, field=key_field)
        if refusal is not None:
            field = refusal.field or "uscc"
            value = row.get(field) if field != "kinds" else "、".join(measures)
            errors.append({"file": file_name, "row": row["_row"], "column": columns.get(field), "field": field,
                           "value": value, "code": refusal.code, "reason": str(refusal.message)})  # fmt: skip
    return errors


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


def _scope_refusal_audit(*, job: ImportJob, actor: Any, errors: list[dict[str, Any]]) -> None:
    """One audit row for the rows refused by the write rules of a job (their rows and codes, the first 50)."""
    audit.record(
        actor=actor, action="refused", object_type=job.kind, object_id=f"import_job:{job.pk}", job_id=job.pk,
        changes={
            "code": [None, sorted({e["code"] for e in errors})], "rows": [None, [e["row"] for e in errors[:50]]],
            "count": [None, len(errors)], "reason": [None, errors[0]["reason"]], "source": [None, job.source.name],
        },
        success=False,
    )  # fmt: skip


def _job_fail(*, job: ImportJob, code: str, errors: list[dict[str, Any]], total: int = 0) -> None:
    job.status = ImportJob.Status.FAILED
    job.error_code = code
    job.errors = errors[:ERRORS_KEPT_IN_DB]
    _report_write(job, errors)
    job.total_rows = total
    job.rejected_count = len({e.get("row") for e in errors if e.get("row") is not None})
    job.progress = 100
    job.stage = "failed"
    job.finished_at = timezone.now()
    job.save()
    audit.record(actor=job.created_by, action="import", object_type="import_job", object_id=job.pk, job_id=job.pk,
                 changes={"status": [ImportJob.Status.RUNNING, job.status], "error_code": [None, code]},
                 success=False)  # fmt: skip


def _job_stage(job: ImportJob, stage: str, percent: int, progress: Progress) -> None:
    ImportJob.objects.filter(pk=job.pk).update(stage=stage, progress=percent)
    progress(stage, percent)


def job_run(
    *,
    job: ImportJob,
    load: Callable[[], readers.RawTable],
    actor: Any = None,
    progress: Progress = _no_progress,
) -> ImportJob:
    """Read, validate and write one job. Any bad row without skip_bad_rows: nothing is written."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, stage="read", progress=0)
    job.refresh_from_db()
    mapping = job.mapping or mapping_current(source=job.source, kind=job.kind, actor=actor)
    try:
        _job_stage(job, "read", 5, progress)
        raw = load()
        _job_stage(job, "validate", 30, progress)
        checked = validate.validate(
            raw, kind=job.kind, file_name=job.file_name, mapping_columns=mapping.columns,
            mapping_values=mapping.values,
            uscc_exceptions=frozenset(UsccException.objects.values_list("uscc", flat=True)),
        )  # fmt: skip
    except DomainError as exc:
        error = {"file": job.file_name, "row": None, "column": exc.context.get("column", ""), "field": "",
                 "value": exc.context.get("value", ""), "code": exc.code, "reason": str(exc.message)}  # fmt: skip
        _job_fail(job=job, code=exc.code, errors=[error])
        return job
    total = raw.frame.height
    good = checked.good
    refused = _scope_errors(kind=job.kind, frame=good, actor=actor, source=job.source, file_name=job.file_name)
    if refused:
        _scope_refusal_audit(job=job, actor=actor, errors=refused)
        good = good.filter(~pl.col("_row").is_in([e["row"] for e in refused]))
    errors = sorted(checked.errors + refused, key=lambda e: e.get("row") or 0)
    if errors and not job.skip_bad_rows:
        # A job refused by the write rules keeps a scope.* code: it may run once the caller's scope allows it, so
        # job_create does not hand it back as "imported before".
        code = refused[0]["code"] if refused else "import.rows_rejected"
        _job_fail(job=job, code=code, errors=errors, total=total)
        return job
    _job_stage(job, "write", 60, progress)
    with transaction.atomic():
        result = records_write(kind=job.kind, frame=good, source_name=job.source.name, actor=actor, job=job)
        result.notices.extend(str(w.get("reason", w)) for w in checked.warnings[:100])
        _job_finish(job=job, result=result, total=total, errors=errors)
    progress("done", 100)
    return job


def file_load(job: ImportJob, path: Path, *, max_bytes: int | None = None) -> readers.RawTable:
    """Read a job's file; the source's mapped headers help find the header row under title rows."""
    source_headers = tuple(job.mapping.columns) if job.mapping else ()
    return readers.read_table(path, file_name=job.file_name, max_bytes=max_bytes, source_headers=source_headers)


def import_file(
    *, kind: str, source_name: str, path: Path, file_name: str, skip_bad_rows: bool, actor: Any,
    max_bytes: int | None = None, progress: Progress = _no_progress, register_source: bool = False,
) -> tuple[ImportJob, bool]:  # fmt: skip
    """Import one file; returns (job, ran). A file imported before returns its earlier job without running."""
    job, created = job_create(kind=kind, source_name=source_name, file_name=file_name, sha256=file_sha256(path),
                              skip_bad_rows=skip_bad_rows, actor=actor, register_source=register_source)  # fmt: skip
    if not created:
        return job, False
    job_run(job=job, load=lambda: file_load(job, path, max_bytes=max_bytes), actor=actor,
            progress=progress)  # fmt: skip
    return job, True


def import_json(
    *, kind: str, source_name: str, records: list[dict[str, Any]], skip_bad_rows: bool, actor: Any
) -> tuple[ImportJob, bool]:
    """Import records posted as JSON with the English field names (the API door)."""
    body = json.dumps(records, ensure_ascii=False, sort_keys=True, default=str).encode()
    job, created = job_create(kind=kind, source_name=source_name, file_name="api", sha256=hashlib.sha256(body).hexdigest(),
                              skip_bad_rows=skip_bad_rows, actor=actor)  # fmt: skip
    if not created:
        return job, False
    job_run(job=job, load=lambda: readers.read_json_records(records, kind), actor=actor)
    return job, True


def pending_attach(*, pending: PendingRecord, uscc: str, actor: Any) -> WriteResult:
    """Attach a queued record by hand to an operator (a corrected USCC), audited. The write rules apply as to an
    import by `actor` (a station: an operator of its streets; an unknown USCC looks the same to it as one outside
    them), checked and any refusal audited before anything is stored."""
    uscc = uscc.strip().upper()
    street = Operator.objects.filter(uscc=uscc).values_list("street", flat=True).first()
    measures = _values_restored(dict(pending.values)).get("kinds") if pending.kind == RecordKind.PENALTIES else ()
    grant = selectors.source_grant(pending.source)
    permissions.record_write_check(
        user=actor, kind=pending.kind, operator_street=street, operator_uscc=uscc, measures=measures or (),
        source=grant,
    )  # fmt: skip
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
        result = records_write(kind=locked.kind, frame=_frame_from_values([values]), source_name=locked.source.name,
                               actor=actor, job=locked.job)  # fmt: skip
        if result.queued:
            raise DomainError("pending.unknown_operator", _("统一社会信用代码 %(uscc)s 仍无对应经营主体")
                              % {"uscc": values["uscc"]}, uscc=values["uscc"])  # fmt: skip
        PendingRecord.objects.filter(pk=locked.pk).update(status=PendingRecord.Status.ATTACHED, values=values)
        audit.record(actor=actor, action="attach", object_type="pending_record", object_id=locked.pk,
                     changes={"uscc": [before, values["uscc"]], "status": ["waiting", "attached"]})  # fmt: skip
    return result
