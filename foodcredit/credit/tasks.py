"""Daily list jobs: serious listings past their period are removed, abnormal listings near 3 years are noticed.

Both services are idempotent, so a redelivered or repeated run changes nothing. Scheduled by Celery beat (or cron
with `manage.py lists_daily`); time is an argument, the task reads the clock once.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def lists_daily(as_of: str | None = None) -> dict[str, int]:
    """Run the daily list rules as of a day (ISO date; today when omitted)."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    expired = services.lists_expire(as_of=day)
    noticed = services.abnormal_escalation_notices(as_of=day)
    return {"expired": len(expired), "noticed": len(noticed)}
