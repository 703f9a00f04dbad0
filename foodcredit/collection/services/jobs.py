"""Import jobs: creation (a file imported before hands back its earlier job), stages, error reports, finish
and failure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source

from .. import selectors
from ..models import ImportJob, RecordKind
from .sources import mapping_current, source_register, source_registered

if TYPE_CHECKING:
    from .records import WriteResult

Progress = Callable[[str, int], None]
ERRORS_KEPT_IN_DB = 10_000


def _no_progress(stage: str, percent: int) -> None:
    return None


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


def _job_close(
    *, job: ImportJob, status: str, stage: str, errors: list[dict[str, Any]], changes: dict[str, Any], success: bool
) -> None:
    """Close a job with its outcome: the errors kept (the first ERRORS_KEPT_IN_DB in the database, every one in the
    report file), saved, and audited in the caller's transaction."""
    job.status = status
    job.progress = 100
    job.stage = stage
    job.errors = errors[:ERRORS_KEPT_IN_DB]
    if errors:
        _report_write(job, errors)
    job.finished_at = timezone.now()
    job.save()
    audit.record(
        actor=job.created_by,
        action="import",
        object_type="import_job",
        object_id=job.pk,
        job_id=job.pk,
        changes={"status": [ImportJob.Status.RUNNING, status], **changes},
        success=success,
    )


def _job_finish(*, job: ImportJob, result: WriteResult, total: int, errors: list[dict[str, Any]]) -> None:
    job.total_rows = total
    job.new_count, job.updated_count, job.unchanged_count = result.new, result.updated, result.unchanged
    job.queued_count, job.attached_count = result.queued, result.attached
    job.rejected_count = len({e["row"] for e in errors})
    job.notices = [*job.notices, *(str(n) for n in result.notices)]
    _job_close(
        job=job,
        status=ImportJob.Status.COMMITTED,
        stage="done",
        errors=errors,
        changes={"new": [None, result.new], "updated": [None, result.updated], "rejected": [None, job.rejected_count]},
        success=True,
    )


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def job_create(
    *,
    kind: str,
    source_name: str,
    file_name: str,
    sha256: str,
    skip_bad_rows: bool,
    actor: Any,
    register_source: bool = False,
) -> tuple[ImportJob, bool]:
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
            kind=kind,
            source=source,
            file_name=file_name,
            file_sha256=sha256,
            skip_bad_rows=skip_bad_rows,
            mapping=mapping_current(source=source, kind=kind, actor=actor),
            created_by=created_by,
            notices=[str(n) for n in notices],
        )
        audit.record(
            actor=actor,
            action="create",
            object_type="import_job",
            object_id=job.pk,
            job_id=job.pk,
            changes={"kind": [None, kind], "file_name": [None, file_name]},
        )
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


def _job_fail(*, job: ImportJob, code: str, errors: list[dict[str, Any]], total: int = 0) -> None:
    job.error_code = code
    job.total_rows = total
    job.rejected_count = len({e.get("row") for e in errors if e.get("row") is not None})
    _job_close(
        job=job,
        status=ImportJob.Status.FAILED,
        stage="failed",
        errors=errors,
        changes={"error_code": [None, code]},
        success=False,
    )


def _job_stage(job: ImportJob, stage: str, percent: int, progress: Progress) -> None:
    ImportJob.objects.filter(pk=job.pk).update(stage=stage, progress=percent)
    progress(stage, percent)
