"""The one import pipeline of the three doors (CLI, upload page, API): read, validate, check each row against the
write rules, write all-or-nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source
from foodcredit.operators.models import Operator, UsccException

from .. import readers, selectors, validate
from ..formats import FORMATS
from ..models import ImportJob, RecordKind
from .jobs import Progress, _job_fail, _job_finish, _job_stage, _no_progress, file_sha256, job_create
from .records import RECORD_KEYS, _record_holders, records_write
from .sources import mapping_current


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
        "_row",
        "uscc",
        *([key_field] if key_field != "uscc" else []),
        *(["street"] if kind == RecordKind.OPERATORS else []),
        *(["kinds"] if kind == RecordKind.PENALTIES else []),
    ).iter_rows(named=True):
        registered = streets.get(row["uscc"])
        if kind == RecordKind.OPERATORS:
            street, moves_to = (registered, row["street"]) if registered is not None else (row["street"], None)
        else:
            street, moves_to = registered, None
        measures = tuple(sorted(row.get("kinds") or ()))
        key = (street, moves_to, measures, row["uscc"] if rule.scope == "own_operators" else None)
        if key not in decided:
            decided[key] = permissions.write_refusal(
                user=actor,
                kind=kind,
                operator_street=street,
                operator_uscc=row["uscc"],
                moves_to=moves_to,
                measures=measures,
                source=grant,
            )
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
            errors.append(
                {
                    "file": file_name,
                    "row": row["_row"],
                    "column": columns.get(field),
                    "field": field,
                    "value": value,
                    "code": refusal.code,
                    "reason": str(refusal.message),
                }
            )
    return errors


def _scope_refusal_audit(*, job: ImportJob, actor: Any, errors: list[dict[str, Any]]) -> None:
    """One audit row for the rows refused by the write rules of a job (their rows and codes, the first 50)."""
    audit.record(
        actor=actor,
        action="refused",
        object_type=job.kind,
        object_id=f"import_job:{job.pk}",
        job_id=job.pk,
        changes={
            "code": [None, sorted({e["code"] for e in errors})],
            "rows": [None, [e["row"] for e in errors[:50]]],
            "count": [None, len(errors)],
            "reason": [None, errors[0]["reason"]],
            "source": [None, job.source.name],
        },
        success=False,
    )


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
            raw,
            kind=job.kind,
            file_name=job.file_name,
            mapping_columns=mapping.columns,
            mapping_values=mapping.values,
            uscc_exceptions=frozenset(UsccException.objects.values_list("uscc", flat=True)),
        )
    except DomainError as exc:
        error = {
            "file": job.file_name,
            "row": None,
            "column": exc.context.get("column", ""),
            "field": "",
            "value": exc.context.get("value", ""),
            "code": exc.code,
            "reason": str(exc.message),
        }
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
    *,
    kind: str,
    source_name: str,
    path: Path,
    file_name: str,
    skip_bad_rows: bool,
    actor: Any,
    max_bytes: int | None = None,
    progress: Progress = _no_progress,
    register_source: bool = False,
) -> tuple[ImportJob, bool]:
    """Import one file; returns (job, ran). A file imported before returns its earlier job without running."""
    job, created = job_create(
        kind=kind,
        source_name=source_name,
        file_name=file_name,
        sha256=file_sha256(path),
        skip_bad_rows=skip_bad_rows,
        actor=actor,
        register_source=register_source,
    )
    if not created:
        return job, False
    job_run(job=job, load=lambda: file_load(job, path, max_bytes=max_bytes), actor=actor, progress=progress)
    return job, True


def import_json(
    *, kind: str, source_name: str, records: list[dict[str, Any]], skip_bad_rows: bool, actor: Any
) -> tuple[ImportJob, bool]:
    """Import records posted as JSON with the English field names (the API door)."""
    body = json.dumps(records, ensure_ascii=False, sort_keys=True, default=str).encode()
    job, created = job_create(
        kind=kind,
        source_name=source_name,
        file_name="api",
        sha256=hashlib.sha256(body).hexdigest(),
        skip_bad_rows=skip_bad_rows,
        actor=actor,
    )
    if not created:
        return job, False
    job_run(job=job, load=lambda: readers.read_json_records(records, kind), actor=actor)
    return job, True
