"""Reads of the schedule: each job's latest run and next slot, and the jobs that need someone's attention."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from . import rules
from .jobs import JOBS
from .models import JobRun


@dataclass(frozen=True)
class JobState:
    """A job as the back office shows it: its latest run, its latest and next slots, and what is wrong, if anything."""

    name: str
    label: str
    last_run: JobRun | None
    slot_latest: datetime | None
    slot_next: datetime
    problem: str  # "" | "failed" | "late"


def job_states(*, now: datetime) -> list[JobState]:
    """Every job's state at `now`. Late: its latest slot is more than SCHEDULE_GRACE old and has no run."""
    local = timezone.localtime(now)
    grace = timedelta(minutes=settings.SCHEDULE_GRACE_MINUTES)
    states = []
    for name, job in JOBS.items():
        last = JobRun.objects.filter(job=name).order_by("-due_at", "-pk").first()
        latest = rules.slot_latest(job.schedule, local)
        problem = ""
        if last is not None and last.status == JobRun.Status.FAILED:
            problem = "failed"
        elif latest is not None and local - latest > grace and (last is None or last.due_at < latest):
            problem = "late"
        states.append(JobState(name, str(job.label), last, latest, rules.slot_after(job.schedule, local), problem))
    return states


def jobs_needing_attention(*, now: datetime) -> list[JobState]:
    """The jobs whose latest run failed or whose latest slot passed without a run (a workbench item)."""
    return [state for state in job_states(now=now) if state.problem]


def job_runs(*, job: str = "") -> QuerySet[JobRun]:
    """Runs, newest first (of one job when given)."""
    runs = JobRun.objects.all()
    if job:
        runs = runs.filter(job=job)
    return runs.order_by("-started_at", "-pk")
