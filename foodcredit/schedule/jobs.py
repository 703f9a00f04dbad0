"""The scheduled jobs: what runs when. One table for Celery beat (settings) and the in-process loop alike.

Each job takes the day it runs for and returns counts for the run's record; it calls the domains' services, which
audit their own changes. Times are the bureau's (settings.TIME_ZONE).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import services as account_services
from foodcredit.alerts import tasks as alert_tasks
from foodcredit.credit import tasks as credit_tasks
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk import services as risk_services

CLASSIFY_PARTITION_SIZE = 250_000


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name, what people call it, when it runs, and what it does."""

    name: str
    label: object  # a lazy translated string
    schedule: crontab
    run: Callable[[date], dict[str, int]]


def _lists_daily(day: date) -> dict[str, int]:
    """Listings past their period removed, 60-day escalation notices sent (credit's daily list rules)."""
    return dict(credit_tasks.lists_daily(day.isoformat()))


def _classify(day: date) -> dict[str, int]:
    """Every active operator classified A/B/C/D with the active model (policy: at least monthly)."""
    run = risk_services.classification_start(as_of=day, actor=None)
    parts = max(1, -(-risk_selectors.operator_count() // CLASSIFY_PARTITION_SIZE))
    for lo, hi in risk_services.partitions_for(parts=parts):
        risk_services.classification_partition(run=run, lo=lo, hi=hi)
    run = risk_services.classification_finish(run=run, actor=None)
    return {
        "operators": run.operators,
        "changed": run.changed,
        **{f"class_{c}": n for c, n in run.distribution.items()},
    }


def _alerts_sweep(day: date) -> dict[str, int]:
    """The early-warning detectors as of the day; their findings raised as alerts (repeats absorbed)."""
    return dict(alert_tasks.alerts_sweep(day.isoformat()))


def _accounts_dormant(day: date) -> dict[str, int]:
    """Accounts unused for ACCOUNT_DORMANT_DAYS disabled, their sessions ended (SECURITY.md B4: no stale accounts)."""
    disabled = account_services.users_dormant_disable(
        as_of=timezone.now(), idle_days=int(settings.ACCOUNT_DORMANT_DAYS)
    )
    return {"disabled": len(disabled)}


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("accounts_dormant", _("停用长期未使用的账号"), crontab(minute=30, hour=0), _accounts_dormant),
        Job("lists_daily", _("名录名单每日处理"), crontab(minute=0, hour=1), _lists_daily),
        Job("alerts_sweep", _("监测预警每日扫描"), crontab(minute=30, hour=1), _alerts_sweep),
        Job("risk_classify_monthly", _("信用风险月度分类"), crontab(minute=0, hour=2, day_of_month=1), _classify),
    )
}


def beat_schedule() -> dict[str, dict[str, object]]:
    """CELERY_BEAT_SCHEDULE: one entry per job, each the job's own crontab, each calling `job_run_due`."""
    return {
        name: {"task": "foodcredit.schedule.tasks.job_run_due", "schedule": job.schedule, "args": (name,)}
        for name, job in JOBS.items()
    }
