"""Import API: POST /api/v1/imports/{kind} with JSON records; GET /api/v1/imports/{id}."""

import contextlib

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from foodcredit.accounts import permissions, roles
from foodcredit.core.errors import DomainError

from . import selectors, services
from .models import ImportJob, RecordKind
from .schemas import ImportIn, ImportJobOut

router = Router(tags=["imports 数据归集"])


@router.get("/{int:job_id}", response=ImportJobOut, operation_id="import_job_get")
def import_job_get(request: HttpRequest, job_id: int) -> dict:
    """An import job's counts, progress and (first) errors."""
    return selectors.job_out(selectors.job_get(job_id=job_id, for_user=request.user))


# Declared after the job's GET: "/{kind}" would otherwise take a job id and answer 405 to a GET.
@router.post(
    "/{kind}", response={200: ImportJobOut, 201: ImportJobOut, 400: ImportJobOut}, operation_id="import_records"
)
def import_records(request: HttpRequest, kind: str, payload: ImportIn) -> Status:
    """Import records of one kind from a registered source; all-or-nothing unless skip_bad_rows. Each record must be
    in the caller's scope and of a kind its department and the source may write (DOMAIN.md Part I §5)."""
    user = request.user
    if kind not in RecordKind.values:
        raise DomainError("import.bad_kind", _("未知的记录类型：%(kind)s") % {"kind": kind}, kind=kind)
    if not roles.can_import(user):  # type: ignore[arg-type]
        # A role that imports nothing: the refusal is audited, the door stays out of sight (404).
        with contextlib.suppress(permissions.WriteRefusedError):
            permissions.record_write_check(user=user, kind=kind, operator_street=None, rows_follow=True)  # type: ignore[arg-type]
        raise Http404
    job, ran = services.import_json(
        kind=kind, source_name=payload.source, records=payload.records, skip_bad_rows=payload.skip_bad_rows, actor=user
    )
    status = 400 if job.status == ImportJob.Status.FAILED else (201 if ran else 200)
    return Status(status, selectors.job_out(job, repeated=not ran))
