"""Reads for import jobs and the review queue, scoped to the caller."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from foodcredit.accounts import roles

from .models import ImportJob, PendingRecord


def job_list(*, for_user: Any) -> QuerySet[ImportJob]:
    """Jobs the caller may see: importers see their department's sources' jobs; regulators see all."""
    if not roles.can_import(for_user):
        return ImportJob.objects.none()
    qs = ImportJob.objects.select_related("source", "created_by").order_by("-id")
    if for_user.role == for_user.Role.OTHER_DEPARTMENT:
        qs = qs.filter(created_by=for_user)
    return qs


def job_get(*, job_id: int, for_user: Any) -> ImportJob:
    """One job in the caller's scope, else 404."""
    job = job_list(for_user=for_user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def pending_list(*, for_user: Any, status: str = PendingRecord.Status.WAITING) -> QuerySet[PendingRecord]:
    """The review queue: records waiting for their operator."""
    if not roles.can_review_queue(for_user):
        return PendingRecord.objects.none()
    return PendingRecord.objects.filter(status=status).select_related("source", "job").order_by("-id")


def pending_get(*, pending_id: int, for_user: Any) -> PendingRecord:
    item = pending_list(for_user=for_user).filter(pk=pending_id).first()
    if item is None:
        raise Http404
    return item


def job_out(job: ImportJob, *, repeated: bool = False) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "id": job.pk, "kind": job.kind, "source": job.source.name, "status": job.status, "error_code": job.error_code,
        "total_rows": job.total_rows, "new": job.new_count, "updated": job.updated_count,
        "unchanged": job.unchanged_count, "rejected": job.rejected_count, "queued": job.queued_count,
        "attached": job.attached_count, "progress": job.progress, "notices": job.notices, "errors": job.errors[:1000],
        "created_at": job.created_at, "repeated": repeated,
    }  # fmt: skip
