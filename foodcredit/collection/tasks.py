"""Background import jobs. Tasks take ids and call one service (STYLE.md)."""

from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .models import ImportJob


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_run(job_id: int, path: str) -> int:
    """Run an uploaded file's import job, then delete the uploaded file (kept nowhere after the job)."""
    job = ImportJob.objects.select_related("source").get(pk=job_id)
    file_path = Path(path)
    try:
        if job.status in (ImportJob.Status.COMMITTED, ImportJob.Status.FAILED):
            return job.pk  # redelivered after it finished: nothing to do
        actor = get_user_model().objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
        services.job_run(
            job=job,
            load=lambda: services.file_load(job, file_path),
            actor=actor,
        )
    finally:
        file_path.unlink(missing_ok=True)
    return job.pk
