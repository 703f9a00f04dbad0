"""Writes of the schedule: run a job for its slot once, recording start, end, counts or the error."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from foodcredit.core import audit

from . import rules
from .jobs import JOBS
from .models import JobRun

logger = logging.getLogger(__name__)


def job_run(*, job: str, due_at: datetime, trigger: str) -> JobRun | None:
    """Run `job` for the slot `due_at` unless that slot already has a run (None then): the beat task, the in-process
    loop and a redelivered message may all ask for it. The job runs outside a transaction (each service it calls owns
    its own); its outcome is recorded and audited whatever it is, and a failure does not propagate: it is shown."""
    spec = JOBS[job]
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job, due_at=due_at, trigger=trigger, started_at=timezone.now())
    except IntegrityError:
        return None
    try:
        counts = spec.run(timezone.localtime(due_at).date())
    except Exception as exc:
        logger.exception("scheduled job %s for %s failed", job, due_at)
        run.status, run.error = JobRun.Status.FAILED, f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
    else:
        run.status, run.counts = JobRun.Status.DONE, counts
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save(update_fields=["status", "error", "counts", "finished_at"])
        audit.record(
            actor=None,
            action="job_run",
            object_type="job_run",
            object_id=run.pk,
            success=run.status == "done",
            changes={
                "job": [None, job],
                "due_at": [None, due_at],
                "status": [None, run.status],
                "counts": [None, run.counts],
                "error": [None, run.error],
            },
        )
    return run


def job_run_due(*, job: str, now: datetime, trigger: str) -> JobRun | None:
    """Run `job` for its latest slot at or before `now`, if that slot has not run yet."""
    slot = rules.slot_latest(JOBS[job].schedule, timezone.localtime(now))
    if slot is None:
        return None
    return job_run(job=job, due_at=slot, trigger=trigger)


def schedule_tick(*, now: datetime, trigger: str) -> list[JobRun]:
    """One turn of the in-process loop: every job whose latest slot has not run yet runs now (a slot missed while the
    server was down runs once when it comes back; older missed slots are not replayed)."""
    runs = [job_run_due(job=name, now=now, trigger=trigger) for name in JOBS]
    return [run for run in runs if run is not None]
