"""Reads for import jobs and the review queue, scoped to the caller."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from foodcredit.accounts import permissions, roles
from foodcredit.accounts.models import Department
from foodcredit.core.choice_labels import label
from foodcredit.core.models import Source

from .formats import FORMATS, Column
from .models import ImportJob, PendingRecord, RecordKind, SourceRegistration


def job_list(*, for_user: Any) -> QuerySet[ImportJob]:
    """Jobs the caller may see: district regulators all; other importers (stations, departments) their own — a
    job's rows and errors can be about any street."""
    if not roles.can_import(for_user):
        return ImportJob.objects.none()
    qs = ImportJob.objects.select_related("source", "created_by").order_by("-id")
    if for_user.role != for_user.Role.DISTRICT_REGULATOR:
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


def job_counts(job: ImportJob) -> dict[str, Any]:
    """What a job was and what it did, as the API and the command line's report show it."""
    return {
        "kind": job.kind,
        "source": job.source.name,
        "status": job.status,
        "error_code": job.error_code,
        "total_rows": job.total_rows,
        "new": job.new_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
        "queued": job.queued_count,
        "attached": job.attached_count,
    }


def job_out(job: ImportJob, *, repeated: bool = False) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "id": job.pk,
        **job_counts(job),
        "progress": job.progress,
        "notices": job.notices,
        "errors": job.errors[:1000],
        "created_at": job.created_at,
        "repeated": repeated,
    }


def source_grant(source: Source) -> permissions.SourceGrant:
    """The source as the write check sees it: its registered kinds and the kind of department that owns it."""
    kinds = SourceRegistration.objects.filter(source=source).values_list("kinds", flat=True).first() or []
    department_kind = ""
    if source.department_code:
        # A code that names no department owns the source still: it is then nobody's to use but that code's.
        department_kind = (
            Department.objects.filter(code=source.department_code).values_list("kind", flat=True).first() or "unknown"
        )
    return permissions.SourceGrant(
        name=source.name,
        kinds=frozenset(kinds),
        department_code=source.department_code,
        department_kind=department_kind,
    )


def source_choices(*, for_user: Any) -> list[str]:
    """Registered sources the caller may import through (accounts.permissions): one registered for a kind the caller
    writes, and its own department's system (the bureau's staff: the bureau's systems)."""
    names = []
    for registration in SourceRegistration.objects.select_related("source").order_by("source__name"):
        grant = source_grant(registration.source)
        if any(
            permissions.write_refusal(user=for_user, kind=kind, operator_street=None, source=grant, rows_follow=True)
            is None
            for kind in grant.kinds
        ):
            names.append(registration.source.name)
    return names


def source_list() -> list[dict[str, Any]]:
    """Every registered source: its name, the labels of its kinds and its department's code (the import page)."""
    labels = dict(RecordKind.choices)
    return [
        {
            "name": r.source.name,
            "kinds": [label(labels.get(k, k)) for k in r.kinds],  # in the reader's language
            "department_code": r.source.department_code,
        }
        for r in SourceRegistration.objects.select_related("source").order_by("source__name")
    ]


def exchange_columns() -> list[tuple[str, str, list[Column]]]:
    """The standard exchange format per kind (DOMAIN.md Part I §3): kind, label and its columns, for the page."""
    return [(kind, str(label), list(FORMATS[kind].columns)) for kind, label in RecordKind.choices]
