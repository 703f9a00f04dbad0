"""Celery application. Without REDIS_URL the tasks run eagerly in process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("foodcredit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _beat_schedule(sender: Celery, **kwargs: object) -> None:
    """Celery beat's table is the schedule's jobs (foodcredit/schedule/jobs.py), read once the app is set up."""
    from foodcredit.schedule.jobs import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
