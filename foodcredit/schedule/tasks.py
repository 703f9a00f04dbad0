"""Celery beat's entry point: each job's crontab calls `job_run_due` with the job's name (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import JobRun


@shared_task(acks_late=True)
def job_run_due(job: str) -> int | None:
    """Run `job` for its latest slot unless that slot already ran; the run's id (None when it had)."""
    run = services.job_run_due(job=job, now=timezone.now(), trigger=JobRun.Trigger.BEAT)
    return run.pk if run else None
